"""Who plays each role: the target, a peer given with --peer, or a reference simulator the
harness starts; never whatever answers on a default port. Reports say which, reproductions of
steps on a harness-started simulator name no port that is gone, and a scenario the product's
missing test support stops is reported under the rules it checks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.auth import TargetTokens
from harness.cli import main
from harness.commands.scenario import run_scenarios
from harness.engine import RunContext, VerificationRun
from harness.engine.events import CheckResult
from harness.scenarios import Environment
from harness.suites.scenarios import ScenariosSuite
from simulators.core import config
from tests.scenarios.conftest import SCENARIOS, Proxy, write_scenario
from tests.scenarios.test_commands import DROPPED_IN

pytestmark = pytest.mark.xdist_group("scenarios")


def verify_scenario(env: Environment, role: str, url: str, name: str, tmp_path: Path) -> VerificationRun:
    """`interop verify --role ROLE --suite scenarios` of one scenario, the other roles given as peers."""
    ctx = RunContext(
        role,
        url,
        url,
        TargetTokens(url),
        tmp_path,
        peers={r: e.url for r, e in env.endpoints.items() if r != role},
    )
    run = VerificationRun(ctx, [])
    run.run_suite(ScenariosSuite(files=[SCENARIOS / f"{name}.arazzo.yaml"]))
    return run


def test_a_target_without_test_support_is_not_run_under_the_rules_it_checks(
    scenario_env: Environment, tmp_path: Path
) -> None:
    custody = Proxy(scenario_env["custody"].url, hide_sim=True)
    records = Proxy(scenario_env["records"].url, hide_sim=True)
    try:
        overdue = verify_scenario(scenario_env, "custody", custody.url, "review-overdue", tmp_path)
        down = verify_scenario(scenario_env, "records", records.url, "provider-down", tmp_path)
    finally:
        custody.stop()
        records.stop()
    (check,) = overdue.checks
    assert check.status == "skipped" and check.required and check.requirement == "PACE-s40-review"
    assert check.message.startswith(
        "not run: needs clock control, which is not part of the standard "
        f"(the custody system at {custody.url} does not offer /_sim/clock"
    )
    assert not overdue.findings and overdue.verdict == "inconclusive"
    # provider-down needs records' fault control but checks custody's and intelligence's rules:
    # a records product without it is not left unjudged by it.
    (check,) = down.checks
    assert check.message.startswith("not run: needs fault control, which is not part of the standard")
    assert not check.required and check.requirement is None


@pytest.fixture
def records_on_a_default_port(scenario_env: Environment, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    """A records system answering on what the harness takes as records' default port."""
    proxy = Proxy(scenario_env["records"].url)
    monkeypatch.setitem(config.DEFAULT_PORTS, "records", proxy.server.port)
    monkeypatch.delenv("INTEROP_RECORDS_URL", raising=False)
    yield proxy
    proxy.stop()


def test_roles_are_reference_simulators_unless_given_and_reproductions_name_no_gone_port(
    scenario_env: Environment,
    records_on_a_default_port: Proxy,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    wrong = write_scenario(folder, "history-wrong", DROPPED_IN.replace("default: 200", "default: 201"))

    run = run_scenarios([wrong], {}, tmp_path / "alone", console_output=False)
    assert records_on_a_default_port.count == 0  # a system on the default port is not used unasked
    roles = run.suites[0].stats["roles"]
    assert {r: info["origin"] for r, info in roles.items()} == {
        "custody": "reference",
        "intelligence": "reference",
        "records": "reference",
    }
    (finding,) = run.findings
    ports = {re.sub(r"^.*:", ":", info["url"]) for info in roles.values()}
    for text in (finding.reproduce, finding.detail):
        assert not any(port in text for port in ports), text
    note, command = finding.reproduce.splitlines()
    assert note.startswith("# RECORDS_URL: the records role was a reference simulator the harness started")
    assert "`interop up --systems records`, then RECORDS_URL=http://127.0.0.1:" in note
    assert '"$RECORDS_URL/nominals/' in command and "(GET $RECORDS_URL/nominals/" in finding.detail

    # Nor by `interop verify` (which once read a running `interop up` on the default ports).
    url = scenario_env["custody"].url
    ctx = RunContext("custody", url, url, TargetTokens(url), tmp_path)
    verify = VerificationRun(ctx, [])
    verify.run_suite(ScenariosSuite(files=[wrong]))
    assert records_on_a_default_port.count == 0
    assert verify.suites[0].stats["roles"]["records"]["origin"] == "reference"

    report = tmp_path / "given"
    with pytest.raises(SystemExit) as exit_:
        main(["scenario", "run", "history-wrong", "--dir", str(folder), "--report-dir", str(report),
              "--peer", f"records={records_on_a_default_port.url}"])  # fmt: skip
    assert exit_.value.code == 1
    assert records_on_a_default_port.count > 0  # given: used
    out = capsys.readouterr().out
    assert f"records: {records_on_a_default_port.url} (given)" in out
    assert re.search(r"custody: http://127\.0\.0\.1:\d+ \(reference\)", out)
    summary = json.loads((report / "report.json").read_text())
    assert summary["suites"][0]["stats"]["roles"]["records"] == {
        "url": records_on_a_default_port.url,
        "origin": "given",
    }
    (finding,) = summary["findings"]
    assert f"curl -sS -X GET {records_on_a_default_port.url}/nominals/" in finding["reproduce"]


def test_peer_and_up_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for args, words in [
        (["--up"], "--up is gone"),
        (["--peer", "payroll=http://x"], "--peer: unknown role 'payroll'"),
        (["--peer", "records"], "--peer must look like ROLE=URL"),
        (["--peer", "records=ftp://x"], "--peer records: expected an http(s)://host:port URL"),
        (["--peer", "records=http://127.0.0.1:1"], "--peer records=http://127.0.0.1:1 is unreachable"),
        (
            ["--peer", "records=http://x", "--target", "records=http://x"],
            "given both as --target and as --peer",
        ),
    ]:
        with pytest.raises(SystemExit) as exit_:
            main(["scenario", "run", "arrest-to-charge", *args])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err


def test_not_involved_scenarios_do_not_count_as_unjudged(scenario_env: Environment, tmp_path: Path) -> None:
    run = verify_scenario(
        scenario_env, "intelligence", scenario_env["intelligence"].url, "arrest-to-charge", tmp_path
    )
    (check,) = run.checks
    assert isinstance(check, CheckResult) and check.status == "skipped" and not check.required
