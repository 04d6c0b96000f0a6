"""`pytest --interop-role records --interop-target URL -n 2 --junitxml=...` reports what
`interop verify` reports on the same target and seed: the same checks, passed, failed and skipped
alike (plus the one verdict item), with two xdist workers sharing the controller's single run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import requests

from harness.embedded import embedded_ecosystem
from harness.pytest_plugin.items import check_key
from tests.plugin.runner import run_pytest

pytestmark = pytest.mark.slow

SEED = "3"


@pytest.fixture(scope="module")
def quirky_records(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A records product that sends dates in UK display form: some checks pass, some fail."""
    with embedded_ecosystem(("records",), home=tmp_path_factory.mktemp("records"), population=40) as eco:
        url = eco.urls["records"]
        r = requests.put(url + "/_sim/quirks", json={"active": ["dates-dmy"]}, timeout=10)
        assert r.status_code == 200, r.text
        yield url


def _junit_outcomes(path: Path) -> dict[str, str]:
    out = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        status = "passed"
        if case.find("failure") is not None or case.find("error") is not None:
            status = "failed"
        elif case.find("skipped") is not None:
            status = "skipped"
        name = case.get("name", "")
        assert name.startswith("test_interop[") and name.endswith("]"), name
        out[name[len("test_interop[") : -1]] = status
    return out


def test_pytest_with_two_workers_counts_what_interop_verify_counts(quirky_records, tmp_path):
    verify_dir = tmp_path / "verify"
    cli = subprocess.run(
        [
            str(Path(sys.executable).with_name("interop")),
            "verify",
            "--role=records",
            f"--target={quirky_records}",
            "--suite=contracts",
            f"--seed={SEED}",
            f"--report-dir={verify_dir}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
    )
    assert cli.returncode == 1, cli.stdout[-3000:] + cli.stderr[-2000:]
    report = json.loads((verify_dir / "report.json").read_text())
    expected = {check_key("records", c): c["status"] for c in report["checks"]}
    expected["records::verdict"] = "failed"

    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_pytest(
        empty,
        "-n",
        "2",
        "--interop-role=records",
        f"--interop-target={quirky_records}",
        "--interop-suite=contracts",
        f"--interop-seed={SEED}",
        f"--interop-report-dir={tmp_path / 'pytest-report'}",
        f"--junitxml={tmp_path / 'out.xml'}",
    )
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout[-3000:] + result.stderr[-2000:]
    assert "created: 2/2 workers" in result.stdout
    got = _junit_outcomes(tmp_path / "out.xml")
    assert Counter(got.values()) == Counter(expected.values())
    assert Counter(expected.values())["failed"] > 1 and Counter(expected.values())["passed"] > 1
    assert got == expected
