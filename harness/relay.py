"""The WSGI plumbing the harness's loopback proxies share (the tap, the contracts auth proxy).

Both take a request from a suite, send it on to the product, and hand back what came, or a
problem saying why nothing came: the request read from WSGI, the hop-by-hop headers dropped, and
the failure answer are the same for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

# Headers of one connection, never forwarded (RFC 9110 section 7.6.1), plus Host and the length,
# which the sender recomputes.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


@dataclass(frozen=True)
class RelayedRequest:
    method: str
    path: str  # as the suite sent it (not decoded), without the query
    query: str
    headers: dict[str, str]
    body: bytes

    @property
    def uri(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")


def read_request(environ: dict[str, Any]) -> RelayedRequest:
    headers = {
        key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    body = stream.read(int(length)) if length else stream.read()
    path = environ.get("PATH_INFO", "/")
    # PATH_INFO is decoded by the server; the raw URI keeps the bytes the suite sent.
    raw_path = (environ.get("REQUEST_URI") or path).split("?", 1)[0] or path
    return RelayedRequest(environ["REQUEST_METHOD"], raw_path, environ.get("QUERY_STRING", ""), headers, body)


def answer(
    start_response: Callable[..., Any],
    status: int,
    headers: dict[str, str],
    body: bytes,
    dropped: frozenset[str] = HOP_BY_HOP,
) -> Iterable[bytes]:
    """Hand back what the product answered (its headers, less those of the connection)."""
    out = [(k, v) for k, v in headers.items() if k.lower() not in dropped]
    out.append(("Content-Length", str(len(body))))
    start_response(f"{status} {reason(status)}", out)
    return [body]


def failure(start_response: Callable[..., Any], status: int, title: str, detail: str) -> Iterable[bytes]:
    """A problem (RFC 9457) in place of an answer the product did not give, or gave beyond a bound."""
    data = json.dumps(
        {"type": "urn:interop:harness:target-failed", "title": title, "status": status, "detail": detail}
    ).encode()
    start_response(
        f"{status} Target Failed",
        [("Content-Type", "application/problem+json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def reason(status: int | None) -> str:
    try:
        return HTTPStatus(status or 500).phrase
    except ValueError:
        return "Unknown"
