"""A real load run whose generator cannot keep the asked pace is inconclusive (exit 3), never a pass.

The generator (the Locust child process) is pinned to one core that it shares, at the lowest
scheduling priority, with a busy loop; the product and the harness keep every core: the generator
falls behind the asked rate for want of CPU, not because of the product. The judge must see that
(the generator's own run-queue wait, docs/load.md) and refuse to judge the figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.commands.verify import run_verification
from harness.engine.verdict import EXIT_CODES
from harness.load.sched import runqueue_wait_s
from tests.load.conftest import report_of

HOG_AFTER_S = 2.0  # the load process imports Locust and starts its users at full speed first

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or runqueue_wait_s() is None,
    reason="needs Linux CPU affinity and /proc/<pid>/task/*/schedstat",
)


@pytest.fixture
def generator_on_a_crowded_core(monkeypatch: pytest.MonkeyPatch) -> int:
    """The load process (and only it) on one core at nice 19; once it has started up, a busy loop
    at normal priority takes that core: the generator gets a few per cent of it and waits for it
    the rest. The busy loop lives only as long as the load process."""
    core = min(os.sched_getaffinity(0))

    def pin() -> None:
        os.sched_setaffinity(0, {core})

    def pin_low() -> None:
        pin()
        os.nice(19)

    real_run = subprocess.run
    busy = [sys.executable, "-c", f"import time; time.sleep({HOG_AFTER_S}); exec('while True: pass')"]

    def run_pinned(*args: Any, **kwargs: Any) -> Any:
        hog = subprocess.Popen(busy, preexec_fn=pin)
        try:
            return real_run(*args, preexec_fn=pin_low, **kwargs)
        finally:
            hog.kill()
            hog.wait()

    monkeypatch.setattr("harness.load.runner.subprocess.run", run_pinned)
    return core


@pytest.mark.slow
def test_a_generator_short_of_cpu_in_a_real_run_is_inconclusive(
    no_faults: Any, generator_on_a_crowded_core: int, tmp_path: Path
) -> None:
    options = {"rate": 200.0, "duration": 8.0, "ramp_up": 2.0}
    run = run_verification("records", no_faults.url, ["load"], tmp_path, options=options, console=False)
    report = report_of(tmp_path)
    assert run.verdict == "inconclusive" and EXIT_CODES[run.verdict] == 3, report["findings"]
    detail = " ".join(c["detail"] for c in report["inconclusive"])
    assert "short of CPU" in detail or "saturated its CPU" in detail or "because of the generator" in detail
    load = next(s for s in report["suites"] if s["name"] == "load")["stats"]["load"]
    assert load["trusted"] is False
    assert not [f for f in report["findings"] if (f.get("requirement") or "").startswith("LOAD-p")]
    generator = load["generator_cpu"]["local"]
    assert generator["starved_share"] >= 0.5 or generator["saturated_share"] >= 0.5
