"""Findings about lost or changed data, said the way a data-migration lead reads them, and capped.

One finding names one loss ("aliases of nominal X dropped in export"). A product that drops a
field from every record would otherwise bury the report under thousands of the same finding, so
after `PER_GROUP` findings of one kind (same check, type, field and kind of change) the rest
are counted in one more finding that says how many.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.engine.events import Finding, Severity
from harness.portability.diff import FieldChange
from harness.reports.safe import cut

PER_GROUP = 5
VALUE_LIMIT = 300

VERBS = {"dropped": "dropped", "changed": "changed", "normalised": "rewritten", "added": "added"}


def shown_value(value: Any) -> str:
    """A value as compact JSON text, bounded (the report escapes it; this only keeps it short)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return cut(text, VALUE_LIMIT)


def change_title(change: FieldChange, name: str, where: str) -> str:
    """ "aliases of nominal X dropped in export"."""
    return f"{change.field} of {name} {VERBS[change.kind]} {where}"


def change_detail(change: FieldChange) -> str:
    return f"Before: {shown_value(change.before)}\nAfter:  {shown_value(change.after)}"


@dataclass
class FindingSink:
    """Emits findings of one suite, at most PER_GROUP per group, then one summary per group."""

    suite: str
    emit: Callable[[Any], None]
    counts: dict[tuple[str, ...], int] = field(default_factory=dict)
    titles: dict[tuple[str, ...], str] = field(default_factory=dict)
    requirements: dict[tuple[str, ...], str] = field(default_factory=dict)

    def add(
        self,
        group: tuple[str, ...],
        check: str,
        title: str,
        detail: str,
        requirement: str,
        operation: str = "",
        severity: Severity = "error",
        extra: dict[str, Any] | None = None,
    ) -> None:
        n = self.counts.get(group, 0) + 1
        self.counts[group] = n
        self.titles.setdefault(group, title)
        self.requirements[group] = requirement
        if n <= PER_GROUP:
            self.emit(
                Finding(
                    self.suite,
                    check,
                    severity,
                    operation,
                    title,
                    detail,
                    requirement=requirement,
                    extra=extra or {},
                )
            )

    def close(self, check_of: Callable[[tuple[str, ...]], str]) -> None:
        for group, n in self.counts.items():
            if n > PER_GROUP:
                self.emit(
                    Finding(
                        self.suite,
                        check_of(group),
                        "error",
                        "",
                        f"{n - PER_GROUP} more like: {self.titles[group]}",
                        f"{n} findings of this kind in all; the first {PER_GROUP} are listed one by one.",
                        requirement=self.requirements[group],
                    )
                )
        self.counts.clear()
