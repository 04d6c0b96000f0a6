"""Every scenario passes against the reference simulators, and fails with a precise step finding
when the system in its key role plays a vendor quirk profile (`PUT /_sim/quirks`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from harness.engine.events import CheckResult, Finding
from harness.scenarios import Environment, ScenarioRunner, load_scenario
from harness.scenarios.results import step_events
from tests.scenarios.conftest import SCENARIOS, set_quirks

pytestmark = pytest.mark.xdist_group("scenarios")

NAMES = sorted(p.name.removesuffix(".arazzo.yaml") for p in SCENARIOS.glob("*.arazzo.yaml"))

# scenario -> (system, quirk, the step that must fail, words the finding's detail must hold)
QUIRK_CASES = [
    ("arrest-to-charge", "custody", "drop-required", "book-in", "no value at /relevant_time"),
    ("arrest-to-charge", "records", "drop-required", "case-file-defendant", "no value at /surname"),
    (
        "intelligence-led-arrest",
        "intelligence",
        "drop-required",
        "officer-search",
        "no value at /items/0/grading",
    ),
    ("unknown-detainee-merge", "records", "camel-case", "create-known-person", "keys nominalId, pncId"),
    ("one-person-three-systems", "records", "camel-case", "known-person", "keys nominalId, pncId"),
    (
        "review-overdue",
        "custody",
        "review-every-10h",
        "late-review",
        "expected the next review is due 9 hours after the first was due",
    ),
    (
        "rui-then-rearrest",
        "custody",
        "dates-dmy",
        "release-under-investigation",
        "expected the release time is an ISO 8601 instant",
    ),
    (
        "restricted-intelligence",
        "intelligence",
        "indicator-leak",
        "intelligence-indicator",
        "expected the indicator carries no report text",
    ),
    (
        "national-index-rebuild",
        "records",
        "no-paging",
        "mark-records-feed",
        "expected output cursor at $response.body#/next_cursor",
    ),
    (
        "provider-down",
        "custody",
        "html-errors",
        "book-in-while-down",
        "expected $response.header.Content-Type matches /^application/problem\\+json/, got "
        "$response.header.Content-Type = text/html",
    ),
]


@pytest.fixture
def env(scenario_env: Environment) -> Iterator[Environment]:
    yield scenario_env
    for system in ("records", "custody", "intelligence"):
        set_quirks(scenario_env, system, [])


@pytest.mark.parametrize("name", NAMES)
def test_scenario_passes_against_the_simulators(env: Environment, name: str) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.arazzo.yaml")
    outcome = ScenarioRunner(env).run(scenario)
    failed = [
        f"{s.name}: {s.message} {[v for v in s.failed_verdicts]}"
        for s in outcome.steps
        if s.status != "passed"
    ]
    assert outcome.status == "passed" and not failed, failed
    assert len(outcome.steps) >= len(scenario.main["steps"]) and not outcome.warnings
    events = list(step_events(outcome))
    assert all(isinstance(e, CheckResult) and e.status == "passed" and e.group == name for e in events)
    assert events[0].requirement == f"SCN-{name}-01"


def test_every_scenario_has_a_quirk_case_in_its_key_role() -> None:
    for name in NAMES:
        key_role = load_scenario(SCENARIOS / f"{name}.arazzo.yaml").key_role
        assert any(n == name and system == key_role for n, system, *_ in QUIRK_CASES), name


@pytest.mark.parametrize(
    ("name", "system", "quirk", "step", "words"),
    QUIRK_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in QUIRK_CASES],
)
def test_scenario_fails_precisely_under_a_quirk(
    env: Environment, name: str, system: str, quirk: str, step: str, words: str
) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.arazzo.yaml")
    set_quirks(env, system, [quirk])
    outcome = ScenarioRunner(env).run(scenario)
    assert outcome.status == "failed"
    findings = [e for e in step_events(outcome) if isinstance(e, Finding)]
    assert len(findings) == 1, [f.detail for f in findings]
    finding = findings[0]
    failed = next(s for s in outcome.steps if s.status == "failed")
    assert failed.step_id == step, finding.detail
    assert finding.check == "scenario-step" and finding.severity == "error"
    assert finding.title == f"{name}: {step}"
    assert finding.requirement == f"SCN-{name}-{failed.number}"
    assert finding.operation == failed.operation and finding.operation.split()[0] in (
        "GET",
        "POST",
        "PUT",
        "PATCH",
    )
    assert finding.detail.startswith(f"system {failed.system}, operation {failed.operation_id}: expected ")
    assert ", got " in finding.detail and words in finding.detail, finding.detail
    # Every role is a reference simulator here: the reproduction names it by variable, not port.
    note, command = finding.reproduce.splitlines()
    variable = f"{failed.system.upper()}_URL"
    assert note.startswith(f"# {variable}: the {failed.system} role was a reference simulator")
    assert command.startswith(("curl ", "TOKEN=$(interop token")) and f'"${variable}/' in command
    assert env[failed.system].url not in finding.reproduce + finding.detail
    assert finding.extra["expected"] and finding.extra["actual"]
    after = [s for s in outcome.steps if s.number > failed.number and "." not in s.number]
    assert all(s.status == "skipped" and s.message.startswith("not run: step ") for s in after)


def test_test_support_is_put_back_after_a_scenario(env: Environment) -> None:
    scenario = load_scenario(SCENARIOS / "review-overdue.arazzo.yaml")
    set_quirks(env, "custody", ["review-every-10h"])  # fails mid-way, with custody's clock frozen
    assert ScenarioRunner(env).run(scenario).status == "failed"
    clock = requests.get(env["custody"].url + "/_sim/clock", timeout=10).json()
    assert clock["frozen"] is False and clock["offset_seconds"] == 0
    down = load_scenario(SCENARIOS / "provider-down.arazzo.yaml")
    set_quirks(env, "custody", ["html-errors"])  # fails while records is down
    assert ScenarioRunner(env).run(down).status == "failed"
    assert requests.get(env["records"].url + "/_sim/faults", timeout=10).json()["down"] is False
    assert requests.get(env["custody"].url + "/_sim/quirks", timeout=10).json()["active"] == ["html-errors"]
