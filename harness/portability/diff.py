"""Two copies of one record compared field by field, each difference said the way a data-migration
lead reads it: a value dropped, a value normalised (the same identifier or postcode written
another way), a value changed, or a value that appeared.

Nested objects are compared field by field (`address.postcode`); lists are compared whole
(`aliases`), because a list that lost one alias has lost it whatever the order of the rest; a
list of objects in any order (the standard orders no links, aliases or warning markers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from simulators.domain.identifiers import normalise_cro_number, normalise_pnc_id, normalise_postcode

Kind = Literal["dropped", "normalised", "changed", "added"]
KINDS: tuple[Kind, ...] = ("dropped", "changed", "normalised", "added")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its dotted path, the value before and after, and what kind of change."""

    field: str
    kind: Kind
    before: Any
    after: Any


def _canon_instant(v: str) -> str:
    return datetime.fromisoformat(v.replace("Z", "+00:00")).isoformat()


# How a field's value is written canonically: two values with the same canonical form are the
# same fact written another way (a normalised identifier), not a changed one.
CANONICAL: dict[str, Callable[[str], str]] = {
    "pnc_id": normalise_pnc_id,
    "cro_number": normalise_cro_number,
    "postcode": normalise_postcode,
}
INSTANTS = frozenset({"at", "occurred_from", "occurred_to"})  # besides every `*_at` field


def empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _canonical(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    leaf = name.rsplit(".", 1)[-1]
    fix = CANONICAL.get(leaf)
    if fix is None and (leaf in INSTANTS or leaf.endswith("_at")):
        fix = _canon_instant
    try:
        return fix(value) if fix else " ".join(value.split()).casefold()
    except (ValueError, TypeError, AttributeError):
        return value


def classify(name: str, before: Any, after: Any) -> Kind:
    if empty(after) and not empty(before):
        return "dropped"
    if empty(before) and not empty(after):
        return "added"
    if _canonical(name, before) == _canonical(name, after):
        return "normalised"
    return "changed"


def _unordered(value: Any) -> Any:
    """A list of objects in a fixed order: the standard gives links, aliases and markers no order."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return sorted(value, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value


def diff(
    before: Any, after: Any, *, ignore: frozenset[str] = frozenset(), prefix: str = ""
) -> list[FieldChange]:
    """Every field of `before` and `after` (dicts) whose values differ, with its kind of change.

    A field missing on one side counts as empty there. `ignore` names top-level fields never
    compared (derived ones, and fields one representation has and the other does not).
    """
    if not isinstance(before, dict) or not isinstance(after, dict):
        if before == after:
            return []
        return [FieldChange(prefix or "(whole record)", classify(prefix, before, after), before, after)]
    out: list[FieldChange] = []
    for name in [*before, *(k for k in after if k not in before)]:
        if not prefix and name in ignore:
            continue
        path = f"{prefix}.{name}" if prefix else name
        a, b = _unordered(before.get(name)), _unordered(after.get(name))
        if a == b or (empty(a) and empty(b)):
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(diff(a, b, prefix=path))
        else:
            out.append(FieldChange(path, classify(path, a, b), a, b))
    return out
