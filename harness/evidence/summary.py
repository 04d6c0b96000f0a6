"""summary.html, the one-page board summary of an acceptance, and its PDF (headless Chromium).

Everything from the product is data: the page is autoescaped, its strings bounded, and it carries
the same script-forbidding Content-Security-Policy as report.html.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from harness.engine.verdict import LABELS
from harness.reports.html import page_style
from harness.reports.safe import bounded

WORDS = {"met": "met", "not met": "NOT MET", "not judged": "not judged", "not testable": "not testable"}
PDF_TIMEOUT_S = 120


def render_summary(results: dict[str, Any], manifest: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("harness.evidence", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(page_style(env), role_label=lambda v: LABELS.get(str(v), str(v)))
    r, m = bounded(results), bounded(manifest)
    problems: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in r.get("problems", []):
        if p.get("requirement"):
            problems[p["requirement"]].append(p)
    return env.get_template("summary.html.j2").render(
        r=r, m=m, label=LABELS.get(r["verdict"], r["verdict"]), words=WORDS, problems=problems
    )


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(html: Path, pdf: Path) -> str | None:
    """Print `html` to `pdf` with headless Chromium; None when done, else why not (for the manifest)."""
    binary = chromium_binary()
    if binary is None:
        return "chromium is not installed here, so no summary.pdf was written (print summary.html instead)"
    with tempfile.TemporaryDirectory(prefix="interop-pdf-") as profile:
        cmd = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"chromium could not print summary.pdf ({type(exc).__name__})"
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        pdf.unlink(missing_ok=True)
        return f"chromium could not print summary.pdf (exit {done.returncode})"
    return None
