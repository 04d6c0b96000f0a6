"""Live progress and the closing summary on the terminal (rich, to standard error).

Text from the target is escaped for rich markup and stripped of terminal escape sequences
(safe.one_line), so a product cannot recolour, retitle or rewrite the tester's terminal; each
failure gets one line saying why.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.engine.events import CheckResult, Finding, SuiteFinished, SuiteStarted
from harness.reports.safe import one_line
from harness.reports.verdicts import inconclusive_causes, label

COLOURS = {"pass": "green", "fail": "red", "inconclusive": "yellow"}
SAME = 100  # a finding whose reason starts like a failed check's printed one is not printed again


def plain(text: Any, limit: int | None = None) -> str:
    """Target-influenced text as one safe line of rich markup source."""
    return escape(one_line(text) if limit is None else one_line(text, limit))


def _key(why: str) -> str:
    return why.removesuffix(" ...")[:SAME]


class ConsoleWriter:
    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._said: set[str] = set()  # reasons already printed for a failed check (not repeated)

    def _line(self, text: str) -> None:
        self.console.print(text, highlight=False, soft_wrap=True, emoji=False)

    def handle(self, event: Any) -> None:
        if isinstance(event, SuiteStarted):
            self._line(f"[bold]> {plain(event.suite)}[/] ...")
        elif isinstance(event, CheckResult) and event.status == "failed":
            why = plain(event.message) or "no reason given (see the findings)"
            self._said.add(_key(why))
            self._line(f"  [red]FAILED[/] {plain(event.name)}: {why}")
        elif isinstance(event, Finding):
            colour = "red" if event.severity == "error" else "yellow"
            where = f"{plain(event.operation)} " if event.operation else ""
            why = plain(event.detail)
            if why and _key(why) in self._said:
                return  # the failed check's line already said this
            self._line(
                f"  [{colour}]{plain(event.severity).upper()}[/] {where}{plain(event.title)}"
                + (f": {why}" if why else "")
            )
        elif isinstance(event, SuiteFinished):
            self._line(
                f"  {plain(event.suite)}: {event.passed} passed, {event.failed} failed, "
                f"{event.skipped} not judged (skipped)"
            )

    def close(self, run: Any) -> None:
        verdict = run.verdict
        colour = COLOURS.get(verdict, "red")
        causes = inconclusive_causes(run.summary())
        self._line(f"verdict: [bold {colour}]{escape(label(verdict))}[/]")
        if causes:
            self._line("could not be judged:")
            for c in causes:
                detail = plain(c["detail"], 1000)
                self._line(f"  [yellow]-[/] {plain(c['cause'])}" + (f": {detail}" if detail else ""))
        table = Table(title=escape(one_line(f"{run.ctx.role} at {run.ctx.target}")))
        for col in ("suite", "passed", "failed", "not judged"):
            table.add_column(col)
        for s in run.suites:
            table.add_row(plain(s.suite), str(s.passed), str(s.failed), str(s.skipped))
        self.console.print(table)
        errors = sum(f.severity == "error" for f in run.findings)
        warnings = sum(f.severity == "warning" for f in run.findings)
        self._line(
            f"verdict: [bold {colour}]{escape(label(verdict))}[/] ({errors} errors, {warnings} warnings); "
            f"reports in {plain(run.ctx.report_dir, 1000)}"
        )
