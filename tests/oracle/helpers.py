"""Crafted exchanges and products for the oracle tests: a custody record written out by hand from
the standard's own worked example (custody.yaml DetentionClock example), a test tap that records a
real server's exchanges, and a wrong custody product (a 25 h basic limit)."""

from __future__ import annotations

import base64
import copy
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.tap import TappedExchange

BASE = "http://product.test:8080"
CID = "6b0a6f1c-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


def jwt(scopes: list[str]) -> str:
    """An unsigned JWT-shaped token (the oracle reads the payload without verification)."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256'})}.{part({'scope': ' '.join(scopes), 'sub': 'test'})}.c2ln"


TOKEN = jwt(["custody:read", "custody:write"])


def exchange(
    method: str,
    path: str,
    body: Any,
    *,
    status: int = 200,
    request: Any = None,
    token: str | None = TOKEN,
    suite: str = "contracts",
    query: str = "",
) -> TappedExchange:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TappedExchange(
        method=method,
        url=BASE + path + (f"?{query}" if query else ""),
        path=path,
        query=query,
        request_headers=headers,
        request_body=json.dumps(request).encode() if request is not None else b"",
        status=status,
        response_headers={"Content-Type": "application/json"},
        response_body=json.dumps(body).encode(),
        suite=suite,
    )


def custody_record() -> dict[str, Any]:
    """The standard's worked example: arrival 10:15, authorised 10:30, as at 16:00, no reviews yet."""
    return {
        "custody_id": CID,
        "custody_number": "LS-2025-000123",
        "status": "detained",
        "arrest": {
            "arrested_at": "2025-03-04T09:40:00Z",
            "location": "Briggate",
            "reason": "theft",
            "officer": {"name": "PC"},
        },
        "arrived_at": "2025-03-04T10:15:00Z",
        "arrested_outside_force_area": False,
        "voluntary_attendance": False,
        "relevant_time": "2025-03-04T10:15:00Z",
        "detention_authorised_at": "2025-03-04T10:30:00Z",
        "authorisation": {
            "authorised_at": "2025-03-04T10:30:00Z",
            "authorised_by": {"name": "PS", "rank": "sergeant"},
        },
        "reviews": [],
        "extensions": [],
        "warrants": [],
        "outcome": None,
        "released_at": None,
        "clock": {
            "as_at": "2025-03-04T16:00:00Z",
            "status": "running",
            "relevant_time": "2025-03-04T10:15:00Z",
            "detention_authorised_at": "2025-03-04T10:30:00Z",
            "detention_limit": "2025-03-05T10:15:00Z",
            "limit_basis": "24h",
            "absolute_limit": "2025-03-08T10:15:00Z",
            "next_review_due": "2025-03-04T16:30:00Z",
            "reviews_completed": 0,
            "reviews_overdue": False,
            "detention_overdue": False,
            "time_remaining_seconds": 65700,
            "review_due_in_seconds": 1800,
            "stopped_at": None,
            "breaches": [],
        },
    }


def changed(rec: dict[str, Any], **clock: Any) -> dict[str, Any]:
    out = copy.deepcopy(rec)
    out["clock"].update(clock)
    return out


# ------------------------------------------------------------------------------ a test tap


class RecordingTap:
    """WSGI middleware that hands every exchange to `observe` as a TappedExchange (what the
    harness's tap does between the harness and a target)."""

    def __init__(
        self,
        inner: Callable[..., Any],
        observe: Callable[[TappedExchange], None],
        base_url: Callable[[], str],
        suite: str,
    ) -> None:
        self.inner, self.observe, self.base_url, self.suite = inner, observe, base_url, suite

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = _read(environ)
        status, headers, out = call(self.inner, environ, body)
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        self.observe(
            TappedExchange(
                method=environ["REQUEST_METHOD"],
                url=self.base_url() + path + (f"?{query}" if query else ""),
                path=path,
                query=query,
                request_headers={
                    k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")
                },
                request_body=body,
                status=int(status.split()[0]),
                response_headers=dict(headers),
                response_body=out,
                suite=self.suite,
            )
        )
        start_response(status, headers)
        return [out]


def _read(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""


def call(
    app: Callable[..., Any], environ: dict[str, Any], body: bytes
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Call a WSGI app with `body`; returns status, headers and the whole response body."""
    env = dict(environ)
    env["wsgi.input"] = io.BytesIO(body)
    env["CONTENT_LENGTH"] = str(len(body))
    got: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        got["status"], got["headers"] = status, headers

    chunks = app(env, start)
    try:
        out = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return got["status"], got["headers"], out


# ----------------------------------------------------------------------- a wrong custody product

H = timedelta(hours=1)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _z(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


class TwentyFiveHourLimit:
    """A custody product whose basic detention limit is 25 h, not 24 h: it authorises detention up
    to 25 h after the relevant time and shows the limit 1 h late on every clock."""

    def __init__(self, inner: Callable[..., Any]) -> None:
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = _read(environ)
        status, headers, out = call(self.inner, environ, body)
        if environ["REQUEST_METHOD"] == "POST" and environ.get("PATH_INFO", "").endswith("/authorisation"):
            problem = _json(out)
            if (
                status.startswith("422")
                and isinstance(problem, dict)
                and problem.get("rule") == "PACE-s41-24h"
            ):
                sent = json.loads(body)
                sent["authorised_at"] = _z(_at(sent["authorised_at"]) - H)  # within 25 h: let it through
                status, headers, out = call(self.inner, environ, json.dumps(sent).encode())
        parsed = _json(out)
        if parsed is not None:
            _shift(parsed)
            out = json.dumps(parsed).encode()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [
                ("Content-Length", str(len(out)))
            ]
        start_response(status, headers)
        return [out]


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _shift(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _shift(item)
    elif isinstance(node, dict):
        clock = node.get("clock")
        if isinstance(clock, dict) and clock.get("limit_basis") == "24h":
            limit = _at(clock["detention_limit"]) + H
            clock["detention_limit"] = _z(limit)
            clock["time_remaining_seconds"] += 3600
            overdue = _at(clock["as_at"]) > limit
            clock["detention_overdue"] = overdue
            clock["breaches"] = [b for b in clock["breaches"] if b != "PACE-s41-24h"] + (
                ["PACE-s41-24h"] if overdue else []
            )
        for value in node.values():
            _shift(value)


class LeaksOriginalView:
    """An intelligence product that shows every reader the original view's fields."""

    def __init__(self, inner: Callable[..., Any]) -> None:
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        status, headers, out = call(self.inner, environ, _read(environ))
        parsed = _json(out)
        if isinstance(parsed, dict) and parsed.get("text_version") == "sanitised":
            parsed.update(text_version="original", source_type="chis")
            out = json.dumps(parsed).encode()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(out))))
        start_response(status, headers)
        return [out]
