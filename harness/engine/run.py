"""A verification run: context for the suites, fan-out of events to writers, the verdict."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from harness import __version__
from harness.engine.events import CheckResult, Event, Finding, SuiteFinished, SuiteStarted
from harness.engine.reach import Reach
from harness.engine.verdict import Cause, inconclusive_causes, verdict_of


@dataclass
class RunContext:
    """What every suite needs to test one target in one role."""

    role: str
    target: str  # the TARGET as the user gave it
    base_url: str  # where the suites send requests: the tap in front of the product (or the product)
    tokens: Any  # harness.auth.TargetTokens
    report_dir: Path
    options: dict[str, Any] = field(default_factory=dict)
    peers: dict[str, str] = field(default_factory=dict)  # other roles' base URLs, given with --peer
    target_url: str = ""  # where the product itself answers (reproductions name this)
    product: dict[str, str] = field(default_factory=dict)  # name / version, when given

    def __post_init__(self) -> None:
        self.target_url = self.target_url or self.base_url


class Observer(Protocol):
    """Sees every exchange with the target (through the tap) and judges it: the domain oracle."""

    def observe(self, exchange: Any) -> None: ...

    def drain(self, suite: str) -> list[Event]: ...


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

    def __init__(
        self,
        ctx: RunContext,
        writers: Iterable[Writer],
        *,
        tap: Any = None,
        observers: Iterable[Observer] = (),
    ) -> None:
        self.ctx = ctx
        self.writers = list(writers)
        self.started_at = now_iso()
        self.finished_at: str | None = None
        self.findings: list[Finding] = []
        self.checks: list[CheckResult] = []
        self.suites: list[SuiteFinished] = []
        self.tap = tap  # harness.tap.TargetTap, when the suites reach the product through one
        self.observers = list(observers)
        self.reach: Reach | None = None
        self._lock = threading.Lock()
        if tap is not None:
            from simulators.core.spec import load_spec

            self.reach = Reach.for_spec(load_spec(ctx.role))
            tap.subscribe(self.reach.observe)
            for observer in self.observers:
                tap.subscribe(observer.observe)

    def emit(self, event: Event) -> None:
        with self._lock:
            self._emit(self._public(event))

    def _public(self, event: Event) -> Event:
        """The event with the tap's address replaced by the product's: the tap is gone after the run."""
        if self.tap is None:
            return event
        public: Event = _rewrite(event, self.tap.public)
        return public

    def _emit(self, event: Event) -> None:
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
        if self.tap is not None:
            self.tap.suite = suite.name
        try:
            suite.run(self.ctx, self._emit_before_finish(suite.name))
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
        self._drain(suite.name)
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

    def _emit_before_finish(self, suite: str) -> Callable[[Event], None]:
        """What a suite emits; the observers' judgements of its exchanges go in before its totals."""

        def emit(event: Event) -> None:
            if isinstance(event, SuiteFinished) and event.suite == suite:
                before = len(self.checks)
                self._drain(suite)
                extra = self.checks[before:]
                if extra:
                    event = dataclasses.replace(
                        event,
                        passed=event.passed + sum(c.status == "passed" for c in extra),
                        failed=event.failed + sum(c.status == "failed" for c in extra),
                        skipped=event.skipped + sum(c.status == "skipped" for c in extra),
                    )
            self.emit(event)

        return emit

    def _drain(self, suite: str) -> None:
        for observer in self.observers:
            for event in observer.drain(suite):
                self.emit(event)
        if self.tap is not None:
            for finding in _bound_findings(self.tap, suite):
                self.emit(finding)

    @property
    def inconclusive(self) -> list[Cause]:
        return inconclusive_causes(self.checks, self.suites, self.reach, self.ctx.role)

    @property
    def verdict(self) -> str:
        return verdict_of(self.findings, self.inconclusive)

    def roles(self) -> dict[str, dict[str, str]]:
        """Each role's URL and where it came from (target, given with --peer, harness-started reference)."""
        from simulators.core.config import SYSTEMS

        out: dict[str, dict[str, str]] = {}
        if self.ctx.role in SYSTEMS:  # `interop scenario run` names no single role
            out[self.ctx.role] = {"url": self.ctx.target_url, "origin": "target"}
        for role, url in self.ctx.peers.items():
            out.setdefault(role, {"url": url, "origin": "given"})
        for suite in self.suites:
            for role, info in (suite.stats.get("roles") or {}).items():
                if isinstance(info, dict):
                    url, origin = str(info.get("url", "")), str(info.get("origin", ""))
                    out.setdefault(role, {"url": url, "origin": origin})
        return out

    def finish(self) -> None:
        self.finished_at = now_iso()
        for writer in self.writers:
            writer.close(self)

    def summary(self) -> dict[str, Any]:
        """The report.json document (README, "Verdicts")."""
        causes = self.inconclusive
        verdict = verdict_of(self.findings, causes)
        return {
            "tool": {"name": "interop", "version": __version__},
            "role": self.ctx.role,
            "target": self.ctx.target,
            **({"product": self.ctx.product} if self.ctx.product else {}),
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "verdict": verdict,
            "inconclusive": [c.to_dict() for c in causes] if verdict == "inconclusive" else [],
            "roles": self.roles(),
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
                    **({} if c.required else {"required": False}),
                }
                for c in self.checks
            ],
            **({"reach": self._reach_summary()} if self.reach is not None else {}),
        }

    def _reach_summary(self) -> list[dict[str, Any]]:
        assert self.reach is not None
        return [
            {
                "operation": op.label,
                "requests": self.reach.seen.get(op.label, 0),
                "accepted": self.reach.accepted.get(op.label, 0),
                "succeeded": self.reach.succeeded.get(op.label, 0),
            }
            for op in self.reach.ops
        ]


def _rewrite(value: Any, fix: Callable[[str], str]) -> Any:
    """`value` with `fix` applied to every string inside it (dataclasses, dicts, lists)."""
    if isinstance(value, str):
        return fix(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _rewrite(getattr(value, f.name), fix) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {k: _rewrite(v, fix) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_rewrite(v, fix) for v in value)
    return value


def _bound_findings(tap: Any, suite: str) -> list[Finding]:
    """One finding per operation whose answer broke the tap's size or time bound during `suite`."""
    from harness.tap import TappedExchange

    with tap._lock:
        mine: list[TappedExchange] = [e for e in tap.breaches if e.suite == suite]
        tap.breaches = [e for e in tap.breaches if e.suite != suite]
    seen: set[tuple[str, str]] = set()
    out = []
    for exchange in mine:
        key = (exchange.method, exchange.path)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Finding(
                suite,
                "response_bounds",
                "error",
                f"{exchange.method} {exchange.path}",
                "The answer broke the harness's size or time bound",
                f"{exchange.error}. A client of the standard reads pages of bounded size; an answer this "
                "large or slow stalls every consumer.",
                reproduce=f"curl -sS -o /dev/null -w '%{{http_code}} %{{size_download}}\\n' "
                f"-X {exchange.method} '{exchange.url}' -H \"Authorization: Bearer $TOKEN\"",
                requirement="STD-RESPONSE-BOUNDS",
            )
        )
    return out
