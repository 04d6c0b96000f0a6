"""`interop verify --suite contracts`: pacts replayed against real servers, findings that name what
broke, vendor pacts against our reference simulator, and targets that are down, slow or answer HTML."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pact import Pact, generate, match
from pact.match.matcher import GenericMatcher

from harness.auth import TargetTokens
from harness.contracts.pactfile import pacts_dir
from harness.contracts.state_server import StateServer
from harness.contracts.target_api import TargetApi
from harness.engine import RunContext, VerificationRun
from harness.engine.events import Event
from harness.oracle.oracle import GROUP as ORACLE_GROUP
from harness.suites.contracts import ContractsSuite
from simulators.core.server import ServerStopped, ServerThread, free_port, wait_for_health
from tests.simkit import RunningSim, start_system

INTEROP = [sys.executable, "-m", "harness.cli"]
UUID = r"^/nominals/[0-9a-fA-F-]{36}$"


class Collect:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def handle(self, event: Event) -> None:
        self.events.append(event)

    def close(self, run: VerificationRun) -> None:
        pass


def run_suite(
    role: str, url: str, tmp: Path, *, pact_dir: Path | None = None, **options: Any
) -> VerificationRun:
    ctx = RunContext(
        role=role,
        target=url,
        base_url=url,
        tokens=TargetTokens(url, home=tmp),
        report_dir=tmp,
        options=options,
    )
    run = VerificationRun(ctx, [Collect()])
    run.run_suite(ContractsSuite(pact_dir=pact_dir))
    run.finish()
    return run


def only(tmp: Path, *names: str) -> Path:
    """A pact folder with copies of some of the standard's pacts."""
    folder = tmp / "pacts"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(pacts_dir() / name, folder / name)
    return folder


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTEROP_HOME": str(home), "PACT_DO_NOT_TRACK": "true"}
    return subprocess.run([*INTEROP, *args], capture_output=True, text=True, timeout=300, env=env)


def report(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "report.json").read_text())


@pytest.fixture
def records(tmp_path: Path) -> Iterator[RunningSim]:
    sim = start_system("records", tmp_path / "records", population=20)
    yield sim
    sim.stop(check_responses=False)  # quirks make it break its own spec on purpose


def test_a_simulator_with_a_broken_response_exits_1_naming_the_field(
    records: RunningSim, tmp_path: Path
) -> None:
    assert records.sim("PUT", "/quirks", json={"active": ["drop-required"]}).status_code == 200
    out = tmp_path / "report"
    r = cli(
        "verify",
        "--role",
        "records",
        "--target",
        records.url,
        "--suite",
        "contracts",
        "--report-dir",
        str(out),
        home=tmp_path,
    )
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    doc = report(out)
    assert doc["verdict"] == "fail"
    broken = [
        f
        for f in doc["findings"]
        if f["check"] == "pact-interaction"
        and f["operation"] == "GET /nominals/{nominal_id}"
        and f["title"].startswith("custody: ")
    ]
    assert broken, doc["findings"]
    finding = broken[0]
    assert "required field(s) missing: surname" in finding["detail"]  # the broken field, by name
    assert finding["requirement"].startswith("PACT-custody-records-")
    assert (
        finding["reproduce"].startswith("curl ") and '"Authorization: Bearer $TOKEN"' in finding["reproduce"]
    )
    # interactions that never read the surname still pass: the pact asks for what consumers need
    statuses = {c["name"]: c["status"] for c in doc["checks"]}
    merged = "intelligence -> records: a request for a subject whose nominal was merged into another"
    assert statuses[merged] == "passed"


def _vendor_pact(folder: Path) -> Path:
    """A vendor's custody product's pact: one expectation our records meets, one it does not."""
    nominal = "11111111-2222-4333-8444-555555555555"
    pact = Pact("acme-custody", "records")
    given = {
        "pnc_id": "2019/0012345G",
        "surname": "O'Brien",
        "forenames": ["Siobhán"],
        "date_of_birth": "1990-07-14",
    }
    path = GenericMatcher(
        "regex",
        value=f"/nominals/{nominal}",
        regex=UUID,
        generator=generate.provider_state("/nominals/${nominal_id}"),
    )
    (
        pact.upon_receiving("Acme finds the detainee by PNC ID")
        .given("a nominal with PNC ID 2019/0012345G exists", given)
        .with_request("GET", "/nominals")
        .with_query_parameter("pnc_id", "2019/0012345G")
        .with_header("Authorization", match.regex("Bearer acme", regex=r"^Bearer \S+$"))
        .will_respond_with(200)
        .with_body(
            {"items": match.each_like({"nominal_id": match.str(nominal), "surname": match.str("O'Brien")})},
            content_type="application/json",
        )
    )
    (
        pact.upon_receiving("Acme reads the detainee's date of birth in UK form")
        .given("a nominal with PNC ID 2019/0012345G exists", given)
        .with_request("GET", path)
        .with_header("Authorization", match.regex("Bearer acme", regex=r"^Bearer \S+$"))
        .will_respond_with(200)
        .with_body(
            {
                "nominal_id": match.str(nominal),
                "date_of_birth": match.regex("14/07/1990", regex=r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$"),
            },
            content_type="application/json",
        )
    )
    with pact.serve(addr="127.0.0.1") as server:
        auth = {"Authorization": "Bearer acme"}
        assert requests.get(f"{server.url}/nominals", params={"pnc_id": "2019/0012345G"}, headers=auth).ok
        assert requests.get(f"{server.url}/nominals/{nominal}", headers=auth).ok
    pact.write_file(folder, overwrite=True)
    return folder / "acme-custody-records.json"


def test_a_vendor_pact_with_an_expectation_records_does_not_meet_fails_with_the_reason(
    tmp_path: Path,
) -> None:
    vendor = _vendor_pact(tmp_path / "vendor")
    out = tmp_path / "report"
    r = cli("verify", "--pact", str(vendor), "--role", "records", "--report-dir", str(out), home=tmp_path)
    assert r.returncode == 1, r.stderr
    doc = report(out)
    statuses = {c["name"]: c["status"] for c in doc["checks"] if c["group"] != ORACLE_GROUP}
    assert statuses == {
        "acme-custody -> records: Acme finds the detainee by PNC ID": "passed",
        "acme-custody -> records: Acme reads the detainee's date of birth in UK form": "failed",
    }
    (finding,) = doc["findings"]
    assert finding["title"] == "acme-custody: Acme reads the detainee's date of birth in UK form"
    assert "body $.date_of_birth" in finding["detail"] and '"1990-07-14"' in finding["detail"]
    assert '"14/07/1990"' in finding["detail"]  # expected versus got


def test_an_unknown_provider_state_is_named_with_the_states_the_harness_knows(
    records: RunningSim, tmp_path: Path
) -> None:
    pact = json.loads((pacts_dir() / "custody-records.json").read_text())
    pact["consumer"]["name"] = "acme-custody"
    pact["interactions"] = [i for i in pact["interactions"] if i["key"] == "get-nominal"]
    pact["interactions"][0]["providerStates"] = [{"name": "the moon is full", "params": {}}]
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(pact))
    run = run_suite("records", records.url, tmp_path, pacts=[str(path)])
    (finding,) = run.findings
    assert "provider state 'the moon is full' could not be set up" in finding.detail
    assert "a nominal with PNC ID <pnc_id> exists" in finding.detail  # what a vendor may use instead


def test_a_file_that_is_not_a_pact_is_a_finding_not_a_crash(records: RunningSim, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("<html>not a pact</html>")
    run = run_suite("records", records.url, tmp_path, pacts=[str(bad)])
    assert [f.check for f in run.findings] == ["pact-file"] and "not a JSON pact file" in run.findings[
        0
    ].detail
    assert run.verdict == "fail"


def test_a_target_that_is_down_is_exit_2_in_one_line(tmp_path: Path) -> None:
    r = cli(
        "verify",
        "--role",
        "records",
        "--target",
        f"http://127.0.0.1:{free_port()}",
        "--suite",
        "contracts",
        "--report-dir",
        str(tmp_path / "r"),
        home=tmp_path,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "unreachable" in lines[0]


def test_a_target_that_stops_answering_gives_one_finding_and_skips_the_rest(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: as if it died after the probe
    started = time.monotonic()
    run = run_suite(
        "records", url, tmp_path, pact_dir=only(tmp_path, "custody-records.json"), max_unreachable=2
    )
    assert time.monotonic() - started < 30
    assert [f.check for f in run.findings].count("target-unreachable") == 1
    checks = [c.status for c in run.checks]
    assert checks.count("failed") == 2 and checks.count("skipped") == len(checks) - 2
    failed = [f for f in run.findings if f.check == "pact-interaction"]
    assert all("connection refused" in f.detail for f in failed)


def test_a_slow_target_is_reported_with_the_time_it_was_given(records: RunningSim, tmp_path: Path) -> None:
    records.sim("PUT", "/quirks", json={"active": ["slow"]})
    started = time.monotonic()
    run = run_suite(
        "records",
        records.url,
        tmp_path,
        pact_dir=only(tmp_path, "intelligence-records.json"),
        request_timeout=0.5,
        max_unreachable=2,
    )
    assert time.monotonic() - started < 60
    details = " ".join(f.detail for f in run.findings)
    assert "did not answer within 0.5s" in details
    assert any(f.check == "target-unreachable" for f in run.findings)


def _html_site(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
    return [body]


def test_a_target_that_answers_html_gets_clear_findings(tmp_path: Path) -> None:
    with ServerThread(_html_site) as site:
        run = run_suite("records", site.url, tmp_path, pact_dir=only(tmp_path, "intelligence-records.json"))
    assert not [f for f in run.findings if f.check == "suite-error"]
    interactions = [f for f in run.findings if f.check == "pact-interaction"]
    assert interactions and all(c.status == "failed" for c in run.checks)
    assert all("text/html" in f.detail for f in interactions)
    assert any("POST /nominals answered 200 (expected 201): text/html" in f.detail for f in interactions)


def test_interactions_without_a_token_reach_the_target_without_one(
    records: RunningSim, tmp_path: Path
) -> None:
    run = run_suite("records", records.url, tmp_path, pact_dir=only(tmp_path, "custody-records.json"))
    assert run.verdict == "pass", [f.detail for f in run.findings]
    traffic = requests.get(records.url + "/_sim/traffic", params={"limit": 200}, timeout=10).json()["items"]
    tokenless = [t for t in traffic if t["path"] == "/nominals/9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"]
    assert {(t["status"], t["client_id"]) for t in tokenless} >= {(401, None), (404, "interop-admin")}


def test_the_products_own_state_change_url_is_used_when_given(records: RunningSim, tmp_path: Path) -> None:
    product_states = StateServer(
        TargetApi(records.url, TargetTokens(records.url, home=tmp_path)), "records"
    ).start()
    state_url = product_states.url
    try:
        run = run_suite(
            "records",
            records.url,
            tmp_path,
            pact_dir=only(tmp_path, "intelligence-records.json"),
            state_url=state_url,
        )
        calls = product_states.take_calls()
    finally:
        product_states.stop()
    assert run.verdict == "pass", [f.detail for f in run.findings]
    assert {c.state for c in calls if c.action == "setup"} >= {
        "a nominal exists",
        "a nominal has been merged into another",
    }
    assert run.suites[0].stats["state_handler"] == state_url


@pytest.mark.slow
def test_verify_against_interop_up_passes_for_every_role(tmp_path: Path) -> None:
    from tests.harness.test_up import _free_base_port

    base = _free_base_port()
    env = {**os.environ, "INTEROP_HOME": str(tmp_path), "PACT_DO_NOT_TRACK": "true"}
    up = subprocess.Popen(
        [*INTEROP, "up", "--population", "60", "--base-port", str(base)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        urls = {
            role: f"http://127.0.0.1:{base + i}"
            for i, role in enumerate(("records", "custody", "intelligence"))
        }
        deadline = time.monotonic() + 120
        for url in urls.values():
            try:
                wait_for_health(
                    url, deadline - time.monotonic(), alive=lambda: up.poll() is None, ok_only=True
                )
            except ServerStopped:
                raise AssertionError(up.stderr.read() if up.stderr else "") from None
        for role, url in urls.items():
            out = tmp_path / f"report-{role}"
            r = cli(
                "verify",
                "--role",
                role,
                "--target",
                url,
                "--suite",
                "contracts",
                "--report-dir",
                str(out),
                home=tmp_path,
            )
            assert r.returncode == 0, (role, r.stdout[-2000:], r.stderr[-2000:])
            doc = report(out)
            assert (
                doc["verdict"] == "pass"
                and doc["suites"][0]["passed"] >= 10
                and doc["suites"][0]["failed"] == 0
            )
    finally:
        up.terminate()
        up.communicate(timeout=30)
