"""The portability suite (`interop verify --suite portability`): can a force take its data out?

Opt-in, like load and consumer. The harness puts known data into the product through the
standard API, exports everything through the standard's bulk API, judges the export against what
it put in and against the product's own reads, judges the product's import, and imports the
export into a fresh reference system it starts itself to compare the two field by field
(harness/portability/judge.py; docs/portability.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from harness.engine.events import Event, SuiteFinished
from harness.engine.run import RunContext
from harness.portability.judge import SUITE, PortabilityJudge


@contextmanager
def fresh_reference(role: str) -> Iterator[str]:
    """An empty reference system for `role` (no seeded population), to import an export into."""
    from harness.embedded import embedded_ecosystem

    with embedded_ecosystem((role,), population=0) as eco:
        yield eco.urls[role]


class PortabilitySuite:
    name = SUITE

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        judge = PortabilityJudge(ctx, emit, reference=fresh_reference)
        judge.run()
        emit(
            SuiteFinished(
                SUITE,
                judge.counts["passed"],
                judge.counts["failed"],
                judge.counts["skipped"],
                stats=judge.stats,
            )
        )
