"""`interop scenario run|list` and `interop verify --suite scenarios`: exit codes and reports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.commands.scenario import run_scenarios
from harness.commands.verify import run_verification
from harness.scenarios import Environment
from harness.suites.scenarios import ScenariosSuite
from tests.scenarios.conftest import SCENARIOS, write_scenario

INTEROP = [sys.executable, "-m", "harness.cli"]

# A scenario a test team might drop in: a person's custody history, with one criterion that a
# second variant gets wrong on purpose.
DROPPED_IN = """
- workflowId: history
  inputs:
    type: object
    properties:
      surname: {type: string, x-interop-generate: name}
      expected_status: {type: integer, default: 200}
  steps:
    - stepId: create
      operationId: $sourceDescriptions.records.createNominal
      requestBody:
        payload: {surname: $inputs.surname, forenames: [Ann], sex: female, date_of_birth: '1980',
                  address: {line1: 1 Park Row, town: Leeds, postcode: LS1 5AB}}
      successCriteria:
        - condition: $statusCode == 201
      outputs:
        id: $response.body#/nominal_id
    - stepId: history
      operationId: $sourceDescriptions.records.getCustodyHistory
      parameters:
        - {name: nominal_id, in: path, value: $steps.create.outputs.id}
      successCriteria:
        - condition: $statusCode == $inputs.expected_status
        - condition: $response.body#/items/0 == null
"""


def interop(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*INTEROP, *args], capture_output=True, text=True, timeout=timeout)


def one_line_error(r: subprocess.CompletedProcess[str], words: str) -> None:
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("interop: error:") and words in lines[0], r.stderr


def test_run_dropped_in_scenarios_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    write_scenario(folder, "custody-history", DROPPED_IN)
    write_scenario(folder, "custody-history-wrong", DROPPED_IN.replace("default: 200", "default: 201"))
    listing = interop("scenario", "list", "--dir", str(folder))
    assert listing.returncode == 0 and "custody-history-wrong" in listing.stdout

    reports = tmp_path / "report"
    r = interop("scenario", "run", "--all", "--dir", str(folder), "--report-dir", str(reports))
    assert r.returncode == 1, r.stdout + r.stderr
    report = json.loads((reports / "report.json").read_text())
    assert report["verdict"] == "fail" and [s["name"] for s in report["suites"]] == ["scenarios"]
    (finding,) = report["findings"]
    assert finding["title"] == "custody-history-wrong: history"
    assert finding["requirement"] == "SCN-custody-history-wrong-02"
    assert finding["detail"].startswith(
        "system records, operation getCustodyHistory: expected $statusCode == "
        "$inputs.expected_status, got $statusCode = 200; $inputs.expected_status = 201"
    )
    assert finding["operation"] == "GET /nominals/{nominal_id}/custody-history"
    assert [(c["group"], c["status"]) for c in report["checks"]] == [
        ("custody-history", "passed"),
        ("custody-history", "passed"),
        ("custody-history-wrong", "passed"),
        ("custody-history-wrong", "failed"),
    ]
    junit = ET.parse(reports / "junit.xml").getroot()
    assert junit.get("tests") == "4" and junit.get("failures") == "1"
    failure = junit.find(".//failure")
    assert failure is not None and "SCN-custody-history-wrong-02" in (failure.text or "")


def test_run_usage_errors_exit_2(tmp_path: Path) -> None:
    one_line_error(interop("scenario", "run", "no-such-scenario"), "no scenario 'no-such-scenario'")
    write_scenario(tmp_path, "broken", DROPPED_IN.replace("$statusCode == 201", "$statusCode = 201"))
    one_line_error(interop("scenario", "run", "broken", "--dir", str(tmp_path)), "is not a valid scenario")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    one_line_error(
        interop("scenario", "run", "arrest-to-charge", "--target", f"custody=http://127.0.0.1:{port}"),
        "unreachable",
    )


@pytest.mark.xdist_group("scenarios")
def test_verify_runs_every_scenario_with_the_target_in_its_role(
    scenario_env: Environment, tmp_path: Path
) -> None:
    peers = {r: scenario_env[r].url for r in ("records", "intelligence")}
    run = run_verification(
        "custody", scenario_env["custody"].url, ["scenarios"], tmp_path, peers=peers, console=False
    )
    assert run.verdict == "pass", [f.detail for f in run.findings]
    (suite,) = run.suites
    assert suite.stats["scenarios_passed"] == len(list(SCENARIOS.glob("*.arazzo.yaml")))
    roles = suite.stats["roles"]
    assert roles["custody"] == {"url": scenario_env["custody"].url, "origin": "target"}
    assert roles["records"] == {"url": peers["records"], "origin": "given"}
    assert suite.passed == len(run.checks) > 90 and suite.failed == 0
    assert {c.group for c in run.checks} >= {"arrest-to-charge", "review-overdue", "provider-down"}


@pytest.mark.xdist_group("scenarios")
def test_scenarios_not_involving_the_role_are_skipped(scenario_env: Environment, tmp_path: Path) -> None:
    from harness.auth import TargetTokens
    from harness.engine import RunContext, VerificationRun

    url = scenario_env["intelligence"].url
    ctx = RunContext(
        "intelligence",
        url,
        url,
        TargetTokens(url),
        tmp_path,
        peers={r: scenario_env[r].url for r in ("records", "custody")},
    )
    run = VerificationRun(ctx, [])
    run.run_suite(ScenariosSuite(files=[SCENARIOS / "arrest-to-charge.arazzo.yaml"]))
    (check,) = run.checks
    assert (
        check.status == "skipped"
        and check.message == "not run: the scenario does not involve the intelligence role"
    )


@pytest.mark.slow
def test_against_interop_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`interop up` (real child processes) with custody as the target: arrest-to-charge passes."""
    from harness.ecosystem import Ecosystem, EcosystemSpec
    from simulators.core.server import free_port

    base = free_port()
    while any(not _free(base + i) for i in range(3)):
        base = free_port()
    spec = EcosystemSpec(
        population=80,
        home=tmp_path / "home",
        ports={"records": base, "custody": base + 1, "intelligence": base + 2},
    )
    with Ecosystem(spec):
        for role in ("records", "intelligence"):
            monkeypatch.setenv(f"INTEROP_{role.upper()}_URL", spec.url(role))
        run = run_scenarios(
            [SCENARIOS / "arrest-to-charge.arazzo.yaml"],
            {"custody": spec.url("custody")},
            tmp_path / "report",
            console_output=False,
        )
    assert run.verdict == "pass", [f.detail for f in run.findings]
    assert run.ctx.role == "custody" and len(run.checks) == 14
    assert run.suites[0].stats["roles"]["records"] == {"url": spec.url("records"), "origin": "given"}


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
