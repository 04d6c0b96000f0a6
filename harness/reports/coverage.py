"""The standard's coverage in a run: which operations were judged by checks that actually ran.

Only checks that ran (passed or failed) and findings count as exercising an operation; a skipped
check is listed as "not judged" with its reason, never as coverage. An operation that no check
reached shows 0%.
"""

from __future__ import annotations

from typing import Any

from simulators.core.spec import load_spec

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
RAN = ("passed", "failed")


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


def percent(part: int, whole: int) -> int:
    """Rounded share; nothing to count is 0%, never "n/a" passed off as covered."""
    return round(100 * part / whole) if whole else 0


def coverage(summary: dict[str, Any]) -> dict[str, Any]:
    """Per operation of the standard: checks that ran and checks not judged (with their reasons)."""
    checks = [c for c in summary.get("checks", []) if isinstance(c, dict)]
    ops = spec_operations(str(summary.get("role", "")))
    ran: dict[str, int] = {}
    skipped: dict[str, list[str]] = {}
    for c in checks:
        op = c.get("operation") or ""
        if c.get("status") in RAN:
            ran[op] = ran.get(op, 0) + 1
        elif c.get("status") == "skipped":
            skipped.setdefault(op, []).append(c.get("message") or "skipped without a reason")
    judged_by_finding = {
        f.get("operation") for f in summary.get("findings", []) if isinstance(f, dict) and f.get("operation")
    }
    rows: list[dict[str, Any]] = []
    for op in ops:
        reasons = skipped.get(op, [])
        n_ran = ran.get(op, 0) or (1 if op in judged_by_finding else 0)  # a finding is a judgment made
        exercised = n_ran > 0
        rows.append(
            {
                "operation": op,
                "exercised": exercised,
                "checks_ran": n_ran,
                "checks_not_judged": len(reasons),
                "percent": percent(n_ran, n_ran + len(reasons)),
                "not_judged_reasons": sorted(set(reasons)),
                "status": "exercised" if exercised else ("not judged" if reasons else "not reached"),
            }
        )
    not_judged = [
        {
            "suite": c.get("suite", ""),
            "name": c.get("name", ""),
            "group": c.get("group", ""),
            "operation": c.get("operation", ""),
            "reason": c.get("message") or "skipped without a reason",
            "required": c.get("required", True) is not False,
        }
        for c in checks
        if c.get("status") == "skipped"
    ]
    exercised_total = sum(r["exercised"] for r in rows)
    return {
        "operations": rows,
        "operations_exercised": exercised_total,
        "operations_total": len(rows),
        "operations_percent": percent(exercised_total, len(rows)),
        "checks_ran": sum(c.get("status") in RAN for c in checks),
        "not_judged": not_judged,
        "interactions": [c for c in checks if c.get("suite") == "contracts"],
        "scenario_steps": [c for c in checks if c.get("suite") == "scenarios"],
    }
