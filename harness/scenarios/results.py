"""A scenario run as engine events: one CheckResult per step, one Finding per failing step.

Findings follow one form so a vendor can act on them: check `scenario-step`, the operation as
`METHOD /template`, title `<scenario>: <step>`, detail `system <role>, operation <operationId>:
expected <criterion>, got <actual value>`, requirement `SCN-<scenario>-<step number>`, and a
curl command that repeats the request.

What is not the product's doing is never a finding: a step whose own request breaks the standard
is a skipped check "scenario error: ..."; a scenario that cannot run here (test support the
product does not offer) is one skipped check "not run: ..." under the rule ids the scenario
declares (`x-interop-requirements`), so that a check of the same rule that ran covers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from harness.engine.events import CheckResult, Event, Finding
from harness.scenarios.runner import ScenarioOutcome, StepOutcome

SUITE = "scenarios"


def requirement(scenario: str, step: StepOutcome) -> str:
    return f"SCN-{scenario}-{step.number}"


def detail(step: StepOutcome) -> str:
    """`system custody, operation bookInDetainee: expected ..., got ...` (every failed criterion)."""
    failed = step.failed_verdicts
    where = f"system {step.system}, operation {step.operation_id}" if step.system else step.operation
    if not failed:
        return f"{where}: {step.message}"
    first = failed[0]
    text = f"{where}: expected {first.expected}, got {first.actual}"
    if len(failed) == 2:
        text += f"; also expected {failed[1].expected}, got {failed[1].actual}"
    elif len(failed) > 2:
        text += f"; {len(failed) - 1} more criteria failed ({'; '.join(v.expected for v in failed[1:4])}"
        text += "; ...)" if len(failed) > 4 else ")"
    if step.problem:
        text += f"; the answer's problem detail: {step.problem!r}"
    if step.url:
        answered = f"answered {step.status_code}" if step.status_code is not None else "gave no answer"
        text += f" ({step.method} {step.url} {answered})"
    return text


def not_run_event(outcome: ScenarioOutcome, under_test: set[str] | None = None) -> CheckResult:
    """One skipped check for a scenario that could not run, under the rule ids it checks.

    `under_test`: the roles being judged (None: all). Required when the scenario checks a rule of
    one of them, or declares none (then nothing says it does not matter).
    """
    declared = outcome.scenario.requirements
    ids = sorted({r for role, rs in declared.items() if under_test is None or role in under_test for r in rs})
    return CheckResult(
        SUITE,
        f"{outcome.scenario.name}: (not run)",
        "skipped",
        group=outcome.scenario.name,
        message=outcome.skipped or "not run",
        requirement=" ".join(ids) or None,
        required=bool(ids) or not declared,
    )


def step_events(outcome: ScenarioOutcome, under_test: set[str] | None = None) -> Iterator[Event]:
    name = outcome.scenario.name
    if outcome.skipped:
        yield not_run_event(outcome, under_test)
        return
    for step in outcome.steps:
        req = requirement(name, step)
        message = step.message
        if step.status == "passed" and step.system:
            message = f"system {step.system}, operation {step.operation_id}: {step.message}"
        if step.runs > 1:
            message += f" (ran {step.runs} times)"
        yield CheckResult(
            SUITE,
            f"{name}: {step.name}",
            step.status,
            group=name,
            operation=step.operation,
            duration_s=step.duration_s,
            message=message if step.status != "failed" else detail(step),
            requirement=req,
            required=step.required,
        )
        if step.status == "failed":
            yield Finding(
                SUITE,
                "scenario-step",
                "error",
                step.operation,
                f"{name}: {step.name}",
                detail(step),
                reproduce=step.reproduce,
                requirement=req,
                extra={
                    "scenario": name,
                    "step": step.step_id,
                    "system": step.system,
                    "operation_id": step.operation_id,
                    "status_code": step.status_code,
                    "expected": [v.expected for v in step.failed_verdicts],
                    "actual": [v.actual for v in step.failed_verdicts],
                },
            )
    for warning in outcome.warnings:
        yield Finding(SUITE, "scenario-cleanup", "warning", "", f"{name}: test support not restored", warning)


def emit_outcome(
    outcome: ScenarioOutcome, emit: Callable[[Event], None], under_test: set[str] | None = None
) -> None:
    for event in step_events(outcome, under_test):
        emit(event)


def invalid_events(name: str, path: str, problems: list[str]) -> Iterator[Event]:
    """A scenario file that cannot run: a warning finding (it is not the product's fault)."""
    text = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
    yield CheckResult(
        SUITE,
        f"{name}: (scenario file)",
        "skipped",
        group=name,
        message=f"not run: {path} is not a valid scenario: {text}",
    )
    yield Finding(
        SUITE,
        "scenario-invalid",
        "warning",
        "",
        f"{name}: the scenario file is not valid",
        f"{path}: {text}. Check it with `interop scenario validate {path}`.",
    )
