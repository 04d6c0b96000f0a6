"""How a broken domain rule becomes a problem response: one `Violation` type for every rule module.

The first violation names the problem's `rule`; every violation is listed in `errors` (field and
message) and its id in `rules`, so a client sees all it must fix in one round trip. Messages
describe the rule and echo only codes, never report text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulators.core.problems import Problem


@dataclass(frozen=True)
class Violation:
    """One broken rule: its stable id, the field it concerns, and a plain message."""

    rule: str
    field: str
    message: str


def raise_violations(violations: Sequence[Violation], kind: str = "business-rule") -> None:
    """Raise one problem naming every violation (no-op when there are none)."""
    if not violations:
        return
    first = violations[0]
    detail = first.message[0].upper() + first.message[1:] + f" (rule {first.rule})."
    if len(violations) > 1:
        detail += f" {len(violations) - 1} more rule(s) broken: see errors."
    raise Problem(
        kind,
        detail,
        rule=first.rule,
        errors=[{"field": v.field, "message": f"{v.rule}: {v.message}"} for v in violations],
        rules=[v.rule for v in violations],
    )
