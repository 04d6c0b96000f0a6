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
            emit(CheckResult("fuzz", "GET /x [status]", "passed", operation="GET /x"))
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


# --- target data is data: escaped, bounded, visible (issue 16) ----------------------------------

HOSTILE = "<script>window.__pwned=1</script> ]]> [bold red]x[/] \x1b[31mred\x1b]0;title\x07 \x00 \ud800"


class HostileSuite:
    """Findings and check messages quoting what a hostile product answered, one of them huge."""

    name = "fuzz"

    def run(self, ctx, emit):  # type: ignore[no-untyped-def]
        emit(CheckResult("fuzz", "GET /nominals [status]", "passed", operation="GET /nominals"))
        emit(
            CheckResult(
                "fuzz", f"GET /nominals [{HOSTILE}]", "failed", operation="GET /nominals", message=HOSTILE
            )
        )
        emit(Finding("fuzz", "schema", "error", "GET /nominals", f"Bad body {HOSTILE}", HOSTILE * 3))
        emit(Finding("fuzz", "huge", "error", "GET /nominals", "Huge body", "A" * 1_000_000))
        emit(Finding("fuzz", "odd", "warning", "GET /nominals", HOSTILE, HOSTILE))


class SkippingSuite:
    """Nothing judged: one required check skipped (the run is inconclusive)."""

    name = "contracts"

    def run(self, ctx, emit):  # type: ignore[no-untyped-def]
        emit(
            CheckResult(
                "contracts",
                "custody-records: get nominal",
                "skipped",
                group="custody",
                operation="GET /nominals/{nominal_id}",
                message=f"no provider state handler {HOSTILE}",
                requirement="REC-NOM-001",
            )
        )


def test_cut_bounds_text_with_a_note_of_what_was_left_out():
    from harness.reports.safe import cut, shown

    assert cut("short") == "short"
    long = cut("x" * 1_238_663, 4096)
    assert long == "x" * 4096 + "... [cut: 1,234,567 more bytes]"
    assert cut("é" * 3000, 101).endswith("... [cut: 5,900 more bytes]")  # never half a character
    assert shown("a\x1b[31m\x00\u202e\ud800b") == "a\\x1b[31m\\x00\\u202e\\ud800b"


def test_every_writer_bounds_huge_bodies(tmp_path):
    _run(tmp_path, HostileSuite())
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    huge = next(f for f in report["findings"] if f["check"] == "huge")
    assert huge["detail"].endswith("... [cut: 995,904 more bytes]") and len(huge["detail"]) < 5000
    for name in ("report.json", "report.html", "junit.xml"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "[cut: 995,904 more bytes]" in text and len(text) < 200_000, name


def test_junit_stays_valid_xml_whatever_the_target_sent(tmp_path):
    import xml.etree.ElementTree as ET

    _run(tmp_path, HostileSuite())
    raw = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert "\x00" not in raw and "\x1b" not in raw and "\x07" not in raw
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    assert sum(suite.failures for suite in xml) == 2
    failure = next(
        el for el in ET.parse(tmp_path / "junit.xml").iter("failure") if el.get("type") == "schema"
    )
    assert "<script>window.__pwned=1</script> ]]> [bold red]x[/] \\x1b[31mred" in (failure.text or "")
    assert failure.get("message", "").startswith("Bad body <script>")


def test_html_shows_target_text_as_text_under_a_no_script_policy(tmp_path):
    _run(tmp_path, HostileSuite())
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "\x1b" not in html and "\\x1b[31m" in html and "\x00" not in html
    head = html.split("</head>")[0]
    assert head.index('http-equiv="Content-Security-Policy"') < head.index("<title>")
    assert "script-src &#39;none&#39;" in head and "default-src &#39;none&#39;" in head


def test_inconclusive_verdict_leads_the_page_with_what_could_not_be_judged(tmp_path):
    run = _run(tmp_path, SkippingSuite())
    summary = run.summary()
    assert summary["verdict"] == "inconclusive" and summary["inconclusive"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    body = html.split("<body>")[1]
    assert 'id="verdict" class="verdict inconclusive">INCONCLUSIVE' in body
    assert "CONFORMS" not in body.replace("DOES NOT CONFORM", "")
    first_cause = summary["inconclusive"][0]["cause"]
    assert body.index("INCONCLUSIVE") < body.index(first_cause) < body.index("Score per suite")
    assert 'id="roles"' in body and "http://127.0.0.1:1" in body and "(the product under test)" in body


def test_junit_makes_an_inconclusive_run_an_error_ci_sees(tmp_path):
    run = _run(tmp_path, SkippingSuite())
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    verdict = next(suite for suite in xml if suite.name == "records.verdict")
    assert verdict.errors == len(run.summary()["inconclusive"]) >= 1
    assert sum(suite.errors for suite in xml) >= 1


def test_coverage_counts_only_checks_that_ran(tmp_path):
    from harness.reports.coverage import coverage

    run = _run(tmp_path, SkippingSuite())
    cov = coverage(run.summary())
    row = next(r for r in cov["operations"] if r["operation"] == "GET /nominals/{nominal_id}")
    assert not row["exercised"] and row["status"] == "not judged" and row["percent"] == 0
    assert row["not_judged_reasons"] and "no provider state handler" in row["not_judged_reasons"][0]
    assert cov["operations_exercised"] == 0 and cov["operations_percent"] == 0
    untouched = next(r for r in cov["operations"] if r["operation"] == "POST /nominals")
    assert untouched["status"] == "not reached" and untouched["percent"] == 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="not-judged"' in html and "no provider state handler" in html

    ran = coverage(_run(tmp_path / "b", FakeSuite(fail=True)).summary())
    row = next(r for r in ran["operations"] if r["operation"] == "GET /nominals/{nominal_id}")
    assert row["exercised"] and row["checks_ran"] == 1 and row["percent"] == 100


def _console_of(run_dir: Path, *suites) -> str:  # type: ignore[no-untyped-def]
    import io

    from rich.console import Console

    from harness.reports.console import ConsoleWriter

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=200)
    ctx = RunContext(
        role="records",
        target="http://127.0.0.1:1",
        base_url="http://127.0.0.1:1",
        tokens=None,
        report_dir=run_dir,
    )
    run = VerificationRun(ctx, [ConsoleWriter(console)])
    for suite in suites:
        run.run_suite(suite)
    run.finish()
    return buffer.getvalue()


def test_console_escapes_markup_and_terminal_sequences_and_says_why(tmp_path):
    out = _console_of(tmp_path, HostileSuite())
    assert "[bold red]x[/]" in out and "\x1b[1;31mx" not in out
    assert "\x1b[31mred" not in out and "\x1b]0;" not in out and "\x07" not in out and "\x00" not in out
    failed = [line for line in out.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and "<script>window.__pwned=1</script>" in failed[0]
    huge = next(line for line in out.splitlines() if "Huge body" in line)
    assert "[cut: " in huge and len(huge) < 400  # one bounded line


def test_console_names_an_inconclusive_verdict_and_its_causes_first(tmp_path):
    out = _console_of(tmp_path, SkippingSuite())
    lines = [line for line in out.splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if "verdict:" in line)
    assert "INCONCLUSIVE" in lines[at] and "could not be judged" in lines[at + 1]
    assert "suite" in "".join(lines[at + 2 :])  # the table comes after the causes


def test_compare_handles_an_inconclusive_report(tmp_path):
    from harness.reports.compare import write_comparison

    _run(tmp_path / "a", FakeSuite(fail=False))
    _run(tmp_path / "b", SkippingSuite())
    out = tmp_path / "cmp.html"
    data = write_comparison([tmp_path / "a", tmp_path / "b"], out)
    assert data["any_inconclusive"] and not data["causes"][0] and data["causes"][1]
    row = next(r for r in data["rows"] if r["name"] == "custody-records: get nominal")
    assert row["cells"] == ["passed", "not judged"]
    html = out.read_text(encoding="utf-8")
    assert "INCONCLUSIVE" in html and "Could not be judged" in html and data["causes"][1][0]["cause"] in html
    assert "<script" not in html and "&lt;script&gt;" in html
