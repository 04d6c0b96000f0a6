"""What an export or a migration lost: entities missing, invented, or changed field by field.

Used by the portability suite (an export against the product's own reads and the known data put
in, and a reference system's read-back against the export) and by `interop migrate` (a target's
read-back against the source's export).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from harness.portability.diff import FieldChange, diff
from harness.portability.entities import READ_ONLY_FIELDS, EntityKind
from harness.portability.lines import Problem
from harness.portability.verdicts import change_detail, change_title

Reader = Callable[[EntityKind, str], tuple[int | None, dict[str, Any] | None]]


class ProductReader:
    """Reads one entity through a product's standard read-one operation: (status, body or None)."""

    def __init__(self, base_url: str, tokens: Any) -> None:
        self.base = base_url.rstrip("/")
        self.tokens = tokens
        self.http = requests.Session()

    def __call__(self, kind: EntityKind, key: str) -> tuple[int | None, dict[str, Any] | None]:
        token = self.tokens.token(list(kind.read_scopes))
        if not token:
            return None, None
        headers = {**dict(getattr(self.tokens, "headers", {}) or {}), "Authorization": f"Bearer {token}"}
        try:
            resp = self.http.get(self.base + kind.read.replace("{id}", key), headers=headers, timeout=30)
        except requests.RequestException:
            return None, None
        try:
            body = resp.json()
        except ValueError:
            body = None
        return resp.status_code, body if isinstance(body, dict) else None


def comparable_changes(
    kind: EntityKind, before: dict[str, Any], after: dict[str, Any], *, read: bool = False
) -> list[FieldChange]:
    """Field changes between two copies of an entity; derived fields aside, and with `read` (one side
    is the standard's read-one answer) the fields only one of the two representations has."""
    ignore = kind.derived | (READ_ONLY_FIELDS | kind.bulk_only if read else frozenset())
    return diff(before, after, ignore=ignore)


def name_of(kind: EntityKind, key: str, doc: dict[str, Any] | None = None) -> str:
    label = kind.label(doc) if doc else ""
    return f"{kind.noun} {key}" + (f" ({label})" if label else "")


def change_problems(
    kind: EntityKind,
    key: str,
    before: dict[str, Any],
    after: dict[str, Any],
    where: str,
    check: str,
    *,
    read: bool = False,
) -> list[Problem]:
    name = name_of(kind, key, before)
    return [
        Problem(
            (check, kind.name, c.field, c.kind),
            change_title(c, name, where),
            change_detail(c),
            extra={"type": kind.name, "key": key, "field": c.field, "change": c.kind},
        )
        for c in comparable_changes(kind, before, after, read=read)
    ]


def against_reads(
    kind: EntityKind, keys: list[str], exported: dict[str, dict[str, Any]], read: Reader
) -> tuple[list[Problem], list[Problem], int]:
    """Exported entities against the product's own read of each: (invented, changed, reads done).

    An entity the product answers 404 for is invented by the export; one it answers with another
    entity (a merged-away nominal answers with its survivor) is judged by `merged_into`.
    """
    invented: list[Problem] = []
    changed: list[Problem] = []
    done = 0
    for key in keys:
        doc = exported.get(key)
        if doc is None:
            continue
        status, body = read(kind, key)
        done += 1
        if status == 404:
            invented.append(
                Problem(
                    ("invented", kind.name),
                    f"{name_of(kind, key, doc)} is in the export but the product does not hold it",
                    f"GET {kind.read.replace('{id}', key)} answered 404.",
                    extra={"type": kind.name, "key": key},
                )
            )
            continue
        if status != 200 or body is None:
            continue  # not judged: another check (the oracle, reach) sees a broken read
        if body.get("resolved_from") == key or doc.get("merged_into"):
            if doc.get("merged_into") != body.get(kind.key[0]):
                changed.append(
                    Problem(
                        ("changed", kind.name, "merged_into"),
                        f"merged_into of {name_of(kind, key, doc)} wrong in export",
                        f"The product reads {key} as merged into {body.get(kind.key[0])}; the export says "
                        f"{doc.get('merged_into')!r}.",
                        extra={"type": kind.name, "key": key, "field": "merged_into"},
                    )
                )
            continue
        changed.extend(change_problems(kind, key, body, doc, "in export", "changed", read=True))
    return invented, changed, done


def sample(keys: list[str], limit: int) -> list[str]:
    """`limit` keys spread evenly over the sorted keys (same keys, same sample)."""
    ordered = sorted(keys)
    if len(ordered) <= limit:
        return ordered
    step = len(ordered) / limit
    return [ordered[int(i * step)] for i in range(limit)]
