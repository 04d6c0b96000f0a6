"""Turn the duties' defects into the harness's events: one check per duty, one finding per defect."""

from __future__ import annotations

import time
from collections.abc import Callable

from harness.consumer.duties import DUTIES, Defect, Duty
from harness.consumer.resilience import RunFacts, resilience_duties
from harness.consumer.traffic import Exchange
from harness.engine.events import CheckResult, Event, Finding, Status

SUITE = "consumer"


def judge(
    exchanges: list[Exchange],
    emit: Callable[[Event], None],
    suite: str = SUITE,
    facts: RunFacts | None = None,
) -> list[Defect]:
    """Judge every duty on `exchanges` (and, with `facts` of the run, the duties under faults);
    emits its checks and findings, returns every defect."""
    found: list[Defect] = []
    for duty in (*DUTIES, *resilience_duties(facts or RunFacts())):
        started = time.perf_counter()
        defects = duty.judge(exchanges)
        took = time.perf_counter() - started
        if defects is None:
            emit(_check(suite, duty, "skipped", took, _not_applicable(duty, exchanges)))
            continue
        for d in defects:
            emit(_finding(suite, duty, d))
        errors = sum(d.severity == "error" for d in defects)
        warnings = len(defects) - errors
        status: Status = "failed" if errors else "passed"
        message = ", ".join(
            p for p in (f"{errors} errors" if errors else "", f"{warnings} warnings" if warnings else "") if p
        )
        emit(_check(suite, duty, status, took, message))
        found.extend(defects)
    return found


def _not_applicable(duty: Duty, exchanges: list[Exchange]) -> str:
    if not exchanges:
        return "the product made no call to the reference systems with its client id"
    return "nothing in the product's traffic to judge it on"


def _check(suite: str, duty: Duty, status: Status, took: float, message: str) -> CheckResult:
    return CheckResult(
        suite,
        duty.name,
        status,
        group=duty.description,
        duration_s=took,
        message=message,
        requirement=duty.requirement,
        # Only validity applies to every consumer; the rest apply when the traffic holds their case.
        required=duty.requirement == "CON-VALID-REQUEST",
    )


def _finding(suite: str, duty: Duty, d: Defect) -> Finding:
    e = d.exchange
    return Finding(
        suite,
        duty.name,
        d.severity,
        e.label,
        d.title,
        d.detail,
        reproduce=e.curl(),
        requirement=d.requirement,
        extra={"exchange": e.brief(), "count": d.count, **d.extra},
    )
