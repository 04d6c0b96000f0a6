"""The consumer suite: judge the product's own calls to the reference systems (docs/consumers.md).

Opt-in (`--suite consumer`, or `interop observe`). It reads the traffic logs of the reference
systems for the product's client id and judges each consumer duty (harness/consumer/duties.py).
"""

from __future__ import annotations

from collections.abc import Callable

from harness.consumer.client import PRODUCT_CLIENT_ID
from harness.consumer.judge import judge
from harness.consumer.traffic import read_traffic
from harness.engine.events import CheckResult, Event, SuiteFinished
from harness.engine.run import RunContext


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
        judge(exchanges, lambda ev: (before.append(ev), emit(ev)))
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
