"""The three verdicts as every writer names them, and the summary parts that explain them.

`pass`: the product conforms; `fail`: it does not (at least one error finding); `inconclusive`:
the harness could not judge something the role requires, listed with the cause first.
"""

from __future__ import annotations

from typing import Any

from harness.engine.verdict import LABELS


def label(verdict: Any) -> str:
    """What a reader sees for a verdict; an unknown one is shown as is, never as CONFORMS."""
    return LABELS.get(str(verdict), str(verdict).upper() or "UNKNOWN")


def inconclusive_causes(summary: dict[str, Any]) -> list[dict[str, str]]:
    """What could not be judged and why (`summary["inconclusive"]`), as {"cause", "detail"} items."""
    out = []
    for item in summary.get("inconclusive") or []:
        if isinstance(item, dict):
            out.append({"cause": str(item.get("cause", "")), "detail": str(item.get("detail", ""))})
        else:
            out.append({"cause": str(item), "detail": ""})
    return out


def roles(summary: dict[str, Any]) -> list[dict[str, str]]:
    """Each role of the run with its URL and origin (target, given or reference), sorted by role."""
    found = summary.get("roles") or {}
    if not isinstance(found, dict):
        return []
    return [
        {
            "role": str(name),
            "url": str((info or {}).get("url", "")),
            "origin": str((info or {}).get("origin", "")),
        }
        for name, info in sorted(found.items())
        if isinstance(info, dict | type(None))
    ]
