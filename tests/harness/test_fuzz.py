"""The fuzz suite against a toy system, clean and deliberately broken.

Each defect must be found, as one finding per check and operation, with a curl command that
reproduces it when run in a shell; the clean system must give none; the same seed must send
the same requests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from harness.engine.events import CheckResult, Finding, SuiteFinished
from harness.engine.run import RunContext
from harness.suites.fuzz import FuzzSuite
from simulators.core.spec import contracts_dir
from tests.harness.fuzz_fixtures.gadgets_app import SCOPES, IssuerTokens, gadgets_spec, start_gadgets
from tests.simkit import RunningSim

MAX_EXAMPLES = 8
# A generous time budget: Schemathesis shares the budget out between phases, and a busy CI machine
# must not thin the pass (the toy system's whole pass takes a few seconds).
MAX_TIME = 300
pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="the reproductions are curl commands")

# defect -> the error findings it must give, as (check, operation) -> status the reproduction answers
EXPECTED: dict[str, dict[tuple[str, str], int]] = {
    "server-error": {("not_a_server_error", "GET /gadgets"): 500},
    "wrong-type": {
        ("response_schema_conformance", "GET /gadgets"): 200,
        ("response_schema_conformance", "GET /gadgets/{gadget_id}"): 404,  # a problem+json body
    },
    "undocumented-status": {("status_code_conformance", "GET /gadgets/{gadget_id}"): 410},
    "ignores-auth": {
        ("ignored_auth", "GET /gadgets/{gadget_id}"): 200,
        ("ignored_scope", "GET /gadgets/{gadget_id}"): 200,
        ("ignored_scope", "POST /gadgets"): 201,
    },
}
REQUIREMENTS = {
    "not_a_server_error": "STD-NO-5XX",
    "response_schema_conformance": "STD-SCHEMA",
    "status_code_conformance": "STD-STATUS",
    "ignored_auth": "STD-AUTH",
    "ignored_scope": "STD-AUTH",
}


def fuzz(running: RunningSim, tmp_path: Path, **options: Any) -> list[Any]:
    events: list[Any] = []
    ctx = RunContext(
        role="gadgets",
        target=running.url,
        base_url=running.url,
        tokens=IssuerTokens(running),
        report_dir=tmp_path,
        options={"max_examples": MAX_EXAMPLES, "seed": 1, "max_time": MAX_TIME, **options},
    )
    FuzzSuite(spec=gadgets_spec()).run(ctx, events.append)
    return events


def replay(finding: Finding, running: RunningSim) -> tuple[int, str]:
    """Run the finding's reproduction in bash, as a vendor would; returns (status, raw response)."""
    env = {**os.environ, "TOKEN": running.token(SCOPES)}
    if "wrong_scopes" in finding.extra:
        env["WRONG_SCOPE_TOKEN"] = running.token(finding.extra["wrong_scopes"])
    r = subprocess.run(
        ["bash", "-c", finding.reproduce + " -w '\\n%{http_code}'"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert r.returncode == 0, r.stderr
    out, _, status = r.stdout.rpartition("\n")
    return int(status), out


@pytest.mark.parametrize("defect", list(EXPECTED))
def test_each_defect_is_found_once_with_a_working_reproduction(defect: str, tmp_path: Path) -> None:
    running = start_gadgets(tmp_path / "sim", defect)
    try:
        events = fuzz(running, tmp_path)
        errors = [e for e in events if isinstance(e, Finding) and e.severity == "error"]
        found = {(f.check, f.operation): f for f in errors}
        assert len(found) == len(errors), "one finding per check and operation"
        assert set(found) == set(EXPECTED[defect]), [(f.check, f.operation, f.title) for f in errors]
        for key, status in EXPECTED[defect].items():
            finding = found[key]
            assert finding.requirement == REQUIREMENTS[finding.check]
            assert finding.extra["seed"] == 1 and "seed 1" in finding.detail
            assert finding.reproduce.startswith("curl ") and running.url in finding.reproduce
            got, raw = replay(finding, running)
            assert got == status == finding.extra["response_status"], (finding.reproduce, raw)
            if defect == "wrong-type":
                assert '"limit":"' in raw.replace(" ", "") or '"status":"404"' in raw.replace(" ", "")
        failed = {
            (c.name.split("[")[1].rstrip("]"), c.operation)
            for c in events
            if isinstance(c, CheckResult) and c.status == "failed"
        }
        assert failed == set(EXPECTED[defect])
    finally:
        running.stop(check_responses=False)


def test_a_clean_system_gives_no_findings_and_reports_what_ran(tmp_path: Path) -> None:
    running = start_gadgets(tmp_path / "sim")
    try:
        events = fuzz(running, tmp_path)
    finally:
        running.stop()
    assert [e for e in events if isinstance(e, Finding)] == []
    finished = events[-1]
    assert isinstance(finished, SuiteFinished) and finished.failed == 0
    stats = finished.stats
    assert stats["operations"] == stats["operations_exercised"] == 5
    assert (
        stats["test_cases"] > 5 * MAX_EXAMPLES
        and stats["seed"] == 1
        and stats["max_examples"] == MAX_EXAMPLES
    )
    assert stats["phases"] == ["examples", "coverage", "fuzzing", "stateful"] and stats["stateful_links"] >= 1
    assert stats["stop_reason"] == "completed"
    checks = [e for e in events if isinstance(e, CheckResult)]
    assert {c.operation for c in checks} == {
        "GET /health",
        "POST /oauth/token",
        "GET /gadgets",
        "POST /gadgets",
        "GET /gadgets/{gadget_id}",
    }
    names = {c.name for c in checks}
    assert len(names) == len(checks), "CheckResult names are unique within the suite"
    for op in ("GET /gadgets", "POST /gadgets", "GET /gadgets/{gadget_id}"):
        assert {
            f"{op} [ignored_auth]",
            f"{op} [ignored_scope]",
            f"{op} [not_a_server_error]",
            f"{op} [response_schema_conformance]",
        } <= names
    assert all(c.status == "passed" for c in checks)
    assert stats["auth_probes"] == 9  # three secured operations, three probes each


def _requests_sent(running: RunningSim) -> list[tuple[Any, ...]]:
    running.ctx.traffic.flush()
    t = running.ctx.tables.traffic
    with running.ctx.db.session() as s:
        rows = s.execute(select(t.c.method, t.c.path, t.c.query, t.c.request_body).order_by(t.c.seq)).all()
    return [tuple(r) for r in rows]


def test_same_seed_same_requests(tmp_path: Path) -> None:
    sent = []
    for i, seed in enumerate((7, 7, 8)):
        running = start_gadgets(tmp_path / f"sim{i}", traffic_log=True)
        try:
            fuzz(running, tmp_path, seed=seed, max_examples=4)
            sent.append(_requests_sent(running))
        finally:
            running.stop(check_responses=False)
    assert len(sent[0]) > 50
    assert sent[0] == sent[1]
    assert sent[0] != sent[2]


def _toy_contracts(tmp_path: Path) -> Path:
    """A contracts folder whose `records.yaml` is the toy system, so the real CLI can fuzz it."""
    folder = tmp_path / "contracts" / "openapi"
    folder.mkdir(parents=True)
    shutil.copy(contracts_dir() / "openapi" / "common.yaml", folder / "common.yaml")
    shutil.copy(Path(__file__).parent / "fuzz_fixtures" / "gadgets.yaml", folder / "records.yaml")
    return folder.parent


@pytest.mark.parametrize(("defect", "exit_code"), [(None, 0), ("server-error", 1)])
def test_interop_verify_suite_fuzz_end_to_end(defect: str | None, exit_code: int, tmp_path: Path) -> None:
    home = tmp_path / "sim"
    running = start_gadgets(home, defect)
    try:
        env = {
            **os.environ,
            "INTEROP_CONTRACTS_DIR": str(_toy_contracts(tmp_path)),
            "INTEROP_HOME": str(home),
        }
        reports = tmp_path / "report"
        auth = tmp_path / "auth.yaml"
        auth.write_text("issuer: local\n")  # the toy trusts interop's local issuer, as it says
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "harness.cli",
                "verify",
                "--role",
                "records",
                "--target",
                running.url,
                "--suite",
                "fuzz",
                "--max-examples",
                "5",
                "--seed",
                "3",
                "--max-time",
                "50",
                "--auth",
                str(auth),
                "--report-dir",
                str(reports),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        running.stop(check_responses=False)
    assert r.returncode == exit_code, r.stderr
    report = json.loads((reports / "report.json").read_text())
    suite = report["suites"][0]
    assert suite["name"] == "fuzz"
    assert suite["stats"]["operations"] == 5 and suite["stats"]["test_cases"] > 0
    assert (
        suite["stats"]["seed"] == 3
        and suite["stats"]["max_examples"] == 5
        and suite["stats"]["max_time"] == 50
    )
    findings = report["findings"]
    if defect is None:
        assert findings == [] and report["verdict"] == "pass"
    else:
        assert [(f["check"], f["operation"]) for f in findings] == [("not_a_server_error", "GET /gadgets")]
        assert findings[0]["reproduce"].startswith("curl ") and findings[0]["extra"]["seed"] == 3
        assert 'failures="1"' in (reports / "junit.xml").read_text()
