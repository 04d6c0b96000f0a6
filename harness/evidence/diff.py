"""What changed between two evidence packs: requirements that went from met to not met (and back),
problems that are new and problems that are gone. For a vendor's fix, or a new product version."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader

from harness.reports.html import page_style
from harness.reports.safe import bounded


def _problem_key(p: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (p["role"], p.get("requirement") or "", p["check"], p["title"], str(p.get("status")))


def diff_results(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    before = {e["id"]: e for e in a.get("requirements", [])}
    after = {e["id"]: e for e in b.get("requirements", [])}
    changed = []
    for rid in sorted(before.keys() | after.keys()):
        old, new = before.get(rid), after.get(rid)
        was = old["status"] if old else "not assessed"
        now = new["status"] if new else "not assessed"
        if was != now:
            entry = new or old
            assert entry is not None
            changed.append(
                {
                    "id": rid,
                    "statement": entry["statement"],
                    "level": entry["level"],
                    "before": was,
                    "after": now,
                }
            )
    pa = {_problem_key(p): p for p in a.get("problems", [])}
    pb = {_problem_key(p): p for p in b.get("problems", [])}
    return {
        "a": {"product": a.get("product", {}), "verdict": a.get("verdict")},
        "b": {"product": b.get("product", {}), "verdict": b.get("verdict")},
        "requirements": changed,
        "now_not_met": [c for c in changed if c["after"] == "not met"],
        "now_met": [c for c in changed if c["before"] == "not met" and c["after"] == "met"],
        "new_problems": [pb[k] for k in sorted(pb.keys() - pa.keys())],
        "gone_problems": [pa[k] for k in sorted(pa.keys() - pb.keys())],
    }


def render_diff(d: dict[str, Any], name_a: str, name_b: str) -> str:
    env = Environment(
        loader=PackageLoader("harness.evidence", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(page_style(env))
    return env.get_template("diff.html.j2").render(d=bounded(d), a=name_a, b=name_b)
