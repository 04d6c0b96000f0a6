"""`python -m bench` end to end at toy size: every row of the table is produced.

A population of 200, one-second load runs, one role verified with a tiny fuzz budget. It checks
the plumbing (servers start, each workload is answered with 2xx, every figure is filled in, the
table and results.json carry every row), never the speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from bench import prism
from bench.harness_timing import HarnessOptions
from bench.runner import BenchOptions, run_bench
from bench.throughput import LoadOptions

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bench-smoke")]

WORKLOADS = (
    "read nominal by id",
    "search nominals by name",
    "read custody record + clock",
    "create custody event (property)",
)
PER_WORKLOAD = ("requests/s", "p50 at peak", "p99 at peak", "p99 at half peak", "errors")


def expected_rows(role: str) -> set[str]:
    rows = {
        "generation: people/s",
        "generation: 100,000 people",
        "simulators start",
        "baseline: requests/s",
        "baseline: p50 / p99 at peak",
        "baseline: p99 at half peak",
        "baseline: errors",
        "peak RSS records",
        "peak RSS custody",
        "peak RSS intelligence",
        f"verify {role} --suite contracts: wall time",
        f"verify {role} --suite fuzz: wall time",
        f"verify {role}: contracts + fuzz",
        f"fuzz {role}: test cases/s",
        "read nominal: simulator CPU per request, no console",
        "read nominal: with the console, no page open",
        "read nominal: with the console's traffic page open",
        "export: people/s",
        "export: 200 people",
        "import: people/s",
        "import: 200 people",
        "peak RSS export",
        "peak RSS import",
        "load suite: master + 2 local workers vs one process",
        "read nominal by id: 2 workers",
    }
    rows |= {f"{w}: {what}" for w in WORKLOADS for what in PER_WORKLOAD}
    # Prism is installed by .ci/run (else the bench installs it with npm, or reports one row).
    rows |= {f"{w}: vs Prism" for w in WORKLOADS} if prism.locate(install=False) else {"vs Prism"}
    rows.add("read nominal by id, 2 workers: vs Prism")
    return rows


def test_every_part_produces_its_rows(tmp_path: Path) -> None:
    options = BenchOptions(
        people=200,
        naive_people=20,
        home=tmp_path / "home",
        load=LoadOptions(duration=1.0, warmup=0.0, connections=4, sample=40, pool=5),
        harness=HarnessOptions(roles=("records",), max_examples=1, max_time=2, timeout=120),
    )
    console = Console(record=True, width=220)
    report = run_bench(options, console)
    report.print(console)
    by_name = {f.name: f for f in report.figures}
    assert set(by_name) == expected_rows("records")

    for w in WORKLOADS:
        assert by_name[f"{w}: requests/s"].value, f"{w}: no request was answered"
        assert by_name[f"{w}: errors"].value == 0, by_name[f"{w}: errors"].note
        assert by_name[f"{w}: requests/s"].ratio is not None
        assert by_name[f"{w}: p99 at half peak"].value is not None
    assert by_name["baseline: errors"].value == 0
    overhead = by_name["read nominal: with the console's traffic page open"]
    assert overhead.value and overhead.baseline, overhead.note
    for system in ("records", "custody", "intelligence"):
        assert by_name[f"peak RSS {system}"].value > 0
    for what in ("export", "import"):
        assert by_name[f"{what}: people/s"].value and by_name[f"peak RSS {what}"].baseline
    two = by_name["read nominal by id: 2 workers"]
    assert two.value and two.baseline and "0 failures" in two.note, two.note
    for w in WORKLOADS:
        against = by_name.get(f"{w}: vs Prism")
        assert against is None or (against.value and against.baseline), against.note
    scaling = by_name["load suite: master + 2 local workers vs one process"]
    assert scaling.value and scaling.baseline, scaling.note  # both generators reached the target
    fuzz = by_name["fuzz records: test cases/s"]
    assert fuzz.value and fuzz.baseline, fuzz.note
    for name in ("verify records --suite contracts: wall time", "verify records --suite fuzz: wall time"):
        assert by_name[name].value is not None or "not available" in by_name[name].note, by_name[name].note

    text = console.export_text()
    assert all(name in text for name in by_name)
    out = tmp_path / "results.json"
    report.write_json(out)
    saved = json.loads(out.read_text())
    assert {f["name"] for f in saved["figures"]} == set(by_name)
    assert saved["context"]["seconds"]["total"] > 0


def test_command_line_rejects_an_unknown_part() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--parts", "nonsense"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert proc.returncode == 2
    assert "unknown part 'nonsense'" in proc.stderr


def test_the_bigpop_part_produces_its_rows(tmp_path: Path) -> None:
    """`--parts bigpop` at toy size: generation, load, search and memory rows, all filled in."""
    options = BenchOptions(
        parts=("bigpop",),
        bigpop_people=100,
        home=tmp_path / "home",
        load=LoadOptions(duration=0.5, warmup=0.0, connections=2, sample=20),
    )
    report = run_bench(options, Console(record=True, width=220))
    by_name = {f.name: f for f in report.figures}
    assert set(by_name) == {
        "generate 100 people",
        "load 100 people",
        "name search: requests/s",
        "name search: p99 at half peak",
        "peak RSS records",
        "peak RSS custody",
        "peak RSS intelligence",
    }
    assert all(f.value for f in by_name.values()), [(f.name, f.note) for f in by_name.values() if not f.value]
    assert "0 failures" in by_name["name search: p99 at half peak"].note
