"""The example vendor suite (examples/vendor-suite) as a vendor's CI runs it: its consumer tests
against the range's fixtures, plus the standard's checks against a custody product. Against the
reference custody everything passes; against a custody playing known defects it fails, and the
failing tests' names say which requirement broke."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from harness.embedded import embedded_ecosystem
from tests.plugin.runner import run_pytest

pytestmark = pytest.mark.slow

SUITE = Path(__file__).resolve().parents[2] / "examples" / "vendor-suite"
CONSUMER_TESTS = 4


@pytest.fixture(scope="module")
def force(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The product's world: custody is the 'vendor product', records and intelligence its peers."""
    with embedded_ecosystem(home=tmp_path_factory.mktemp("force"), population=40) as eco:
        yield eco


def _run_suite(force, tmp_path):  # type: ignore[no-untyped-def]
    peers = [f"--interop-peer={s}={u}" for s, u in force.urls.items() if s != "custody"]
    return run_pytest(
        SUITE,
        "-q",
        "--interop-role=custody",
        f"--interop-target={force.urls['custody']}",
        "--interop-suite=contracts",
        "--interop-suite=rules",
        f"--interop-report-dir={tmp_path / 'report'}",
        f"--junitxml={tmp_path / 'junit.xml'}",
        *peers,
    )


def _counts(stdout: str) -> dict[str, int]:
    last = stdout.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|error)", last)}


def test_against_the_reference_custody_everything_passes(force, tmp_path):
    result = _run_suite(force, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    counts = _counts(result.stdout)
    assert counts.get("failed", 0) == 0
    assert counts["passed"] > CONSUMER_TESTS + 20  # the consumer tests and the checks, verdict included
    assert "interop verdict: CONFORMS" in result.stdout
    assert (tmp_path / "report" / "report.html").is_file()


def test_against_a_quirky_custody_the_failing_tests_name_the_requirement(force, tmp_path):
    url = force.urls["custody"]
    r = requests.put(url + "/_sim/quirks", json={"active": ["dates-dmy", "review-every-10h"]}, timeout=10)
    assert r.status_code == 200, r.text
    try:
        result = _run_suite(force, tmp_path)
    finally:
        requests.put(url + "/_sim/quirks", json={"active": []}, timeout=10)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout[-4000:]
    failed = re.findall(r"^FAILED (interop::test_interop\[.*?\])(?: - |$)", result.stdout, re.MULTILINE)
    assert "interop::test_interop[custody::verdict]" in failed
    # dates in UK display form break the consumers' pacts; a 10 h review interval breaks PACE s.40
    assert any("::PACT-" in name and "::contracts::" in name for name in failed), failed
    assert any("::PACE-s40-review::rules::" in name for name in failed), failed
    # the vendor's own consumer tests still pass: the quirks were on the product, not their fixtures
    assert not any(
        "test_acme_caseprep" in line for line in result.stdout.splitlines() if line.startswith("FAILED")
    )
    assert "DOES NOT CONFORM" in result.stdout
