"""The domain oracle: judges the domain rules on every response the harness sees, in every suite.

Why: a rule checked only by a scenario that moves a simulated clock is never checked on a vendor
product (which has no clock control). The oracle subscribes to the harness's tap and judges each
answer from what the standard API returned (custody clocks against their own timelines, gradings
and identifiers against what was sent, views against the caller's scopes). After each suite the
run drains what was found for that suite: one CheckResult per rule id judged, one error Finding
per rule id and operation, with the first offending exchange.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from harness.engine.events import CheckResult, Event, Finding
from harness.oracle import custody, intelligence, records
from harness.oracle.exchange import objects, operation_of, reproduce
from harness.tap import TappedExchange

CHECK = "domain-oracle"
GROUP = "domain-oracle"
TITLES: dict[str, str] = {**custody.TITLES, **intelligence.TITLES, **records.TITLES}
MAX_MESSAGES = 3
BODY_SHOWN = 300


@dataclass
class _Tally:
    checked: int = 0
    broke: int = 0


@dataclass
class _SuiteState:
    tallies: dict[str, _Tally] = field(default_factory=dict)
    findings: dict[tuple[str, str], Finding] = field(default_factory=dict)
    oracle_error: str | None = None


class DomainOracle:
    """`observe(exchange)` for every tapped exchange (thread-safe); `drain(suite)` after each suite."""

    def __init__(self, role: str, spec: dict[str, Any] | None = None) -> None:
        self.role = role
        self.spec = spec
        self._lock = threading.Lock()
        self._suites: dict[str, _SuiteState] = {}
        self._intelligence = intelligence.IntelligenceJudge() if role in ("intelligence", "") else None
        self._records = records.RecordsJudge() if role in ("records", "") else None
        self._custody = role in ("custody", "")

    # ------------------------------------------------------------------------------- observing

    def observe(self, exchange: TappedExchange) -> None:
        if exchange.header("Content-Type").startswith("application/x-ndjson"):
            return  # a bulk export file: many records, judged by the portability suite, not one read
        finished = time.monotonic()
        started = finished - max(exchange.seconds, 0.0)
        try:
            verdicts = self._judge(exchange, started, finished)
        except Exception as exc:  # an oracle bug must never stop a run; it is reported at drain
            with self._lock:
                state = self._suites.setdefault(exchange.suite, _SuiteState())
                state.oracle_error = state.oracle_error or f"{type(exc).__name__}: {exc}"
            return
        if verdicts:
            self._record(exchange, verdicts)

    def _judge(self, ex: TappedExchange, started: float, finished: float) -> dict[str, list[str]]:
        verdicts: dict[str, list[str]] = {}
        if self._custody and ex.status is not None and 200 <= ex.status < 300:
            for obj in objects(ex.json()):
                if custody.is_custody_record(obj):
                    _merge(verdicts, custody.judge_custody_record(obj))
        for judge in self._stateful():
            _merge(verdicts, judge.judge(ex, started, finished))
            judge.learn(ex, started, finished)
        return verdicts

    def _stateful(self) -> list[Any]:
        return [j for j in (self._intelligence, self._records) if j is not None]

    def _record(self, ex: TappedExchange, verdicts: dict[str, list[str]]) -> None:
        operation = operation_of(ex.method, ex.path)
        with self._lock:
            state = self._suites.setdefault(ex.suite, _SuiteState())
            for rule, broken in verdicts.items():
                tally = state.tallies.setdefault(rule, _Tally())
                tally.checked += 1
                if not broken:
                    continue
                tally.broke += 1
                if (rule, operation) not in state.findings:
                    state.findings[(rule, operation)] = _finding(ex, rule, operation, broken)

    # --------------------------------------------------------------------------------- draining

    def drain(self, suite: str) -> list[Event]:
        """The events for the exchanges of `suite` so far (then forgotten)."""
        for judge in self._stateful():
            try:
                settled = judge.settle(suite)
            except Exception as exc:  # as in observe: a harness defect is reported, never raised
                with self._lock:
                    state = self._suites.setdefault(suite, _SuiteState())
                    state.oracle_error = state.oracle_error or f"{type(exc).__name__}: {exc}"
                continue
            for exchange, verdicts in settled:
                self._record(exchange, verdicts)
        with self._lock:
            finished = self._suites.pop(suite, None)
        if finished is None:
            return []
        state = finished
        events: list[Event] = [
            CheckResult(
                suite,
                f"domain rule {rule}",
                "failed" if tally.broke else "passed",
                group=GROUP,
                message=f"{tally.checked} responses checked, {tally.broke} broke it",
                requirement=rule,
            )
            for rule, tally in sorted(state.tallies.items())
        ]
        events.extend(state.findings[key] for key in sorted(state.findings))
        if state.oracle_error:
            events.append(
                Finding(
                    suite,
                    "domain-oracle-error",
                    "warning",
                    "",
                    "The domain oracle could not judge some responses",
                    f"The harness's domain oracle failed on a response ({state.oracle_error}); the domain "
                    "rules were not judged on it. This is a harness defect, not the product's.",
                )
            )
        return events


def _merge(into: dict[str, list[str]], verdicts: dict[str, list[str]]) -> None:
    for rule, broken in verdicts.items():
        into.setdefault(rule, []).extend(broken)


def _finding(ex: TappedExchange, rule: str, operation: str, broken: list[str]) -> Finding:
    detail = "; ".join(broken[:MAX_MESSAGES])
    if len(broken) > MAX_MESSAGES:
        detail += f"; and {len(broken) - MAX_MESSAGES} more"
    answered = f"answered {ex.status}" if ex.status is not None else "gave no answer"
    detail += f". ({ex.method} {ex.url} {answered}.)"
    body = ex.response_body[:BODY_SHOWN].decode("utf-8", "replace")
    return Finding(
        ex.suite,
        CHECK,
        "error",
        operation,
        TITLES.get(rule, f"The answer breaks domain rule {rule}"),
        detail,
        reproduce=reproduce(ex.method, ex.url, ex.request_headers, ex.request_body),
        requirement=rule,
        extra={"status_code": ex.status, "response_start": body},
    )
