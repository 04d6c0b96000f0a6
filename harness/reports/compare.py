"""Side-by-side comparison of several products' reports, interaction by interaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.errors import InteropError
from harness.reports.html import _env, suite_score


def load_report(path: Path) -> dict[str, Any]:
    file = path / "report.json" if path.is_dir() else path
    if not file.is_file():
        raise InteropError(f"no report.json in {path}")
    try:
        return json.loads(file.read_text())
    except ValueError as exc:
        raise InteropError(f"{file} is not valid JSON: {exc}") from exc


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
                    status = c["status"]
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
    return {"labels": labels, "reports": reports, "rows": rows, "suites": suites, "scores": scores}


def write_comparison(paths: list[Path], out: Path) -> dict[str, Any]:
    if len(paths) < 1:
        raise InteropError("give at least one report folder to compare")
    reports = [load_report(p) for p in paths]
    roles = {r.get("role") for r in reports}
    labels = [f"{r.get('target')} ({p})" for r, p in zip(reports, paths, strict=True)]
    data = comparison(reports, labels)
    data["roles"] = sorted(x for x in roles if x)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_env().get_template("compare.html.j2").render(c=data), encoding="utf-8")
    return data
