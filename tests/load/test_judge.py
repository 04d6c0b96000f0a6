"""Judging a load run's figures: breaches are error findings, untrusted runs are inconclusive."""

from __future__ import annotations

from typing import Any

from harness.engine.verdict import inconclusive_causes, verdict_of
from harness.load.judge import judge
from harness.load.levels import load_levels
from harness.load.runner import LoadPlan
from harness.load.timeline import Recorder
from harness.load.workload import operations

OPS = operations("records")
PLAN = LoadPlan(rate=44.0, users=44, ramp_up=2, duration=10)
START = 1000


def result(
    ms: dict[str, float],
    *,
    per_second: float = 44.0,
    cpu: float = 20.0,
    in_flight: int = 2,
    errors: dict[str, str] | None = None,
    warned: bool = False,
) -> dict[str, Any]:
    """A load process result: each operation at its share of `per_second`, answering in `ms`."""
    rec = Recorder()
    weights = sum(o.weight for o in OPS)
    for sec in range(START, START + 10):
        for op in OPS:
            n = round(per_second * op.weight / weights)
            for i in range(n):
                kind = (errors or {}).get(op.name) if i == 0 else None
                rec.record(sec + 0.1, op.name, ms.get(op.name, 20.0), kind)
    return {
        "mode": "local",
        "steady": [START, START + 10],
        "windows": rec.drain(),
        "cpu": {"local": [[START + s, cpu, in_flight] for s in range(10)]},
        "locust_cpu_warning": warned,
        "sampled": {op.name: 10 for op in OPS},
    }


def verdict(checks: list, findings: list) -> tuple[str, list]:
    causes = inconclusive_causes(checks, [], None, "records")
    return verdict_of(findings, causes), causes


def test_a_fast_product_at_the_asked_rate_passes() -> None:
    checks, findings, stats = judge(result({}), PLAN, OPS, load_levels(None), "records", "http://x")
    assert findings == []
    assert {c.status for c in checks} == {"passed"}
    assert {c.requirement for c in checks} >= {
        "LOAD-p50",
        "LOAD-p95",
        "LOAD-p99",
        "LOAD-error-rate",
        "LOAD-throughput",
        "LOAD-correctness",
    }
    assert verdict(checks, findings)[0] == "pass"
    assert stats["load"]["trusted"] is True and stats["load"]["achieved_rate"] == 44.0
    assert set(stats["load"]["series"]) == {op.name for op in OPS}


def test_a_slow_operation_is_an_error_finding_naming_it_and_the_percentile() -> None:
    checks, findings, _ = judge(
        result({"read by id": 900.0}), PLAN, OPS, load_levels(None), "records", "http://x"
    )
    assert {(f.operation, f.requirement) for f in findings} == {
        ("GET /nominals/{nominal_id}", "LOAD-p50"),
        ("GET /nominals/{nominal_id}", "LOAD-p95"),
    }
    p95 = next(f for f in findings if f.requirement == "LOAD-p95")
    assert "p95 was 900 ms" in p95.detail and "at most 800 ms" in p95.detail and "read by id" in p95.title
    assert p95.extra["figures"]["p95"] == 900.0
    assert verdict(checks, findings)[0] == "fail"


def test_error_kinds_are_counted_and_wrong_answers_are_findings() -> None:
    res = result({}, errors={"search by name": "5xx", "read by id": "wrong-data"})
    checks, findings, stats = judge(res, PLAN, OPS, load_levels("error_rate=0.5"), "records", "http://x")
    assert [f.requirement for f in findings] == ["LOAD-correctness"]
    assert "10 wrong-data" in findings[0].detail  # one a second
    by_name = {o["name"]: o for o in stats["load"]["operations"]}
    assert by_name["search by name"]["errors_by_kind"] == {"5xx": 10}


def test_a_saturated_generator_makes_the_run_inconclusive_even_with_breaches() -> None:
    res = result({"read by id": 5000.0}, cpu=99.0)
    checks, findings, stats = judge(res, PLAN, OPS, load_levels(None), "records", "http://x")
    assert findings == []
    assert all(c.status == "skipped" for c in checks if c.requirement != "LOAD-correctness")
    outcome, causes = verdict(checks, findings)
    assert outcome == "inconclusive" and causes[0].cause == "required-checks-skipped"
    assert "saturated its CPU" in stats["load"]["untrusted_reason"]


def test_locusts_own_cpu_warning_is_enough_to_distrust() -> None:
    _, findings, stats = judge(result({}, warned=True), PLAN, OPS, load_levels(None), "records", "http://x")
    assert stats["load"]["trusted"] is False and findings == []


def test_rate_not_reached_while_users_idle_is_the_generators_fault() -> None:
    res = result({}, per_second=20.0, in_flight=1)
    checks, findings, stats = judge(res, PLAN, OPS, load_levels(None), "records", "http://x")
    assert findings == [] and verdict(checks, findings)[0] == "inconclusive"
    assert "because of the generator" in stats["load"]["untrusted_reason"]


def test_rate_not_reached_while_every_user_waits_is_the_products_fault() -> None:
    res = result({}, per_second=20.0, in_flight=44)
    checks, findings, _ = judge(res, PLAN, OPS, load_levels(None), "records", "http://x")
    assert [f.requirement for f in findings] == ["LOAD-throughput"]
    assert "20 requests/s of the 44 asked" in findings[0].detail
    assert verdict(checks, findings)[0] == "fail"
