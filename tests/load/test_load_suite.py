"""`interop verify --suite load` against a records simulator on free ports (short runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.commands.verify import run_verification
from harness.suites import ALL_SUITES, SUITE_CLASSES, available_suites
from tests.load.conftest import report_of

SHORT = {"rate": 30.0, "duration": 8.0, "ramp_up": 2.0}


def verify(sim: Any, report_dir: Path, **options: Any) -> Any:
    return run_verification(
        "records", sim.url, ["load"], report_dir, options={**SHORT, **options}, console=False
    )


def test_load_is_registered_but_not_a_default_suite() -> None:
    assert "load" in SUITE_CLASSES
    assert "load" not in ALL_SUITES and "load" not in available_suites()


def test_a_healthy_product_passes_with_the_default_levels_and_the_report_draws_charts(
    no_faults: Any, tmp_path: Path, browser_page: Any
) -> None:
    run = verify(no_faults, tmp_path)
    report = report_of(tmp_path)
    assert run.verdict == "pass", (report["findings"], report["inconclusive"])
    load = next(s for s in report["suites"] if s["name"] == "load")["stats"]["load"]
    assert load["mode"] == "local" and load["trusted"] is True
    names = {o["name"] for o in load["operations"]}
    assert names == {"search by name", "read by id", "read by PNC ID", "create occurrence"}
    assert all(o["requests"] > 0 and o["p95"] is not None for o in load["operations"])
    assert sum(o["sampled"] for o in load["operations"]) > 0  # answers were checked against the standard
    assert set(load["series"]) == names
    page = browser_page
    page.goto((tmp_path / "report.html").as_uri())
    shown = page.evaluate(
        """() => ({
          charts: document.querySelectorAll('#load-charts svg').length,
          lines: document.querySelectorAll('#load-charts svg polyline').length,
          width: document.querySelector('#load-charts svg')?.getBoundingClientRect().width || 0,
          rows: document.querySelectorAll('#load-figures tr').length,
          scripts: document.scripts.length,
        })"""
    )
    assert shown["charts"] == 5 and shown["lines"] >= 4 + 4 * 2
    assert shown["width"] > 100  # drawn, not an empty box
    assert shown["rows"] == 1 + 4 + 1 and shown["scripts"] == 0


def test_a_slow_product_fails_with_findings_naming_operations_and_percentiles(
    no_faults: Any, tmp_path: Path
) -> None:
    no_faults.sim("PUT", "/faults", json={"latency_ms": 900}).raise_for_status()
    run = verify(no_faults, tmp_path)
    report = report_of(tmp_path)
    assert run.verdict == "fail"
    named = {(f["operation"], f["requirement"]) for f in report["findings"]}
    for op in ("GET /nominals", "GET /nominals/{nominal_id}", "POST /occurrences"):
        assert (op, "LOAD-p50") in named and (op, "LOAD-p95") in named
    p95 = next(f for f in report["findings"] if f["requirement"] == "LOAD-p95")
    assert "the service level is at most 800 ms" in p95["detail"]


@pytest.mark.slow
def test_one_master_and_two_local_workers_give_the_same_figures(no_faults: Any, tmp_path: Path) -> None:
    local = tmp_path / "local"
    verify(no_faults, local)
    spread = tmp_path / "workers"
    run = verify(no_faults, spread, load_workers=2)
    one = next(s for s in report_of(local)["suites"] if s["name"] == "load")["stats"]["load"]
    two = next(s for s in report_of(spread)["suites"] if s["name"] == "load")["stats"]["load"]
    assert run.verdict == "pass"
    assert two["mode"] == "distributed" and two["workers"] == 2
    assert len([k for k in two["generator_cpu"] if k.startswith("worker")]) == 2
    assert set(one) == set(two) and set(one["total"]) == set(two["total"])
    assert two["total"]["requests"] > 0 and set(two["series"]) == set(one["series"])
