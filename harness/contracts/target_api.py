"""The target's own standard API, as the harness uses it to put a product into a provider state.

No test hooks: the harness creates what a state needs (a nominal, an occurrence, a custody record,
an intelligence report) with the role's documented POST endpoints and a token with the role's
write scopes, exactly as any client of the standard would. Every failure becomes a StateError whose
message says which call failed and how, so a broken state set-up reads as a clear finding.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

from harness.auth import TargetTokens
from harness.errors import NotJudged

MAX_FEED_PAGES = 500


class StateError(NotJudged):
    """A provider state could not be set up through the target's API (one clear sentence)."""


class TargetApi:
    def __init__(
        self, base_url: str, tokens: Any, *, timeout: float = 10.0, peers: dict[str, str] | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.timeout = timeout
        self.peers = dict(peers or {})
        self.http = requests.Session()

    def token(self, scopes: list[str]) -> str | None:
        token: str | None = self.tokens.token(scopes) or self.tokens.token(None)
        return token

    def call(
        self,
        method: str,
        path: str,
        scopes: list[str],
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        expect: tuple[int, ...] = (200, 201),
        require: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """One JSON call; returns the body (with the `require`d fields), or raises StateError naming
        the call and its answer."""
        token = self.token(scopes)
        headers = {"Accept": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        label = f"{method} {path}"
        try:
            resp = self.http.request(
                method, self.base_url + path, json=json, params=params, headers=headers, timeout=self.timeout
            )
        except requests.Timeout as exc:
            raise StateError(f"{label} did not answer within {self.timeout:.0f}s") from exc
        except requests.RequestException as exc:
            raise StateError(f"{label} failed: {_reason(exc)}") from exc
        body: Any = None
        try:
            body = resp.json()
        except ValueError:
            body = None
        if resp.status_code not in expect:
            wanted = " or ".join(str(s) for s in expect)
            raise StateError(
                f"{label} answered {resp.status_code} (expected {wanted}): {_summary(resp, body)}"
            )
        if not isinstance(body, dict):
            kind = resp.headers.get("Content-Type", "no content type")
            raise StateError(
                f"{label} answered {resp.status_code} with a body that is not a JSON object ({kind})"
            )
        missing = [name for name in require if not body.get(name)]
        if missing:
            raise StateError(
                f"{label} answered {resp.status_code} without {', '.join(missing)} "
                f"(its fields: {', '.join(sorted(body)[:12])})"
            )
        return body

    def now(self) -> datetime:
        """The target's own clock (`GET /health` `time`), so set-up times are never in its future."""
        try:
            resp = self.http.get(self.base_url + "/health", timeout=self.timeout)
            value = resp.json().get("time")
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except (requests.RequestException, ValueError, AttributeError, TypeError):
            return datetime.now(UTC)

    def feed_end(self, scopes: list[str], limit: int = 200) -> str | None:
        """The cursor after the last event of the target's change feed (None when it is empty)."""
        cursor: str | None = None
        for _ in range(MAX_FEED_PAGES):
            page = self.call(
                "GET", "/events", scopes, params={"after": cursor, "limit": limit}, expect=(200,)
            )
            items = page.get("items")
            if not isinstance(items, list):
                raise StateError("GET /events answered without a list of items")
            if not items:
                return cursor
            last = items[-1].get("cursor") if isinstance(items[-1], dict) else None
            cursor = str(page.get("next_cursor") or last or "") or cursor
            if len(items) < limit:
                return cursor
        raise StateError(f"GET /events did not reach the end of the feed after {MAX_FEED_PAGES} pages")

    def peer(self, system: str) -> TargetApi | None:
        """The target's peer `system` (when the harness was told where it is)."""
        url = self.peers.get(system)
        return TargetApi(url, TargetTokens(url), timeout=self.timeout) if url else None


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ConnectionError):
        return "connection refused or host unreachable"
    return type(exc).__name__


def _summary(resp: requests.Response, body: Any) -> str:
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("title", "detail") if body.get(k)]
        if body.get("rule"):
            parts.append(f"rule {body['rule']}")
        if parts:
            return "; ".join(parts)
    text = " ".join(resp.text.split())[:160]
    return f"{resp.headers.get('Content-Type', 'no content type')}: {text}" if text else "(empty body)"
