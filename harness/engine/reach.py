"""Which operations of the role the product really served: the evidence behind "inconclusive".

A check that was skipped is not a passed one, and neither is an operation that only ever
answered 401 or 5xx: the verdict may say "conforms" only when the product accepted the harness's
credentials and every operation of the role answered at least one accepted request. This
watches every exchange through the tap (harness/tap.py) and keeps that tally.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from harness.engine.operations import Operation, operations
from harness.tap import TappedExchange


def accepted(status: int | None) -> bool:
    """The product took the request with the harness's credentials and answered it for what it is.

    Not refused for auth (401/403), not a failure of the product (5xx), not unanswered: a 2xx, or
    a 4xx that judges the request itself (400, 404, 409, 412, 422 ...), whose answer can be checked
    against the standard like any other.
    """
    return status is not None and status not in (401, 403) and status < 500


@dataclass
class Reach:
    """Per operation of the role's document: requests seen, and those with credentials accepted."""

    ops: list[Operation]
    seen: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, int] = field(default_factory=dict)
    succeeded: dict[str, int] = field(default_factory=dict)  # 2xx, for the report
    authenticated_accepted: int = 0
    authenticated_sent: int = 0
    statuses_with_credentials: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _matchers: list[tuple[str, re.Pattern[str], str]] = field(default_factory=list, repr=False)
    _secured_labels: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def for_spec(cls, spec: dict[str, Any]) -> Reach:
        reach = cls([op for op in operations(spec) if not op.path.startswith("/_sim")])
        # Literal segments win over templates: /nominals/search before /nominals/{nominal_id}.
        ordered = sorted(reach.ops, key=lambda op: (-_literal_segments(op.path), op.path))
        reach._matchers = [(op.method, _pattern(op.path), op.label) for op in ordered]
        reach._secured_labels = {op.label for op in reach.ops if op.secured}
        return reach

    @property
    def secured(self) -> list[Operation]:
        return [op for op in self.ops if op.secured]

    def label_of(self, method: str, path: str) -> str | None:
        for op_method, pattern, label in self._matchers:
            if op_method == method.upper() and pattern.fullmatch(path.rstrip("/") or "/"):
                return label
        return None

    def observe(self, exchange: TappedExchange) -> None:
        label = self.label_of(exchange.method, exchange.path)
        if label is None:
            return
        has_credentials = any(k.lower() == "authorization" for k in exchange.request_headers)
        secured = self._secured(label)
        with self._lock:
            self.seen[label] = self.seen.get(label, 0) + 1
            if secured and has_credentials:  # a public endpoint's answer says nothing about credentials
                self.authenticated_sent += 1
                if exchange.status is not None:
                    self.statuses_with_credentials[exchange.status] = (
                        self.statuses_with_credentials.get(exchange.status, 0) + 1
                    )
                if accepted(exchange.status):
                    self.authenticated_accepted += 1
            if accepted(exchange.status) and (has_credentials or not secured):
                self.accepted[label] = self.accepted.get(label, 0) + 1
                if exchange.status is not None and 200 <= exchange.status < 300:
                    self.succeeded[label] = self.succeeded.get(label, 0) + 1

    def _secured(self, label: str) -> bool:
        return label in self._secured_labels

    def unreached(self) -> list[str]:
        """Secured operations that never answered an accepted request."""
        return [op.label for op in self.secured if not self.accepted.get(op.label)]


def _literal_segments(path: str) -> int:
    return sum(1 for seg in path.split("/") if seg and not seg.startswith("{"))


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template.rstrip("/") or "/")
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))
