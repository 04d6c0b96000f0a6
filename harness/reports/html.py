"""report.html: one self-contained page a procurement board can read (no scripts, no network)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from harness.reports.coverage import coverage


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("harness.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def suite_score(suite: dict[str, Any]) -> int | None:
    ran = suite["passed"] + suite["failed"]
    return round(100 * suite["passed"] / ran) if ran else None


def render_report(summary: dict[str, Any]) -> str:
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {
        "error": defaultdict(list),
        "warning": defaultdict(list),
    }
    for f in summary["findings"]:
        grouped[f["severity"]][f.get("operation") or "(whole product)"].append(f)
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            s=summary,
            scores={s["name"]: suite_score(s) for s in summary["suites"]},
            grouped={k: dict(sorted(v.items())) for k, v in grouped.items()},
            cov=coverage(summary),
        )
    )


class HtmlWriter:
    def __init__(self, report_dir: Path) -> None:
        self.path = Path(report_dir) / "report.html"

    def handle(self, event: Any) -> None:
        """Rendered at close from the run summary."""

    def close(self, run: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(render_report(run.summary()), encoding="utf-8")
