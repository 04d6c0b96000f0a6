"""The rules suite: every domain rule the standard states, probed at its boundary on both sides
through the target's standard API alone (no `/_sim` clock or fault control, so it runs on any
vendor product). See docs/domain-rules.md for each rule, its legal source and how it is judged."""

from __future__ import annotations

import time
from collections.abc import Callable

from harness.engine.events import Event, SuiteFinished
from harness.engine.run import RunContext
from harness.oracle import custody_probes, custody_probes_later, intelligence_probes, records_probes
from harness.oracle.probing import SUITE, Prober

PROBES: dict[str, tuple[list[str], Callable[[Prober], None]]] = {
    "custody": (custody_probes.SCOPES, custody_probes_later.run_custody),
    "intelligence": (intelligence_probes.SCOPES, intelligence_probes.run_intelligence),
    "records": (records_probes.SCOPES, records_probes.run_records),
}


class RulesSuite:
    """`interop verify --suite rules`: boundary probes of the target role's domain rules."""

    name = SUITE

    def __init__(self, timeout: float = 15.0) -> None:
        self.timeout = timeout

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        started = time.monotonic()
        counts = {"passed": 0, "failed": 0, "skipped": 0}

        def counted(event: Event) -> None:
            status = getattr(event, "status", None)
            if status in counts and type(event).__name__ == "CheckResult":
                counts[status] += 1
            emit(event)

        if ctx.role in PROBES:
            scopes, run = PROBES[ctx.role]
            run(Prober(ctx, counted, scopes, timeout=self.timeout))
        emit(
            SuiteFinished(
                SUITE,
                counts["passed"],
                counts["failed"],
                counts["skipped"],
                stats={"role": ctx.role, "duration_s": round(time.monotonic() - started, 1)},
            )
        )
