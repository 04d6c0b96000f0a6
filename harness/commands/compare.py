"""`interop compare`: several products' reports side by side, for a force comparing bidders."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from harness.cli_values import PathValue
from harness.reports.compare import write_comparison


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare(
        report_dirs: list[Path] = typer.Argument(
            ...,
            parser=PathValue("path", must_exist=True),
            help="Report folders (each with report.json), or report.json files.",
        ),
        out: Path = typer.Option(
            Path("interop-compare.html"),
            "--out",
            parser=PathValue("file", must_exist=False),
            help="The comparison page to write.",
        ),
    ) -> None:
        """Write one page setting several products' results side by side, interaction by interaction."""
        data = write_comparison(report_dirs, out)
        Console(stderr=True).print(
            f"compared {len(data['reports'])} reports ({len(data['rows'])} checks) -> {escape(str(out))}"
        )
