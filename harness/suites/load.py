"""The load suite (`interop verify --suite load`): performance conformance on Locust.

Prepares the records the workload reads (through the tap, so the oracle and the reach tally see
them), runs the role's workload in a Locust process (harness/load/process.py) straight at the
product (through the tap its Python proxy's own cost would be measured as the product's), then
judges each operation's figures against the service levels (harness/load/judge.py). Not one of
the default suites: only run when asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from harness.engine.events import CheckResult, Event, Finding, SuiteFinished
from harness.engine.run import RunContext
from harness.errors import InteropError
from harness.load.judge import SUITE, judge
from harness.load.levels import load_levels
from harness.load.runner import LoadPlan, run_load
from harness.load.workload import Setup, SetupError, operations


class LoadSuite:
    name = SUITE

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        started = time.monotonic()
        ops = operations(ctx.role)
        try:
            levels = load_levels(ctx.options.get("service_levels"), [op.name for op in ops])
        except InteropError as exc:  # levels for another role's operations
            self._cannot_run(emit, ops, f"--service-levels: {exc}")
            return
        plan = LoadPlan.from_options(ctx.options)
        seed = int(ctx.options.get("seed") or 0)
        try:
            data = Setup(ctx.base_url, ctx.tokens, ctx.role, seed).run()
        except SetupError as exc:
            self._cannot_run(emit, ops, f"the product refused the load's set-up: {exc}")
            return
        headers = dict(getattr(ctx.tokens, "headers", {}) or {})
        try:
            result = run_load(plan, ctx.role, ctx.target_url, headers, data, seed)
        except InteropError as exc:
            self._cannot_run(emit, ops, str(exc))
            return
        checks, findings, stats = judge(result, plan, ops, levels, ctx.role, ctx.target_url)
        events: list[Event] = [*checks, *findings]
        for event in events:
            emit(event)
        stats["duration_s"] = round(time.monotonic() - started, 1)
        emit(
            SuiteFinished(
                SUITE,
                passed=sum(c.status == "passed" for c in checks),
                failed=sum(c.status == "failed" for c in checks),
                skipped=sum(c.status == "skipped" for c in checks),
                stats=stats,
            )
        )

    def _cannot_run(self, emit: Callable[[Event], None], ops: tuple[Any, ...], why: str) -> None:
        """Nothing measured: every operation's service levels stay unjudged (inconclusive)."""
        for op in ops:
            emit(
                CheckResult(
                    SUITE,
                    f"{op.name}: service levels",
                    "skipped",
                    group=op.name,
                    operation=op.label,
                    message=f"not judged: {why}",
                    requirement="LOAD-p95",
                )
            )
        emit(Finding(SUITE, "load-not-run", "warning", "", "The load could not be run", why))
