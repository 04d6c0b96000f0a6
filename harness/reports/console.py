"""Live progress and the closing summary on the terminal (rich, to standard error)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from harness.engine.events import Finding, SuiteFinished, SuiteStarted


class ConsoleWriter:
    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)

    def handle(self, event: Any) -> None:
        if isinstance(event, SuiteStarted):
            self.console.print(f"[bold]> {event.suite}[/] ...")
        elif isinstance(event, Finding):
            colour = "red" if event.severity == "error" else "yellow"
            self.console.print(
                f"  [{colour}]{event.severity.upper()}[/] {event.operation} {event.title}",
                highlight=False,
                soft_wrap=True,
            )
        elif isinstance(event, SuiteFinished):
            self.console.print(
                f"  {event.suite}: {event.passed} passed, {event.failed} failed, {event.skipped} skipped",
                highlight=False,
            )

    def close(self, run: Any) -> None:
        table = Table(title=f"{run.ctx.role} at {run.ctx.target}")
        for col in ("suite", "passed", "failed", "skipped"):
            table.add_column(col)
        for s in run.suites:
            table.add_row(s.suite, str(s.passed), str(s.failed), str(s.skipped))
        self.console.print(table)
        errors = sum(f.severity == "error" for f in run.findings)
        warnings = sum(f.severity == "warning" for f in run.findings)
        colour = "green" if run.verdict == "pass" else "red"
        self.console.print(
            f"verdict: [bold {colour}]{run.verdict.upper()}[/] ({errors} errors, {warnings} warnings); "
            f"reports in {run.ctx.report_dir}",
            highlight=False,
        )
