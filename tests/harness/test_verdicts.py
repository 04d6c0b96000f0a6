"""Three verdicts: a run that judged nothing, or could not reach what the role requires, never conforms.

Each cause of "inconclusive" is shown by itself on synthetic events (harness/engine/verdict.py),
and end to end against small products that are not our simulators: one whose identity provider
refuses the harness (one clear line, exit 2), one that accepts no request (exit 3), one whose
answer is far larger than any page of the standard (a finding, and the run still ends).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.engine.events import CheckResult, Finding, SuiteFinished
from harness.engine.reach import Reach
from harness.engine.verdict import EXIT_CODES, inconclusive_causes, verdict_of
from harness.tap import TappedExchange, TargetTap
from simulators.core.server import ServerThread
from simulators.core.spec import load_spec
from tests.harness import toy_products
from tests.simkit import start_system

INTEROP = [sys.executable, "-m", "harness.cli"]


def _check(name: str, status: str, requirement: str | None = None, operation: str = "", **kw) -> CheckResult:  # type: ignore[no-untyped-def]
    return CheckResult("fuzz", name, status, operation=operation, requirement=requirement, **kw)  # type: ignore[arg-type]


def _causes(checks: list[CheckResult], suites=(), reach=None) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.cause for c in inconclusive_causes(checks, list(suites), reach, "custody")]


def test_exit_codes_are_documented_values() -> None:
    assert EXIT_CODES == {"pass": 0, "fail": 1, "inconclusive": 3}


def test_nothing_judged_is_inconclusive_not_a_pass() -> None:
    causes = inconclusive_causes([_check("a", "skipped")], [], None, "custody")
    assert "nothing-judged" in [c.cause for c in causes]
    assert verdict_of([], causes) == "inconclusive"
    assert _causes([]) == ["nothing-judged"]


def test_an_error_finding_wins_over_everything() -> None:
    finding = Finding("fuzz", "x", "error", "GET /x", "t", "d")
    assert verdict_of([finding], inconclusive_causes([], [], None, "custody")) == "fail"
    warning = Finding("fuzz", "x", "warning", "GET /x", "t", "d")
    assert verdict_of([warning], []) == "pass"


def test_a_skipped_required_check_is_a_gap_unless_the_same_requirement_ran() -> None:
    ran = _check("probe", "passed", "PACE-s41-24h")
    skipped_rule = _check("review-overdue", "skipped", "PACE-s41-24h PACE-s40-review", message="needs clock")
    assert _causes([ran, skipped_rule]) == ["required-checks-skipped"]  # one of its two rules unjudged
    other = _check("probe2", "passed", "PACE-s40-review")
    assert _causes([ran, other, skipped_rule]) == []
    # A check bound to an operation is covered only on that operation.
    op_skip = _check("GET /a [ignored_scope]", "skipped", "STD-SCOPE", operation="GET /a")
    op_ran = _check("GET /b [ignored_scope]", "passed", "STD-SCOPE", operation="GET /b")
    assert _causes([op_ran, op_skip]) == ["required-checks-skipped"]
    # A check that does not apply to the role leaves nothing unjudged.
    assert _causes([ran, _check("other-role", "skipped", required=False)]) == []


def _exchange(method: str, path: str, status: int, token: bool = True) -> TappedExchange:
    headers = {"Authorization": "Bearer x"} if token else {}
    return TappedExchange(method, "http://p" + path, path, "", headers, b"", status)


def test_reach_matches_templates_and_literal_paths_first() -> None:
    reach = Reach.for_spec(load_spec("records"))
    assert reach.label_of("GET", "/nominals/abc-123") == "GET /nominals/{nominal_id}"
    assert reach.label_of("POST", "/nominals/abc/merges") == "POST /nominals/{nominal_id}/merges"
    assert reach.label_of("GET", "/nowhere") is None


def test_credentials_never_accepted_and_operations_never_reached() -> None:
    reach = Reach.for_spec(load_spec("records"))
    fuzz = [SuiteFinished("fuzz", 1, 0, 0)]
    for op in reach.secured:
        reach.observe(_exchange(op.method, op.path.replace("{", "").replace("}", ""), 401))
    ran = [_check("a", "passed")]
    assert _causes(ran, fuzz, reach) == ["credentials-not-accepted"]
    reach.observe(_exchange("GET", "/nominals/n1", 200))
    reach.observe(_exchange("POST", "/nominals", 500))  # a failure of the product is not a reach
    reach.observe(_exchange("PATCH", "/occurrences/o1", 412))  # a refusal on its merits is
    assert "PATCH /occurrences/{occurrence_id}" not in reach.unreached()
    causes = inconclusive_causes(ran, fuzz, reach, "records")
    assert [c.cause for c in causes] == ["operations-not-reached"]
    assert "GET /nominals/{nominal_id}" not in reach.unreached() and "POST /nominals" in causes[0].detail
    for op in reach.secured:
        reach.observe(_exchange(op.method, op.path.replace("{", "").replace("}", ""), 201))
    assert _causes(ran, fuzz, reach) == []
    # Without the fuzz suite (the one meant to reach every operation) unreached operations are not a gap.
    fresh = Reach.for_spec(load_spec("records"))
    fresh.observe(_exchange("GET", "/nominals/n1", 200))
    assert _causes(ran, [SuiteFinished("contracts", 1, 0, 0)], fresh) == []


@pytest.fixture
def serve():  # type: ignore[no-untyped-def]
    servers: list[ServerThread] = []

    def start(app) -> str:  # type: ignore[no-untyped-def]
        servers.append(ServerThread(app, threads=4))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


def _interop(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*INTEROP, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_a_product_whose_identity_provider_refuses_the_harness_gets_one_line(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = serve(toy_products.refusing_idp())
    r = _interop("verify", "--role", "records", "--target", url, "--report-dir", "rep", cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert f"{url}/oauth/token" in lines[0] and "401" in lines[0] and "--auth" in lines[0]


def test_a_product_that_accepts_no_request_is_inconclusive_never_conforms(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = start_system("records", tmp_path / "sim")
    try:
        url = serve(toy_products.deaf(records.app))
        _check_deaf(url, tmp_path)
    finally:
        records.stop()


def _check_deaf(url: str, tmp_path: Path) -> None:
    r = _interop(
        "verify", "--role", "records", "--target", url, "--suite", "fuzz", "--max-examples", "3",
        "--report-dir", "rep", cwd=tmp_path,
    )  # fmt: skip
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert report["verdict"] == "inconclusive" and r.returncode == 3, r.stdout + r.stderr
    assert report["inconclusive"][0]["cause"] == "credentials-not-accepted"
    assert "INCONCLUSIVE" in r.stdout + r.stderr


@pytest.mark.slow
def test_a_huge_answer_is_cut_reported_and_the_run_ends(serve, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = serve(toy_products.huge_product(megabytes=100))
    r = _interop(
        "verify",
        "--role",
        "records",
        "--target",
        url,
        "--suite",
        "contracts",
        "--report-dir",
        "rep",
        cwd=tmp_path,
    )
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert r.returncode == 1 and report["verdict"] == "fail"
    bounds = [f for f in report["findings"] if f["check"] == "response_bounds"]
    assert bounds and all(f["requirement"] == "STD-RESPONSE-BOUNDS" for f in bounds)
    assert "larger than" in bounds[0]["detail"] and url in bounds[0]["reproduce"]
    assert len(bounds) == len({f["operation"] for f in bounds})  # once per operation


def test_the_tap_bounds_size_and_names_the_real_target(serve) -> None:  # type: ignore[no-untyped-def]
    import requests

    url = serve(toy_products.huge_product(megabytes=20))
    seen: list[TappedExchange] = []
    with TargetTap(url, max_body_bytes=1024 * 1024, extra_headers={"X-Api-Key": "k"}) as tap:
        tap.subscribe(seen.append)
        tap.suite = "contracts"
        r = requests.get(tap.url + "/nominals?surname=x", timeout=30)
        assert r.status_code == 502 and "larger than" in r.json()["detail"]
        ok = requests.get(tap.url + "/health", timeout=30)
        assert ok.status_code == 200 and ok.json() == {"status": "ok"}
        assert tap.public(f"curl {tap.url}/nominals") == f"curl {url}/nominals"
    big, health = seen
    assert big.truncated and big.url == f"{url}/nominals?surname=x" and big.query == "surname=x"
    assert big.request_headers["X-Api-Key"] == "k" and big.suite == "contracts"
    assert len(big.response_body) == 1024 * 1024 and big.json() is None
    assert health.json() == {"status": "ok"} and not health.truncated
    assert [e.path for e in tap.breaches] == ["/nominals"]
