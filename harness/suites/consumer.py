"""The consumer suite: judge the product's own calls to the reference systems (docs/consumers.md).

Opt-in (`--suite consumer`, or `interop observe`). It reads the traffic logs of the reference
systems for the product's client id and judges each consumer duty (harness/consumer/duties.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.consumer.client import PRODUCT_CLIENT_ID
from harness.consumer.judge import judge
from harness.consumer.resilience import RunFacts, fault_windows, read_claims
from harness.consumer.traffic import read_traffic
from harness.engine.events import CheckResult, Event, SuiteFinished
from harness.engine.run import RunContext


def run_facts(options: dict[str, Any]) -> RunFacts:
    """What `interop observe` knows beside the traffic: the faults it applied, what the product
    says it did (INTEROP_ACTIONS_FILE), when the observation ended."""
    claims_file = options.get("consumer_actions_file")
    claims, error = read_claims(Path(claims_file) if claims_file else None)
    until = options.get("consumer_observed_until")
    return RunFacts(
        faults=fault_windows(list(options.get("consumer_faults") or [])),
        claims=claims,
        claims_error=error,
        observed_until=float(until) if until is not None else None,
    )


class ConsumerSuite:
    name = "consumer"

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        urls = dict(ctx.options.get("consumer_urls") or ctx.peers)
        client_id = str(ctx.options.get("consumer_client_id") or PRODUCT_CLIENT_ID)
        if not urls:
            emit(
                CheckResult(
                    self.name,
                    "traffic",
                    "skipped",
                    message="no reference systems to read the product's traffic from (give --peer ROLE=URL)",
                    requirement="CON-VALID-REQUEST",
                )
            )
            emit(SuiteFinished(self.name, 0, 0, 1))
            return
        exchanges = read_traffic(urls, client_id, after=ctx.options.get("consumer_after"))
        before: list[Event] = []

        def keep_and_emit(event: Event) -> None:
            before.append(event)
            emit(event)

        judge(exchanges, keep_and_emit, facts=run_facts(ctx.options))
        checks = [e for e in before if isinstance(e, CheckResult)]
        emit(
            SuiteFinished(
                self.name,
                sum(c.status == "passed" for c in checks),
                sum(c.status == "failed" for c in checks),
                sum(c.status == "skipped" for c in checks),
                stats={
                    "client_id": client_id,
                    "exchanges": len(exchanges),
                    "token_requests": sum(e.is_token_request for e in exchanges),
                    "roles": {
                        r: {"url": u, "origin": "reference"} for r, u in urls.items() if r not in ctx.peers
                    },
                },
            )
        )
