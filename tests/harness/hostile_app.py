"""A hostile product under test: every body and header of every path carries markup, terminal
escapes and characters XML forbids, to prove that the reports show what a target sends as data.

Its token endpoint gives a normal client-credentials token and every other path accepts any
bearer token, so the suites run and quote its answers in their findings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
CDATA_END = "]]>"
RICH = "[bold red]x[/]"
ANSI_COLOUR = "\x1b[31m"
ANSI_TITLE = "\x1b]0;title\x07"
# In bodies: all of it, plus NUL and a Unicode direction override.
BODY_TEXT = f"{SCRIPT} {IMG} {CDATA_END} {RICH} {ANSI_COLOUR}red{ANSI_TITLE}\x1b[0m \x00 \u202eevil"
# In headers: what HTTP lets through (no NUL, CR or LF).
HEADER_TEXT = f"{SCRIPT} {CDATA_END} {RICH} {ANSI_COLOUR}red{ANSI_TITLE}\x1b[0m"
HUGE_PATH = "/nominals"  # GET answers a body far beyond any report's bound
HUGE_BYTES = 300_000


def _headers(content_type: str, body: bytes) -> list[tuple[str, str]]:
    return [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("X-Hostile", HEADER_TEXT),
        ("Server", HEADER_TEXT),
        ("WWW-Authenticate", f'Bearer realm="{HEADER_TEXT}"'),
    ]


def hostile_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """WSGI: token endpoint answers a token; GETs answer hostile JSON (one huge); others a 500 page."""
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
    if path == "/oauth/token" and method == "POST":
        token = {"access_token": "hostile-token", "token_type": "Bearer", "expires_in": 300, "scope": ""}
        status, body, ctype = "200 OK", json.dumps(token).encode(), "application/json"
    elif path == "/health":
        status, body, ctype = "200 OK", BODY_TEXT.encode(), "text/html; charset=utf-8"
    elif method == "GET" and path == HUGE_PATH:
        filler = (BODY_TEXT + " ") * (HUGE_BYTES // len(BODY_TEXT))
        status, body, ctype = "200 OK", json.dumps({"items": filler}).encode(), "application/json"
    elif method == "GET":
        doc = {"detail": BODY_TEXT, "title": BODY_TEXT, BODY_TEXT: [BODY_TEXT]}
        status, body, ctype = "200 OK", json.dumps(doc).encode(), "application/json"
    else:
        status, body, ctype = "500 " + SCRIPT, BODY_TEXT.encode(), "text/html; charset=utf-8"
    start_response(status, _headers(ctype, body))
    return [body]
