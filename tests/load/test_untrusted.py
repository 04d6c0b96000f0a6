"""A load whose generator could not keep the asked pace is inconclusive (exit 3), never a pass.

The load process's result is replaced by one recorded from a generator short of CPU: on a shared
2-core machine a real saturated generator cannot be produced on demand (docs/load.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.commands.verify import run_verification
from harness.engine.verdict import EXIT_CODES
from harness.load.timeline import Recorder
from tests.load.conftest import report_of


def saturated(plan: Any, role: str, target: str, headers: dict, data: dict, seed: int) -> dict[str, Any]:
    assert data["nominals"] and data["tokens"]  # the set-up really ran against the product
    rec = Recorder()
    for sec in range(100, 108):
        for op in ("search by name", "read by id", "read by PNC ID", "create occurrence"):
            rec.record(sec + 0.5, op, 30, None)
    return {
        "mode": "local",
        "steady": [100, 108],
        "windows": rec.drain(),
        "cpu": {"local": [[100 + s, 100.0, 3] for s in range(8)]},
        "locust_cpu_warning": True,
        "sampled": {},
    }


def test_a_generator_short_of_cpu_makes_the_run_inconclusive(
    no_faults: Any, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("harness.suites.load.run_load", saturated)
    run = run_verification("records", no_faults.url, ["load"], tmp_path, options={"rate": 500}, console=False)
    report = report_of(tmp_path)
    assert run.verdict == "inconclusive" and EXIT_CODES[run.verdict] == 3
    causes = {c["cause"]: c["detail"] for c in report["inconclusive"]}
    assert "saturated its CPU" in causes["required-checks-skipped"]
    load = report["suites"][0]["stats"]["load"]
    assert load["trusted"] is False and report["findings"] == []
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "The figures cannot be trusted" in html
