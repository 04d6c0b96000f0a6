"""Verification runs started from the console: a queue, one worker thread, one run at a time.

Each run writes its reports to its own folder under `<INTEROP_HOME>/console/runs/`. A
`LiveWriter` (a report writer, as harness/engine/run.py defines them) keeps the run's progress and
findings for the page and wakes its event stream; it also carries cancellation: once asked, the
next event the run emits stops it (between checks, never in the middle of a request).
"""

from __future__ import annotations

import queue
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.engine.events import CheckResult, Event, Finding, SuiteFinished, SuiteStarted
from harness.errors import InteropError

RUN_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[a-z]+-[0-9]+$")
STATES = ("queued", "running", "finished", "cancelled", "error")
VERDICT_TEXT = {"pass": "conforms", "fail": "does not conform", "inconclusive": "inconclusive"}


class RunCancelled(BaseException):
    """Raised inside the run when the user cancels it; a BaseException so no suite swallows it."""


@dataclass
class RunRequest:
    """What the verify form asked for."""

    role: str
    target: str
    suites: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    auth_file: Path | None = None


@dataclass
class ConsoleRun:
    """One run as its page shows it: state, progress, findings so far, the verdict at the end."""

    id: str
    request: RunRequest
    report_dir: Path
    state: str = "queued"
    created: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    suites_done: list[str] = field(default_factory=list)
    current_suite: str = ""
    counts: dict[str, int] = field(default_factory=lambda: {"passed": 0, "failed": 0, "skipped": 0})
    findings: list[dict[str, Any]] = field(default_factory=list)
    verdict: str | None = None
    error: str = ""
    cancel_requested: bool = False
    version: int = 0  # bumped on every change; the stream sends when it moves
    operations_total: int = 0  # operations of the role's OpenAPI document
    suite_operations: set[str] = field(default_factory=set)  # of them, judged by the running suite

    @property
    def progress(self) -> float:
        """0..1: finished suites, plus the share of the role's operations the running one has judged."""
        if self.state == "finished":
            return 1.0
        within = 0.0
        if self.current_suite:
            share = len(self.suite_operations) / self.operations_total if self.operations_total else 0.5
            within = min(0.95, max(0.05, share))
        return min(1.0, (len(self.suites_done) + within) / max(1, len(self.request.suites)))

    @property
    def verdict_text(self) -> str:
        return VERDICT_TEXT.get(self.verdict or "", "")

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def elapsed_s(self) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or time.time()) - self.started

    @property
    def has_report(self) -> bool:
        return (self.report_dir / "report.html").is_file()


class LiveWriter:
    """Feeds a `ConsoleRun` from the run's events (the `Writer` protocol of harness/engine/run.py)."""

    def __init__(self, run: ConsoleRun, changed: threading.Condition) -> None:
        self.run = run
        self.changed = changed

    def handle(self, event: Event) -> None:
        with self.changed:
            r = self.run
            if isinstance(event, SuiteStarted):
                r.current_suite = event.suite
                r.suite_operations = set()
            elif isinstance(event, SuiteFinished):
                r.suites_done.append(event.suite)
                r.current_suite = ""
            elif isinstance(event, CheckResult):
                r.counts[event.status] = r.counts.get(event.status, 0) + 1
                if event.operation:
                    r.suite_operations.add(event.operation)
            elif isinstance(event, Finding):
                r.findings.append(event.to_dict())
            r.version += 1
            self.changed.notify_all()
            if r.cancel_requested:
                raise RunCancelled()

    def close(self, run: Any) -> None:
        with self.changed:
            self.run.verdict = str(run.verdict)
            self.run.version += 1
            self.changed.notify_all()


def new_run_id(role: str, n: int) -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{role}-{n}"


class RunQueue:
    """Runs waiting and done, and the worker that runs them in order."""

    def __init__(self, runs_dir: Path) -> None:
        self.runs_dir = runs_dir
        self.runs: dict[str, ConsoleRun] = {}
        self.changed = threading.Condition()
        self._pending: queue.Queue[ConsoleRun | None] = queue.Queue()
        self._counter = 0
        self._worker: threading.Thread | None = None

    def submit(self, req: RunRequest) -> ConsoleRun:
        with self.changed:
            self._counter += 1
            run_id = new_run_id(req.role, self._counter)
            run = ConsoleRun(run_id, req, self.runs_dir / run_id)
            self.runs[run_id] = run
            self.changed.notify_all()
        self._pending.put(run)
        self._ensure_worker()
        return run

    def cancel(self, run_id: str) -> ConsoleRun | None:
        with self.changed:
            run = self.runs.get(run_id)
            if run is None or not run.active:
                return run
            run.cancel_requested = True
            if run.state == "queued":
                self._end(run, "cancelled")
            run.version += 1
            self.changed.notify_all()
        return run

    def get(self, run_id: str) -> ConsoleRun | None:
        return self.runs.get(run_id)

    def newest_first(self) -> list[ConsoleRun]:
        with self.changed:
            return sorted(self.runs.values(), key=lambda r: r.created, reverse=True)

    def wait_change(self, run: ConsoleRun, seen: int, timeout: float) -> int:
        with self.changed:
            if run.version == seen:
                self.changed.wait(timeout)
            return run.version

    def stop(self) -> None:
        with self.changed:
            for run in self.runs.values():
                if run.active:
                    run.cancel_requested = True
            self.changed.notify_all()  # wakes the event streams, which then see the console closing
        self._pending.put(None)

    def _ensure_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="console-runs", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            run = self._pending.get()
            if run is None:
                return
            if run.cancel_requested:
                continue
            self._execute(run)

    def _execute(self, run: ConsoleRun) -> None:
        from harness.auth import AuthConfig
        from harness.verification import run_verification

        with self.changed:
            run.state = "running"
            run.started = time.time()
            run.operations_total = _operation_count(run.request.role)
            run.version += 1
            self.changed.notify_all()
        req = run.request
        try:
            auth = AuthConfig.load(req.auth_file) if req.auth_file else None
            run_verification(
                req.role,
                req.target,
                req.suites,
                run.report_dir,
                auth=auth,
                options=req.options,
                console=False,
                writers=[LiveWriter(run, self.changed)],
            )
            outcome, message = "finished", ""
        except RunCancelled:
            outcome, message = "cancelled", ""
        except InteropError as exc:
            outcome, message = "error", str(exc)
        except Exception as exc:  # a harness bug must not kill the worker: the page says what
            outcome, message = "error", f"{type(exc).__name__}: {exc}"
        finally:
            if req.auth_file is not None:
                req.auth_file.unlink(missing_ok=True)  # it may hold secrets
        with self.changed:
            run.error = message
            self._end(run, outcome)
            self.changed.notify_all()

    @staticmethod
    def _end(run: ConsoleRun, state: str) -> None:
        run.state = state
        run.ended = time.time()
        run.current_suite = ""
        run.version += 1


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _operation_count(role: str) -> int:
    """How many operations the role's document has: the yardstick of a suite's progress."""
    from simulators.core.spec import load_spec

    try:
        paths = load_spec(role).get("paths", {})
    except Exception:  # an unknown role fails in the run itself, with its own message
        return 0
    return sum(1 for item in paths.values() if isinstance(item, dict) for m in item if m in HTTP_METHODS)
