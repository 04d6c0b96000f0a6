"""Writers of the event stream: console, report.json, junit.xml, report.html."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.reports.console import ConsoleWriter
from harness.reports.json_report import JsonWriter
from harness.reports.junit import JUnitWriter


def default_writers(report_dir: Path, console: bool = True) -> list[Any]:
    writers: list[Any] = [JsonWriter(report_dir), JUnitWriter(report_dir)]
    try:
        from harness.reports.html import HtmlWriter

        writers.append(HtmlWriter(report_dir))
    except ImportError:  # pragma: no cover - html writer optional during development
        pass
    if console:
        writers.insert(0, ConsoleWriter())
    return writers
