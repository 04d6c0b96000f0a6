"""A verification run: context for the suites, fan-out of events to writers, the verdict."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from harness import __version__
from harness.engine.events import CheckResult, Event, Finding, SuiteFinished, SuiteStarted


@dataclass
class RunContext:
    """What every suite needs to test one target in one role."""

    role: str
    target: str  # the TARGET as the user gave it
    base_url: str  # where the product answers now
    tokens: Any  # harness.auth.TargetTokens
    report_dir: Path
    options: dict[str, Any] = field(default_factory=dict)
    peers: dict[str, str] = field(default_factory=dict)  # other roles' base URLs, for scenarios


class Suite(Protocol):
    name: str

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None: ...


class Writer(Protocol):
    def handle(self, event: Event) -> None: ...

    def close(self, run: VerificationRun) -> None: ...


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class VerificationRun:
    """Runs suites against one target and keeps the totals every writer reports."""

    def __init__(self, ctx: RunContext, writers: Iterable[Writer]) -> None:
        self.ctx = ctx
        self.writers = list(writers)
        self.started_at = now_iso()
        self.finished_at: str | None = None
        self.findings: list[Finding] = []
        self.checks: list[CheckResult] = []
        self.suites: list[SuiteFinished] = []

    def emit(self, event: Event) -> None:
        if isinstance(event, Finding):
            self.findings.append(event)
        elif isinstance(event, CheckResult):
            self.checks.append(event)
        elif isinstance(event, SuiteFinished):
            self.suites.append(event)
        for writer in self.writers:
            writer.handle(event)

    def run_suite(self, suite: Suite) -> None:
        """Run one suite; a crash inside it becomes an error finding, never a traceback."""
        self.emit(SuiteStarted(suite.name))
        before = len(self.checks)
        try:
            suite.run(self.ctx, self.emit)
        except Exception as exc:  # a suite bug or an unusable target must still give a report
            self.emit(
                Finding(
                    suite.name,
                    "suite-error",
                    "error",
                    "",
                    f"The {suite.name} suite could not finish",
                    f"{type(exc).__name__}: {exc}",
                )
            )
        if not any(s.suite == suite.name for s in self.suites):
            mine = self.checks[before:]
            self.emit(
                SuiteFinished(
                    suite.name,
                    sum(c.status == "passed" for c in mine),
                    sum(c.status == "failed" for c in mine),
                    sum(c.status == "skipped" for c in mine),
                )
            )

    @property
    def verdict(self) -> str:
        return "fail" if any(f.severity == "error" for f in self.findings) else "pass"

    def finish(self) -> None:
        self.finished_at = now_iso()
        for writer in self.writers:
            writer.close(self)

    def summary(self) -> dict[str, Any]:
        """The report.json document (DESIGN.md)."""
        return {
            "tool": {"name": "interop", "version": __version__},
            "role": self.ctx.role,
            "target": self.ctx.target,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "verdict": self.verdict,
            "suites": [
                {
                    "name": s.suite,
                    "passed": s.passed,
                    "failed": s.failed,
                    "skipped": s.skipped,
                    **({"stats": s.stats} if s.stats else {}),
                }
                for s in self.suites
            ],
            "findings": [f.to_dict() for f in self.findings],
            "checks": [
                {
                    "suite": c.suite,
                    "name": c.name,
                    "group": c.group,
                    "operation": c.operation,
                    "status": c.status,
                    "duration_s": round(c.duration_s, 3),
                    "message": c.message,
                    **({"requirement": c.requirement} if c.requirement else {}),
                }
                for c in self.checks
            ],
        }
