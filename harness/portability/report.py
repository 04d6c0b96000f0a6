"""The migration rehearsal's report.json and report.html (docs/portability.md, "Migration rehearsal").

Everything in it came from the two products (names, values, refusal details), so the summary is
bounded and made visible (harness/reports/safe.py) and the page is rendered with the reports'
autoescaping templates and script-free Content-Security-Policy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.reports.safe import bounded

ROWS = 500  # rows of one table on the page; report.json holds them all


def render_rehearsal(summary: dict[str, Any]) -> str:
    from harness.reports.html import _env

    return _env().get_template("migration.html.j2").render(r=bounded(summary), rows=ROWS)


def write_rehearsal(summary: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    data, page = out_dir / "report.json", out_dir / "report.html"
    data.write_text(json.dumps(bounded(summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    page.write_text(render_rehearsal(summary), encoding="utf-8")
    return data, page
