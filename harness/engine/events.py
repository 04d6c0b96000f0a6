"""The events a suite emits while it runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
Status = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class SuiteStarted:
    suite: str
    description: str = ""


@dataclass(frozen=True)
class CheckResult:
    """One executed check: a pact interaction, a fuzzed operation + check, a scenario step.

    `name` identifies it within its suite (a JUnit testcase); `group` gathers related ones (the
    consumer of a pact, the operation, the scenario) for coverage and comparison tables.
    `required` is False for a check that does not apply to the role (a scenario that does not
    involve it): skipping it leaves nothing unjudged. A skipped required check does, unless a
    check of the same `requirement` (space-separated ids) ran (harness/engine/verdict.py).
    """

    suite: str
    name: str
    status: Status
    group: str = ""
    operation: str = ""
    duration_s: float = 0.0
    message: str = ""
    requirement: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Finding:
    """Something wrong with the target, with what a vendor needs to reproduce it."""

    suite: str
    check: str
    severity: Severity
    operation: str
    title: str
    detail: str
    reproduce: str = ""
    requirement: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        extra = out.pop("extra")
        if out["requirement"] is None:
            out.pop("requirement")
        if extra:
            out["extra"] = extra
        return out


@dataclass(frozen=True)
class SuiteFinished:
    suite: str
    passed: int
    failed: int
    skipped: int
    stats: dict[str, Any] = field(default_factory=dict)


Event = SuiteStarted | CheckResult | Finding | SuiteFinished
