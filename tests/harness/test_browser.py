"""report.html and the comparison page open in a real browser (headless Chromium) and show the
verdict, the findings and the coverage."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from harness.reports.compare import write_comparison
from tests.harness.test_reports import FakeSuite, _run

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium(tmp_path):  # type: ignore[no-untyped-def]
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must install Debian's chromium")
        pytest.skip("chromium not installed (apt-get install chromium)")

    def render(path, *extra):  # type: ignore[no-untyped-def]
        cmd = [binary, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, f"file://{path}"]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    return render


def test_report_shows_verdict_findings_and_coverage(chromium, tmp_path):
    _run(tmp_path / "r", FakeSuite(fail=True))
    page = tmp_path / "r" / "report.html"
    dom = chromium(page, "--dump-dom").stdout
    assert 'id="verdict"' in dom and "DOES NOT CONFORM" in dom
    assert "Body mismatch" in dom and "curl -X POST http://x/nominals" in dom
    assert "Coverage of the standard" in dom and "operations of the records standard were exercised" in dom
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
