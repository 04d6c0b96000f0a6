"""The standard's coverage in a run: which operations and interactions were exercised."""

from __future__ import annotations

from typing import Any

from simulators.core.spec import load_spec

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def spec_operations(role: str) -> list[str]:
    """Every operation of the role's published document, as `METHOD /path`."""
    try:
        spec = load_spec(role)
    except (FileNotFoundError, ValueError):
        return []
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                ops.append(f"{method.upper()} {path}")
    return sorted(ops)


def coverage(summary: dict[str, Any]) -> dict[str, Any]:
    """Operations of the standard exercised by any check, and the pact interactions run."""
    ops = spec_operations(summary["role"])
    exercised = {c["operation"] for c in summary.get("checks", []) if c.get("operation")}
    exercised |= {f["operation"] for f in summary.get("findings", []) if f.get("operation")}
    rows = [{"operation": op, "exercised": op in exercised} for op in ops]
    interactions = [c for c in summary.get("checks", []) if c["suite"] == "contracts"]
    steps = [c for c in summary.get("checks", []) if c["suite"] == "scenarios"]
    return {
        "operations": rows,
        "operations_exercised": sum(r["exercised"] for r in rows),
        "operations_total": len(rows),
        "interactions": interactions,
        "scenario_steps": steps,
    }
