"""The engine and its writers: report.json shape, junit.xml counts, a readable report.html."""

from __future__ import annotations

import json
from pathlib import Path

from junitparser import JUnitXml

from harness.engine import CheckResult, Finding, RunContext, VerificationRun
from harness.reports import default_writers


class FakeSuite:
    name = "contracts"

    def __init__(self, fail: bool) -> None:
        self.fail = fail

    def run(self, ctx, emit):  # type: ignore[no-untyped-def]
        emit(
            CheckResult(
                "contracts",
                "custody-records: get nominal",
                "passed",
                group="custody",
                operation="GET /nominals/{nominal_id}",
                duration_s=0.01,
            )
        )
        if self.fail:
            emit(
                CheckResult(
                    "contracts",
                    "custody-records: create nominal",
                    "failed",
                    group="custody",
                    operation="POST /nominals",
                )
            )
            emit(
                Finding(
                    "contracts",
                    "pact-mismatch",
                    "error",
                    "POST /nominals",
                    "Body mismatch",
                    "$.pnc_id: expected a string matching ..., got null",
                    reproduce="curl -X POST http://x/nominals",
                    requirement="REC-NOM-001",
                )
            )
            emit(Finding("contracts", "pact-mismatch", "warning", "GET /health", "Slow", "took 2s"))


class CrashingSuite:
    name = "fuzz"

    def run(self, ctx, emit):  # type: ignore[no-untyped-def]
        raise RuntimeError("engine exploded")


def _run(tmp_path: Path, *suites) -> VerificationRun:  # type: ignore[no-untyped-def]
    ctx = RunContext(
        role="records",
        target="http://127.0.0.1:1",
        base_url="http://127.0.0.1:1",
        tokens=None,
        report_dir=tmp_path,
    )
    run = VerificationRun(ctx, default_writers(tmp_path, console=False))
    for suite in suites:
        run.run_suite(suite)
    run.finish()
    return run


def test_report_json_has_the_documented_shape(tmp_path):
    run = _run(tmp_path, FakeSuite(fail=True))
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["tool"]["name"] == "interop" and report["role"] == "records"
    assert report["verdict"] == "fail" == run.verdict
    assert report["suites"] == [{"name": "contracts", "passed": 1, "failed": 1, "skipped": 0}]
    error = report["findings"][0]
    assert {"suite", "check", "severity", "operation", "title", "detail", "reproduce", "requirement"} <= set(
        error
    )
    assert error["requirement"] == "REC-NOM-001"
    assert report["started_at"] <= report["finished_at"]


def test_warnings_alone_do_not_fail(tmp_path):
    class WarnOnly:
        name = "fuzz"

        def run(self, ctx, emit):  # type: ignore[no-untyped-def]
            emit(Finding("fuzz", "slow", "warning", "GET /x", "Slow", "2s"))

    assert _run(tmp_path, WarnOnly()).verdict == "pass"


def test_junit_failures_equal_error_findings(tmp_path):
    _run(tmp_path, FakeSuite(fail=True))
    report = json.loads((tmp_path / "report.json").read_text())
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    failures = sum(suite.failures for suite in xml)
    assert failures == sum(f["severity"] == "error" for f in report["findings"]) == 1
    names = [case.name for suite in xml for case in suite]
    assert "custody-records: get nominal" in names


def test_a_crashing_suite_becomes_an_error_finding_not_a_traceback(tmp_path):
    run = _run(tmp_path, CrashingSuite())
    assert run.verdict == "fail"
    assert run.findings[0].check == "suite-error" and "engine exploded" in run.findings[0].detail


def test_html_report_is_self_contained_and_leads_with_the_verdict(tmp_path):
    _run(tmp_path, FakeSuite(fail=True))
    html = (tmp_path / "report.html").read_text()
    assert "<script" not in html and "<link" not in html and "src=" not in html  # nothing to fetch
    body = html.split("<body>")[1]
    assert body.index("DOES NOT CONFORM") < body.index("Findings")
    assert "curl -X POST http://x/nominals" in html and "REC-NOM-001" in html
    assert "Coverage of the standard" in html


def test_compare_sets_products_side_by_side(tmp_path):
    from harness.reports.compare import write_comparison

    _run(tmp_path / "a", FakeSuite(fail=False))
    _run(tmp_path / "b", FakeSuite(fail=True))
    out = tmp_path / "cmp.html"
    data = write_comparison([tmp_path / "a", tmp_path / "b"], out)
    row = next(r for r in data["rows"] if r["name"] == "custody-records: get nominal")
    assert row["cells"] == ["passed", "passed"]
    failing = next(r for r in data["rows"] if r["name"] == "pact-mismatch: Body mismatch")
    assert failing["cells"] == ["not run", "failed"]
    html = out.read_text()
    assert html.count("DOES NOT CONFORM") == 1 and "CONFORMS" in html


def test_compare_of_a_missing_report_is_a_clear_error(tmp_path):
    import pytest

    from harness.errors import InteropError
    from harness.reports.compare import write_comparison

    with pytest.raises(InteropError, match="no report.json"):
        write_comparison([tmp_path / "nothing"], tmp_path / "x.html")
