"""How far the load suite's generator goes: one Locust process against a master and two workers.

Both runs ask the same, unreachable rate of an instant target (bench/instant.py), through the
same code the load suite uses (harness.load.runner.run_load), so the achieved rate is the
generator's ceiling. The figure is the ratio of the two in the same run (docs/load.md); on a
2-core machine the target and the workers share the cores, so the gain is modest.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

from bench.results import Figure, at_least
from harness.load.judge import cpu_of, figures_of
from harness.load.runner import LoadPlan, run_load
from harness.load.workload import operations
from simulators.core.server import free_port, wait_for_port

TARGET_RATIO = 1.05  # two workers must reach more than one process, beyond run-to-run noise
ASKED_RATE = 12_000.0
USERS = 1_200
RAMP_UP_S = 2.0


def _data() -> dict[str, Any]:
    """Just enough for the records workload to build its requests (the target answers `{}`)."""
    people = [{"nominal_id": f"N{i:06d}", "pnc_id": f"24/{i:07d}K"} for i in range(100)]
    return {
        "nominals": people,
        "surnames": ["SMITH", "JONES", "TAYLOR"],
        "crime_codes": ["8N"],
        "tokens": {" ".join(op.scopes): "instant" for op in operations("records")},
        "people": [],
    }


def _achieved(workers: int, url: str, steady_s: float) -> tuple[float, str]:
    plan = LoadPlan(rate=ASKED_RATE, users=USERS, ramp_up=RAMP_UP_S, duration=steady_s, workers=workers)
    result = run_load(plan, "records", url, {}, _data(), seed=1)
    total = figures_of(result)["total"]
    cpu = ", ".join(f"{who} {c['median']:.0f} %" for who, c in cpu_of(result).items())
    return float(total["throughput"]), cpu


def measure_load_scaling(log: Callable[[str], None], steady_s: float = 10.0) -> list[Figure]:
    port = free_port()
    target = subprocess.Popen([sys.executable, "-m", "bench.instant", "--port", str(port)])
    try:
        wait_for_port("127.0.0.1", port, timeout=30)
        url = f"http://127.0.0.1:{port}"
        one, one_cpu = _achieved(0, url, steady_s)
        log(f"  one process: {one:,.0f} requests/s ({one_cpu})")
        two, two_cpu = _achieved(2, url, steady_s)
        log(f"  master + 2 workers: {two:,.0f} requests/s ({two_cpu})")
    finally:
        target.kill()
        target.wait()
    ratio = two / one if one else None
    return [
        Figure(
            "loadgen",
            "load suite: master + 2 local workers vs one process",
            two,
            "requests/s",
            one,
            ratio,
            f">= {TARGET_RATIO:g}x",
            at_least(ratio, TARGET_RATIO),
            note=f"asked {ASKED_RATE:,.0f}/s of an instant target with {USERS:,} users for {steady_s:g} s; "
            "median CPU: "
            f"one process {one_cpu}; distributed {two_cpu}",
        )
    ]
