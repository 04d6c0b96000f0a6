"""Every vendor quirk profile is caught by the harness (verdict fail, a finding on the affected
operation), and the same runs without quirks pass: no false alarms."""

from __future__ import annotations

import pytest
import requests

from harness.commands.verify import run_verification
from harness.embedded import embedded_ecosystem
from simulators.core.quirks import QUIRKS, UNGUARDED_OPERATION

pytestmark = pytest.mark.slow

FAST = {"max_examples": 3, "seed": 1, "max_time": 120}  # max_time only caps a run on a busy machine

# quirk -> (system that shows it, suites that must catch it, operation the finding must name or None)
CASES = {
    "dates-dmy": ("records", ["fuzz"], None),
    "camel-case": ("custody", ["fuzz"], None),
    "drop-required": ("intelligence", ["fuzz"], None),
    "not-found-200": ("records", ["fuzz"], None),
    "html-errors": ("custody", ["fuzz"], None),
    "no-paging": ("records", ["fuzz"], "GET /nominals"),
    "ignore-auth": ("records", ["fuzz"], UNGUARDED_OPERATION["records"]),
    "non-ascii-500": ("records", ["fuzz"], None),
    "slow": ("intelligence", ["fuzz"], None),
    "review-every-10h": ("custody", ["scenarios"], None),
    "indicator-leak": ("intelligence", ["scenarios"], None),
    "export-drops-aliases": ("records", ["portability"], None),
    "export-rewrites-ids": ("records", ["portability"], None),
}


def test_every_quirk_has_a_case():
    assert set(CASES) == set(QUIRKS)


@pytest.fixture(scope="module")
def force(tmp_path_factory):  # type: ignore[no-untyped-def]
    """All three simulators, wired to each other; one at a time plays the vendor product."""
    with embedded_ecosystem(home=tmp_path_factory.mktemp("force"), population=40) as eco:
        yield eco


def _verify(force, system, suites, report_dir, options):  # type: ignore[no-untyped-def]
    peers = {s: u for s, u in force.urls.items() if s != system}
    return run_verification(
        system, force.urls[system], suites, report_dir, options=options, console=False, peers=peers
    )


def _set_quirks(force, system, names):  # type: ignore[no-untyped-def]
    r = requests.put(force.urls[system] + "/_sim/quirks", json={"active": names}, timeout=10)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("quirk", sorted(CASES))
def test_quirk_is_caught(quirk, force, tmp_path):
    system, suites, operation = CASES[quirk]
    options = dict(FAST)
    if quirk == "slow":
        options.update(max_examples=1, max_time=8)
    _set_quirks(force, system, [quirk])
    try:
        run = _verify(force, system, suites, tmp_path / "report", options)
    finally:
        _set_quirks(force, system, [])
    errors = [f for f in run.findings if f.severity == "error"]
    assert run.verdict == "fail", f"{quirk} was not caught"
    assert errors
    if operation:
        assert any(f.operation == operation for f in errors), [(f.operation, f.check) for f in errors]


@pytest.mark.parametrize("system", ["records", "custody", "intelligence"])
def test_no_quirks_no_findings(system, force, tmp_path):
    run = _verify(force, system, ["fuzz", "scenarios"], tmp_path / "report", FAST)
    assert run.verdict == "pass", [(f.check, f.operation, f.detail[:300]) for f in run.findings]


def test_the_review_quirk_is_caught_through_the_standard_api_alone(force, tmp_path):  # type: ignore[no-untyped-def]
    """No clock control: the boundary probes put the times into the requests (PACE s.40)."""
    _set_quirks(force, "custody", ["review-every-10h"])
    try:
        run = _verify(force, "custody", ["rules"], tmp_path / "report", FAST)
    finally:
        _set_quirks(force, "custody", [])
    assert run.verdict == "fail"
    assert any(f.severity == "error" and f.requirement == "PACE-s40-review" for f in run.findings), [
        (f.check, f.requirement) for f in run.findings
    ]
