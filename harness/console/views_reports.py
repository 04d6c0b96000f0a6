"""The reports page: every run's report.html, comparisons of several runs, evidence packs.

Everything is served from the console's runs folder under INTEROP_HOME. The files are the
harness's own self-contained pages; they are served with a policy that allows no script at all.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_from_directory, url_for

from harness.console.security import REPORT_CSP
from harness.console.state import state
from harness.errors import InteropError

bp = Blueprint("reports", __name__, url_prefix="/reports")
COMPARISONS = "comparisons"


def _runs_dir() -> Path:
    return state().settings.runs_dir


def _run_dir(run_id: str) -> Path:
    """A direct child folder of the runs folder, by name only (no path walks out of it)."""
    if not run_id or run_id.startswith(".") or "/" in run_id or "\\" in run_id or run_id == COMPARISONS:
        abort(404)
    folder = _runs_dir() / run_id
    if not folder.is_dir():
        abort(404, "no such run folder")
    return folder


def _summary(folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"id": folder.name, "has_html": (folder / "report.html").is_file()}
    out["evidence"] = (folder / "manifest.json").is_file() or any(
        (sub / "manifest.json").is_file() for sub in folder.iterdir() if sub.is_dir()
    )
    try:
        report = json.loads((folder / "report.json").read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return out
    if isinstance(report, dict):
        for key in ("role", "target", "verdict", "started_at", "finished_at"):
            value = report.get(key)
            out[key] = str(value)[:300] if value is not None else ""
        out["findings"] = len(report.get("findings") or []) if isinstance(report.get("findings"), list) else 0
        out["has_json"] = True
    return out


@bp.get("")
def page() -> Any:
    runs_dir = _runs_dir()
    folders = (
        sorted(
            (
                p
                for p in runs_dir.iterdir()
                if p.is_dir() and p.name != COMPARISONS and not p.name.startswith(".")
            ),
            key=lambda p: p.name,
            reverse=True,
        )
        if runs_dir.is_dir()
        else []
    )
    comparisons = sorted((runs_dir / COMPARISONS).glob("*.html"), reverse=True) if runs_dir.is_dir() else []
    return render_template(
        "reports.html.j2",
        reports=[_summary(p) for p in folders],
        comparisons=[c.name for c in comparisons],
        runs_dir=runs_dir,
    )


@bp.get("/<run_id>/")
def folder(run_id: str) -> Any:
    base = _run_dir(run_id)
    files = sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
    return render_template("folder.html.j2", run_id=run_id, files=files)


@bp.get("/<run_id>/<path:name>")
def file(run_id: str, name: str) -> Any:
    resp = send_from_directory(_run_dir(run_id), name)  # refuses paths out of the folder
    resp.headers["Content-Security-Policy"] = REPORT_CSP
    return resp


@bp.post("/compare")
def compare() -> Any:
    from harness.reports.compare import write_comparison

    chosen = [_run_dir(r) for r in request.form.getlist("run") if r]
    if len(chosen) < 2:
        flash("choose at least two runs with a report to compare", "error")
        return redirect(url_for("reports.page"))
    name = f"compare-{secrets.token_hex(4)}.html"
    try:
        write_comparison(chosen, _runs_dir() / COMPARISONS / name)
    except InteropError as exc:
        flash(str(exc), "error")
        return redirect(url_for("reports.page"))
    return redirect(url_for("reports.comparison", name=name))


@bp.get("/comparisons/<name>")
def comparison(name: str) -> Any:
    resp = send_from_directory(_runs_dir() / COMPARISONS, name)
    resp.headers["Content-Security-Policy"] = REPORT_CSP
    return resp
