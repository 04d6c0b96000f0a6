"""Server-sent events for the live parts: the wire format, and a response that streams them.

Each stream ends after `STREAM_SECONDS` (the browser's EventSource reconnects by itself) and
sends a comment every `PING_SECONDS`, so a closed tab frees its server thread within seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, request, stream_with_context

STREAM_SECONDS = 120.0
PING_SECONDS = 5.0


def event(name: str, html: str, id: int | None = None) -> str:
    """One event whose data is an HTML fragment (several `data:` lines for a multi-line one).

    `id` is what the browser sends back as Last-Event-ID when it reconnects (see `resume_from`).
    """
    lines = html.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    head = f"id: {id}\n" if id is not None else ""
    return head + f"event: {name}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def resume_from(after: str | None, default: int) -> int:
    """Where a stream starts: after the last event the browser saw (on reconnect), else `after=`."""
    for raw in (request.headers.get("Last-Event-ID"), after):
        try:
            if raw is not None and raw.strip():
                return max(0, int(raw))
        except ValueError:
            continue
    return default


def ping() -> str:
    return ": ping\n\n"


def stream(events: Iterator[str]) -> Response:
    resp = Response(stream_with_context(events), mimetype="text/event-stream")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Accel-Buffering"] = "no"
    return resp
