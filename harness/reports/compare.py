"""Side-by-side comparison of several products' reports, interaction by interaction.

A report.json may come from anyone (a vendor sends theirs), so everything read from it is
bounded and shown as text, like the target data in report.html.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.errors import InteropError
from harness.reports.html import _env, suite_score
from harness.reports.safe import bounded
from harness.reports.verdicts import inconclusive_causes

CELL = {"skipped": "not judged"}


def load_report(path: Path) -> dict[str, Any]:
    file = path / "report.json" if path.is_dir() else path
    if not file.is_file():
        raise InteropError(f"no report.json in {path}")
    try:
        report = json.loads(file.read_text(encoding="utf-8", errors="replace"))
    except ValueError as exc:
        raise InteropError(f"{file} is not valid JSON: {exc}") from exc
    if not isinstance(report, dict):
        raise InteropError(f"{file} is not an interop report (expected a JSON object)")
    return _well_formed(bounded(report))


def _well_formed(report: dict[str, Any]) -> dict[str, Any]:
    """Only the list entries the page can show: objects, with text where it expects text."""
    for key in ("checks", "findings", "suites"):
        items = report.get(key)
        report[key] = [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []
    report["checks"] = [
        {**c, **{k: str(c.get(k, "")) for k in ("suite", "group", "name", "status")}}
        for c in report["checks"]
    ]
    report["findings"] = [
        {**f, **{k: str(f.get(k, "")) for k in ("suite", "operation", "check", "title", "severity")}}
        for f in report["findings"]
    ]
    report["suites"] = [
        {
            **s,
            "name": str(s.get("name", "")),
            **{k: _count(s.get(k)) for k in ("passed", "failed", "skipped")},
        }
        for s in report["suites"]
    ]
    return report


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def comparison(reports: list[dict[str, Any]], labels: list[str]) -> dict[str, Any]:
    """Rows = every check seen in any report (suite, group, name); cells = each product's result."""
    keys: dict[tuple[str, str, str], None] = {}
    for rep in reports:
        for c in rep.get("checks", []):
            keys.setdefault((c["suite"], c.get("group", ""), c["name"]), None)
        for f in rep.get("findings", []):
            keys.setdefault((f["suite"], f.get("operation", ""), f"{f['check']}: {f['title']}"), None)
    rows = []
    for key in sorted(keys):
        cells = []
        for rep in reports:
            status = "not run"
            for c in rep.get("checks", []):
                if (c["suite"], c.get("group", ""), c["name"]) == key:
                    status = CELL.get(c["status"], c["status"])
                    break
            else:
                for f in rep.get("findings", []):
                    if (f["suite"], f.get("operation", ""), f"{f['check']}: {f['title']}") == key:
                        status = "failed" if f["severity"] == "error" else "warning"
                        break
            cells.append(status)
        rows.append({"suite": key[0], "group": key[1], "name": key[2], "cells": cells})
    suites = sorted({s["name"] for rep in reports for s in rep.get("suites", [])})
    scores = [{s["name"]: suite_score(s) for s in rep.get("suites", [])} for rep in reports]
    causes = [inconclusive_causes(rep) for rep in reports]
    return {
        "labels": labels,
        "reports": reports,
        "rows": rows,
        "suites": suites,
        "scores": scores,
        "causes": causes,
        "any_inconclusive": any(
            rep.get("verdict") == "inconclusive" or c for rep, c in zip(reports, causes, strict=True)
        ),
    }


def write_comparison(paths: list[Path], out: Path) -> dict[str, Any]:
    if len(paths) < 1:
        raise InteropError("give at least one report folder to compare")
    reports = [load_report(p) for p in paths]
    roles = {str(r.get("role")) for r in reports if r.get("role")}
    labels = [f"{r.get('target')} ({p})" for r, p in zip(reports, paths, strict=True)]
    data = comparison(reports, labels)
    data["roles"] = sorted(roles)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_env().get_template("compare.html.j2").render(c=data), encoding="utf-8")
    return data
