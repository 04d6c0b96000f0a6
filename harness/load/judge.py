"""Judging a load run: service levels as checks, breaches as findings, untrusted runs as skips.

A figure is judged only when it can be trusted. It cannot when the generator itself was short of
CPU (Locust's warning, or this process's own samples at or above 90 % of a core for half of the
steady state, or waiting for a core a quarter of each second for half of it because other work
shares the machine), or when the asked rate was not reached while the users were not all waiting for
the product (the generator, not the product, fell behind). Then every service-level check is
skipped (required): the verdict is inconclusive, never a pass. Wrong answers under load (schema
breaches, wrong data) are judged whatever the pace: a wrong answer is wrong at any speed.
"""

from __future__ import annotations

import statistics
from typing import Any

from harness.engine.events import CheckResult, Finding
from harness.load.levels import REQUIREMENTS, ServiceLevels
from harness.load.runner import LoadPlan
from harness.load.timeline import Recorder, summarise
from harness.load.workload import LoadOperation

SUITE = "load"
CPU_SATURATED = 90.0
CPU_STARVED = 0.25  # share of a second spent runnable but waiting for a CPU (shared cores)
BUSY_USERS = 0.8  # achieved rate x mean latency >= this share of the users: they were all waiting
LATENCY = ("p50", "p95", "p99")
CORRECTNESS_KINDS = ("schema", "wrong-data")


def figures_of(result: dict[str, Any]) -> dict[str, Any]:
    rec = Recorder()
    rec.merge(result["windows"])
    start, end = result["steady"]
    return summarise(rec.windows, int(start), int(end))


def cpu_of(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    start, end = result["steady"]
    out = {}
    for who, samples in (result.get("cpu") or {}).items():
        steady = [s for s in samples if start <= s[0] <= end + 1] or list(samples)
        if steady:
            pcts = [s[1] for s in steady]
            out[who] = {
                "median": round(statistics.median(pcts), 1),
                "max": round(max(pcts), 1),
                "saturated_share": round(sum(p >= CPU_SATURATED for p in pcts) / len(pcts), 2),
                "starved_share": round(
                    sum(len(s) > 3 and s[3] >= CPU_STARVED for s in steady) / len(steady), 2
                ),
                "in_flight": round(statistics.mean(s[2] if len(s) > 2 else 0 for s in steady), 1),
            }
    return out


def distrust(result: dict[str, Any], figures: dict[str, Any], plan: LoadPlan, floor: float) -> str | None:
    """Why the figures cannot be trusted (None when they can)."""
    cpu = cpu_of(result)
    hot = [who for who, c in cpu.items() if c["saturated_share"] >= 0.5]
    starved = [who for who, c in cpu.items() if c.get("starved_share", 0) >= 0.5]
    if starved and not hot:
        return (
            f"the load generator was short of CPU ({', '.join(starved)} waited for a core at least "
            f"{CPU_STARVED:.0%} of the time through most of the steady state: other work shares its "
            "cores): its timings and pace are not the product's. Give it its own cores, or use "
            "--load-workers N or workers on other hosts (docs/load.md)"
        )
    if result.get("locust_cpu_warning") or hot:
        who = ", ".join(hot) or "a load process"
        return (
            f"the load generator saturated its CPU ({who} at or above {CPU_SATURATED:g}% of a core; "
            f"Locust warned: {'yes' if result.get('locust_cpu_warning') else 'no'}): its timings and pace "
            "are not the product's. Use --load-workers N or workers on other hosts (docs/load.md)"
        )
    total = figures["total"]
    achieved = total["throughput"]
    waiting = in_flight(cpu)
    if achieved < plan.rate * floor and waiting < BUSY_USERS * plan.users:
        return (
            f"the asked rate was not reached because of the generator: {achieved:g} of {plan.rate:g} "
            f"requests/s while only {waiting:g} of its {plan.users} users on average were waiting for the "
            "product. Use --load-workers N or workers on other hosts (docs/load.md)"
        )
    return None


def in_flight(cpu: dict[str, dict[str, float]]) -> float:
    """Users waiting on the product, on average over the steady state, in all load processes. All
    of them waiting means the product's answer time, not the generator, set the pace."""
    return round(sum(c.get("in_flight", 0.0) for c in cpu.values()), 1)


def judge(
    result: dict[str, Any],
    plan: LoadPlan,
    ops: tuple[LoadOperation, ...],
    levels: ServiceLevels,
    role: str,
    target: str,
) -> tuple[list[CheckResult], list[Finding], dict[str, Any]]:
    figures = figures_of(result)
    floor = levels.default.throughput if levels.default.throughput is not None else 0.9
    untrusted = distrust(result, figures, plan, floor)
    weights = sum(o.weight for o in ops)
    checks: list[CheckResult] = []
    findings: list[Finding] = []
    for op in ops:
        got = figures["operations"].get(op.name)
        lv = levels.for_operation(op.name)
        asked = plan.rate * op.weight / weights
        context = _context(op, got, asked, figures["seconds"])
        for metric in (*LATENCY, "error_rate"):
            limit = getattr(lv, metric)
            if limit is None:
                continue
            name = f"{op.name}: {metric.replace('_', ' ')}"
            requirement = REQUIREMENTS[metric]
            base: dict[str, Any] = {"group": op.name, "operation": op.label, "requirement": requirement}
            if untrusted or not got or not got["requests"]:
                why = untrusted or "no request of this operation completed in the steady state"
                checks.append(CheckResult(SUITE, name, "skipped", message=f"not judged: {why}", **base))
                continue
            breach = _breach(metric, limit, got, asked, plan)
            checks.append(
                CheckResult(SUITE, name, "failed" if breach else "passed", message=breach or "", **base)
            )
            if breach:
                findings.append(
                    Finding(
                        SUITE,
                        f"load-{metric}",
                        "error",
                        op.label,
                        f"{op.name}: {metric.replace('_', ' ')} breached the service level",
                        f"{breach}. {context}",
                        reproduce=_reproduce(role, target, plan),
                        requirement=requirement,
                        extra={"operation_name": op.name, "metric": metric, "limit": limit, "figures": got},
                    )
                )
        wrong = {k: (got or {}).get("errors_by_kind", {}).get(k, 0) for k in CORRECTNESS_KINDS}
        sampled = (result.get("sampled") or {}).get(op.name, 0)
        cbase: dict[str, Any] = {"group": op.name, "operation": op.label, "requirement": "LOAD-correctness"}
        if not sampled:
            checks.append(
                CheckResult(
                    SUITE,
                    f"{op.name}: answers under load",
                    "skipped",
                    message="no answer of this operation was sampled",
                    **cbase,
                )
            )
        elif any(wrong.values()):
            detail = ", ".join(f"{n} {k}" for k, n in wrong.items() if n)
            checks.append(
                CheckResult(SUITE, f"{op.name}: answers under load", "failed", message=detail, **cbase)
            )
            findings.append(
                Finding(
                    SUITE,
                    "load-correctness",
                    "error",
                    op.label,
                    f"{op.name}: wrong answers under load",
                    f"Of {sampled} answers checked against the standard during the load: {detail} "
                    "(schema: the answer breaks the role's OpenAPI document; wrong-data: not what was "
                    f"asked for). {context}",
                    requirement="LOAD-correctness",
                    extra={"operation_name": op.name, "sampled": sampled, **wrong},
                )
            )
        else:
            checks.append(
                CheckResult(
                    SUITE,
                    f"{op.name}: answers under load",
                    "passed",
                    message=f"{sampled} answers checked",
                    **cbase,
                )
            )
    checks_t, findings_t = _throughput(figures, plan, levels, untrusted, role, target)
    checks.extend(checks_t)
    findings.extend(findings_t)
    stats = {
        "load": {
            **plan.describe(),
            "mode": result.get("mode"),
            "achieved_rate": figures["total"]["throughput"],
            "trusted": untrusted is None,
            **({"untrusted_reason": untrusted} if untrusted else {}),
            "generator_cpu": cpu_of(result),
            "locust_cpu_warning": bool(result.get("locust_cpu_warning")),
            "steady_seconds": figures["seconds"],
            "operations": [
                {
                    "name": op.name,
                    "operation": op.label,
                    "weight": op.weight,
                    "asked_rate": round(plan.rate * op.weight / weights, 2),
                    "sampled": (result.get("sampled") or {}).get(op.name, 0),
                    **(figures["operations"].get(op.name) or {}),
                }
                for op in ops
            ],
            "total": figures["total"],
            "series": figures["series"],
            "service_levels": levels.describe(),
        }
    }
    return checks, findings, stats


def _throughput(
    figures: dict[str, Any],
    plan: LoadPlan,
    levels: ServiceLevels,
    untrusted: str | None,
    role: str,
    target: str,
) -> tuple[list[CheckResult], list[Finding]]:
    """The achieved rate of the whole workload against the asked one (per operation it would only
    measure the random mix)."""
    limit = levels.default.throughput
    if limit is None:
        return [], []
    base: dict[str, Any] = {"group": "whole workload", "operation": "", "requirement": "LOAD-throughput"}
    name = "whole workload: throughput"
    total = figures["total"]
    if untrusted or not total["requests"]:
        why = untrusted or "no request completed in the steady state"
        return [CheckResult(SUITE, name, "skipped", message=f"not judged: {why}", **base)], []
    breach = _breach("throughput", limit, total, plan.rate, plan)
    check = CheckResult(SUITE, name, "failed" if breach else "passed", message=breach or "", **base)
    if not breach:
        return [check], []
    return [check], [
        Finding(
            SUITE,
            "load-throughput",
            "error",
            "",
            "The product did not sustain the asked rate",
            f"{breach}. Mean answer {total['mean']:g} ms, p95 {total['p95']:g} ms "
            f"over {figures['seconds']} s.",
            reproduce=_reproduce(role, target, plan),
            requirement="LOAD-throughput",
            extra={"metric": "throughput", "limit": limit, "figures": total},
        )
    ]


def _breach(metric: str, limit: float, got: dict[str, Any], asked: float, plan: LoadPlan) -> str | None:
    if metric in LATENCY:
        value = got[metric]
        return (
            f"{metric} was {value:g} ms; the service level is at most {limit:g} ms" if value > limit else None
        )
    if metric == "error_rate":
        if got["error_rate"] <= limit:
            return None
        kinds = ", ".join(f"{n} {k}" for k, n in got["errors_by_kind"].items())
        return (
            f"error rate was {got['error_rate'] * 100:.2f}% ({got['errors']} of {got['requests']}: {kinds}); "
            f"the service level is at most {limit * 100:g}%"
        )
    if got["throughput"] >= asked * limit:
        return None
    return (
        f"throughput was {got['throughput']:g} requests/s of the {asked:g} asked "
        f"({got['throughput'] / asked * 100:.0f}%); the service level is at least {limit * 100:g}% "
        f"(the {plan.users} users were all waiting for answers: the product set the pace)"
    )


def _context(op: LoadOperation, got: dict[str, Any] | None, asked: float, seconds: int) -> str:
    if not got:
        return f"No figures for {op.name} ({op.label})."
    return (
        f"{op.name} ({op.label}) over {seconds} s of steady state: {got['requests']} requests, "
        f"{got['throughput']:g}/s achieved of {asked:.2f}/s asked, p50 {got['p50']:g} ms, "
        f"p95 {got['p95']:g} ms, p99 {got['p99']:g} ms, max {got['max']:g} ms, "
        f"errors {got['errors']} ({_kinds(got['errors_by_kind']) or 'none'})."
    )


def _reproduce(role: str, target: str, plan: LoadPlan) -> str:
    return (
        f"interop verify --role {role} --target {target} --suite load --rate {plan.rate:g} "
        f"--users {plan.users} --duration {plan.duration:g} --ramp-up {plan.ramp_up:g}"
    )


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items())
