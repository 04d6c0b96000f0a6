"""The figures a benchmark run produces, the table they print as, and results.json.

Every figure is a value measured in this run, with (where it has one) a baseline measured in the
same run and their ratio: absolute times vary between machines, ratios are what we track.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

NOT_AVAILABLE = "not available"


@dataclass
class Figure:
    """One row of the table.

    `met` is True/False against `target`, None when the row has no target or could not be measured
    (then `note` says why).
    """

    part: str
    name: str
    value: float | None
    unit: str = ""
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def missed(self) -> bool:
        return self.met is False


@dataclass
class BenchReport:
    """All figures of one run, with how they were measured."""

    figures: list[Figure] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)

    def add(self, figures: Figure | Iterable[Figure]) -> None:
        if isinstance(figures, Figure):
            self.figures.append(figures)
        else:
            self.figures.extend(figures)

    @property
    def misses(self) -> list[Figure]:
        return [f for f in self.figures if f.missed]

    def to_json(self) -> dict[str, Any]:
        return {
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "context": self.context,
            "figures": [asdict(f) for f in self.figures],
            "misses": [f.name for f in self.misses],
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    def table(self) -> Table:
        table = Table(
            title="interop benchmarks (ratios against baselines measured in the same run)",
            title_justify="left",
        )
        table.add_column("figure", no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("baseline", justify="right", no_wrap=True)
        table.add_column("ratio", justify="right", no_wrap=True)
        table.add_column("target", no_wrap=True)
        table.add_column("met", no_wrap=True)
        table.add_column("note", style="dim", overflow="fold")
        part = None
        for f in self.figures:
            if f.part != part:
                if part is not None:
                    table.add_section()
                part = f.part
            table.add_row(
                f"[red]{escape(f.name)}[/]" if f.missed else escape(f.name),
                fmt_value(f.value, f.unit),
                fmt_value(f.baseline, f.unit) if f.baseline is not None else "",
                fmt_ratio(f.ratio),
                f.target,
                _met_cell(f),
                escape(f.note),
            )
        return table

    def print(self, console: Console) -> None:
        console.print(self.table())
        misses = self.misses
        if misses:
            names = escape("; ".join(f.name for f in misses))
            console.print(f"[red]{len(misses)} target(s) missed:[/] {names}")
        else:
            console.print("[green]every target with a figure was met[/]")


def _met_cell(f: Figure) -> str:
    if f.met is True:
        return "[green]yes[/]"
    if f.met is False:
        return "[bold red]MISSED[/]"
    return "[dim]-[/]" if f.value is not None else f"[yellow]{NOT_AVAILABLE}[/]"


def fmt_value(value: float | None, unit: str = "") -> str:
    """A number with a sensible number of digits, and its unit."""
    if value is None:
        return NOT_AVAILABLE
    if value == 0:
        text = "0"
    elif abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return ""
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.1f}x"


def ratio_of(value: float | None, baseline: float | None) -> float | None:
    """value / baseline, None when either is missing or the baseline is zero."""
    if value is None or not baseline:
        return None
    return value / baseline


def at_least(value: float | None, bound: float) -> bool | None:
    return None if value is None else value >= bound


def below(value: float | None, bound: float) -> bool | None:
    return None if value is None else value < bound
