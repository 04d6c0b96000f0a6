"""The product's exchanges with the reference systems, read back from their traffic logs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import requests

from harness.errors import InteropError

PAGE = 200
MAX_EXCHANGES = 50_000  # a driver that runs for hours: judge the first this many


@dataclass(frozen=True)
class Exchange:
    """One request the product made to a reference system, as that system logged it."""

    system: str
    base_url: str
    seq: int
    started_at: str
    method: str
    path: str
    query: str
    operation: str | None
    status: int
    duration_ms: float
    request_valid: bool | None
    errors: list[Any] = field(default_factory=list)
    request_body: str | None = None
    response_body: str | None = None
    retry_after: str | None = None  # the reference system's Retry-After header, when it sent one

    @property
    def label(self) -> str:
        return self.operation or f"{self.method} {self.path}"

    @property
    def is_token_request(self) -> bool:
        return self.path == "/oauth/token"

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query or "")

    @property
    def started(self) -> float:
        try:
            return datetime.fromisoformat((self.started_at or "").replace("Z", "+00:00")).timestamp()
        except ValueError:
            return 0.0

    def json_body(self, which: str = "response") -> Any:
        text = self.response_body if which == "response" else self.request_body
        try:
            return json.loads(text or "")
        except ValueError:
            return None

    def curl(self) -> str:
        """A reproduction against the same system (token as $TOKEN; body as it was logged)."""
        url = f"{self.base_url}{self.path}" + (f"?{self.query}" if self.query else "")
        parts = [f"curl -sS -X {self.method} '{_q(url)}'"]
        if not self.is_token_request:
            parts.append('-H "Authorization: Bearer $TOKEN"')
        if self.request_body:
            kind = "application/x-www-form-urlencoded" if self.is_token_request else "application/json"
            parts.append(f"-H 'Content-Type: {kind}' --data '{_q(self.request_body)}'")
        if self.is_token_request:  # the log keeps no secret: the product's own is in its environment
            parts.append('--data-urlencode "client_secret=$INTEROP_CLIENT_SECRET"')
        return " ".join(parts)

    def brief(self) -> dict[str, Any]:
        """What a finding shows of the exchange."""
        return {
            "system": self.system,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "started_at": self.started_at,
            "errors": self.errors,
        }


def _q(text: str) -> str:
    return text.replace("'", "'\\''")


def read_traffic(
    urls: dict[str, str], client_id: str, after: dict[str, int] | None = None, timeout: float = 10.0
) -> list[Exchange]:
    """Every exchange `client_id` made with each system in `urls`, in the order they started;
    with `after`, only those logged after that sequence number of each system (a run's own)."""
    out: list[Exchange] = []
    for system, base in urls.items():
        floor = (after or {}).get(system, 0)
        out.extend(e for e in _read_system(system, base.rstrip("/"), client_id, timeout) if e.seq > floor)
    out.sort(key=lambda e: (e.started_at or "", e.system, e.seq))
    return out


def last_seq(urls: dict[str, str], client_id: str) -> dict[str, int]:
    """Per system, the sequence number of `client_id`'s last logged exchange (0 when none)."""
    return {
        system: max((e.seq for e in _read_system(system, base.rstrip("/"), client_id, 10.0)), default=0)
        for system, base in urls.items()
    }


def _read_system(system: str, base: str, client_id: str, timeout: float) -> list[Exchange]:
    out: list[Exchange] = []
    cursor: str | None = None
    while len(out) < MAX_EXCHANGES:
        params = {"client_id": client_id, "limit": str(PAGE), **({"cursor": cursor} if cursor else {})}
        try:
            resp = requests.get(f"{base}/_sim/traffic", params=params, timeout=timeout)
        except requests.RequestException as exc:
            raise InteropError(
                f"cannot read the {system} traffic log at {base}/_sim/traffic: {exc}"
            ) from None
        if resp.status_code != 200:
            raise InteropError(
                f"cannot read the {system} traffic log at {base}/_sim/traffic: HTTP {resp.status_code} "
                "(observe needs a reference simulator there, e.g. from `interop up`)"
            )
        page = resp.json()
        for row in page.get("items", []):
            out.append(_exchange(system, base, row))
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return out


def _exchange(system: str, base: str, row: dict[str, Any]) -> Exchange:
    return Exchange(
        system=system,
        base_url=base,
        seq=int(row.get("seq") or 0),
        started_at=str(row.get("started_at") or row.get("at") or ""),
        method=str(row.get("method", "")),
        path=str(row.get("path", "")),
        query=str(row.get("query") or ""),
        operation=row.get("operation"),
        status=int(row.get("status") or 0),
        duration_ms=float(row.get("duration_ms") or 0.0),
        request_valid=row.get("request_valid"),
        errors=list(row.get("errors") or []),
        request_body=row.get("request_body"),
        response_body=row.get("response_body"),
        retry_after=row.get("retry_after"),
    )
