"""report.html: one self-contained page a procurement board can read (no scripts, no network).

Everything a target sent is data: the templates are autoescaped, every string of the summary is
bounded and has its control characters made visible (harness/reports/safe.py), and the page
carries a Content-Security-Policy that allows no script at all and only its own stylesheet.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from harness.load.charts import load_charts
from harness.reports.coverage import coverage
from harness.reports.safe import bounded
from harness.reports.verdicts import inconclusive_causes, label, roles


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("harness.reports", "templates"),
        autoescape=True,  # every template is HTML; target data must never become markup
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(verdict_label=label, load_charts=load_charts, **page_style(env))
    return env


def page_style(env: Environment) -> dict[str, Any]:
    """The pages' stylesheet and the CSP that allows exactly it (by hash) and nothing else."""
    css = env.get_template("_style.css.j2").render()
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; script-src 'none'; object-src 'none'; img-src 'none'; "
        f"style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    return {"page_css": Markup(css), "page_csp": csp}  # our own constant text, no target data


def suite_score(suite: dict[str, Any]) -> int | None:
    ran = suite.get("passed", 0) + suite.get("failed", 0)
    return round(100 * suite.get("passed", 0) / ran) if ran else None


def render_report(summary: dict[str, Any]) -> str:
    s = bounded(summary)
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {
        "error": defaultdict(list),
        "warning": defaultdict(list),
    }
    for f in s.get("findings", []):
        grouped.setdefault(f.get("severity", "error"), defaultdict(list))[
            f.get("operation") or "(whole product)"
        ].append(f)
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            s=s,
            scores={x["name"]: suite_score(x) for x in s.get("suites", [])},
            grouped={k: dict(sorted(v.items())) for k, v in grouped.items() if k in ("error", "warning")},
            cov=coverage(s),
            causes=inconclusive_causes(s),
            roles=roles(s),
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
