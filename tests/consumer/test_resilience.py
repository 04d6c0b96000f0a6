"""A product under faults (`interop observe --faults`): each defect of a sloppy one is reported
once with its exchange; a careful one gets none (tests/consumer/drivers/under_faults.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.consumer.faults import load_plan
from harness.consumer.resilience import FaultWindow, fault_windows, read_claims
from harness.observe import observe

DRIVER = Path(__file__).parent / "drivers" / "under_faults.py"
PLAN = """faults:
  - {at: 0, system: records, set: {latency_ms: 1500, operations: ["POST /nominals"]}}
  - {at: 4, system: records, set: {down: true, status: 429, retry_after_s: 2}}
  - {at: 8, system: records, set: {}}
  - {at: 9, system: records, set: {expire_tokens: true}}
"""
UNDER_FAULTS = {"CON-NO-DUPLICATE-CREATE", "CON-RETRY-AFTER", "CON-NO-LOST-WORK", "CON-RECOVERS"}


def run_driver(tmp_path: Path, mode: str) -> dict[str, Any]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    report = tmp_path / "report"
    observe(
        report_dir=report,
        home=tmp_path / "home",
        command=f"{sys.executable} {DRIVER} {mode}",
        duration=120,
        population=20,
        faults=load_plan(plan),
        console=False,
    )
    return dict(json.loads((report / "report.json").read_text(encoding="utf-8")))


@pytest.mark.slow
def test_a_sloppy_product_under_faults_gets_each_defect_once_with_its_exchange(tmp_path: Path) -> None:
    report = run_driver(tmp_path, "sloppy")
    assert not [f for f in report["findings"] if f["check"] == "driver"], report["findings"]
    found: dict[str, list[dict[str, Any]]] = {}
    for f in report["findings"]:
        found.setdefault(f["requirement"], []).append(f)
    for requirement in UNDER_FAULTS:
        assert len(found.get(requirement, [])) == 1, (requirement, report["findings"])
    duplicate = found["CON-NO-DUPLICATE-CREATE"][0]
    assert (
        duplicate["extra"]["exchange"]["method"] == "POST" and duplicate["extra"]["exchange"]["status"] == 201
    )
    early = found["CON-RETRY-AFTER"][0]
    assert early["extra"]["exchange"]["status"] == 429 and "Retry-After: 2" in early["detail"]
    lost = found["CON-NO-LOST-WORK"][0]
    assert "Okonkwo" in lost["detail"] and "Ferreira" not in lost["detail"]
    stuck = found["CON-RECOVERS"][0]
    assert stuck["extra"]["exchange"]["status"] == 401 and "expire_tokens" in stuck["detail"]
    assert "--data" not in stuck["reproduce"]  # the GET it shows, as sent: no report text as a body
    assert "Okonkwo" in lost["reproduce"] and lost["extra"]["claim"]["request"]["surname"] == "Okonkwo"
    assert report["verdict"] == "fail"


@pytest.mark.slow
def test_a_careful_product_under_the_same_faults_gets_none(tmp_path: Path) -> None:
    report = run_driver(tmp_path, "careful")
    assert report["findings"] == [], report["findings"]
    checks = {c["name"]: c["status"] for c in report["checks"]}
    for name in ("retry-after", "no-duplicate-create", "no-lost-work", "recovers"):
        assert checks.get(name) == "passed", (name, checks)
    assert report["verdict"] == "pass"


def test_fault_windows_open_close_and_instants() -> None:
    applied = [
        {"wall": 10.0, "system": "records", "set": {"latency_ms": 900}},
        {"wall": 12.0, "system": "records", "set": {"down": True}},
        {"wall": 15.0, "system": "records", "set": {}},
        {"wall": 16.0, "system": "records", "set": {"expire_tokens": True}},
        {"wall": 17.0, "system": "custody", "set": {"down": True, "retry_after_s": 5}},
    ]
    assert fault_windows(applied) == [
        FaultWindow("records", 10.0, 15.0, "latency_ms=900"),
        FaultWindow("records", 16.0, 16.0, "expire_tokens=true"),
        FaultWindow("custody", 17.0, None, "down=true, retry_after_s=5"),
    ]


def test_claims_are_json_lines_with_system_method_and_path(tmp_path: Path) -> None:
    assert read_claims(tmp_path / "none.ndjson") == (None, None)
    good = tmp_path / "a.ndjson"
    good.write_text('{"system": "records", "method": "POST", "path": "/nominals"}\n\n')
    assert read_claims(good) == ([{"system": "records", "method": "POST", "path": "/nominals"}], None)
    bad = tmp_path / "b.ndjson"
    bad.write_text('{"system": "records", "method": "POST", "path": "/nominals"}\n{"system": 1}\n')
    claims, error = read_claims(bad)
    assert claims and len(claims) == 1 and error and "line 2" in error
