"""report.html and the comparison page open in a real browser (headless Chromium) and show the
verdict, the findings and the coverage."""

from __future__ import annotations

from harness.reports.compare import write_comparison
from tests.harness.test_reports import FakeSuite, _run


def test_report_shows_verdict_findings_and_coverage(chromium, tmp_path):
    _run(tmp_path / "r", FakeSuite(fail=True))
    page = tmp_path / "r" / "report.html"
    dom = chromium(page, "--dump-dom").stdout
    assert 'id="verdict"' in dom and "DOES NOT CONFORM" in dom
    assert "Body mismatch" in dom and "curl -X POST http://x/nominals" in dom
    assert "Coverage of the standard" in dom and "of the records standard were exercised" in dom
    shot = tmp_path / "report.png"
    chromium(page, f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.is_file() and shot.stat().st_size > 5000


def test_comparison_page_renders_side_by_side(chromium, tmp_path):
    _run(tmp_path / "a", FakeSuite(fail=False))
    _run(tmp_path / "b", FakeSuite(fail=True))
    out = tmp_path / "cmp.html"
    write_comparison([tmp_path / "a", tmp_path / "b"], out)
    dom = chromium(out, "--dump-dom").stdout
    assert "Interaction by interaction" in dom
    assert dom.count("DOES NOT CONFORM") == 1 and "CONFORMS" in dom
