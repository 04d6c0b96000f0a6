"""`interop demo` end to end: reference simulators pass, the quirky vendor product fails, exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_demo_gives_the_expected_results_and_leaves_reports(tmp_path):
    env = {**os.environ, "INTEROP_HOME": str(tmp_path / "home"), "PACT_DO_NOT_TRACK": "true"}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "demo",
            "--population",
            "100",
            "--fuzz-examples",
            "2",
            "--report-dir",
            str(tmp_path / "reports"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Every result was the expected one." in r.stderr
    for role in ("records", "custody", "intelligence"):
        report = json.loads((tmp_path / "reports" / role / "report.json").read_text())
        assert report["verdict"] == "pass"
    vendor = json.loads((tmp_path / "reports" / "vendor-custody" / "report.json").read_text())
    assert vendor["verdict"] == "fail" and vendor["findings"]
    assert (tmp_path / "reports" / "compare-custody.html").is_file()
    assert (tmp_path / "reports" / "vendor-custody" / "report.html").is_file()
