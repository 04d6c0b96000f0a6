"""The traffic page: every exchange live, newest first, filtered; one exchange with its curl."""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, abort, render_template, request

from harness.console import sse
from harness.console.state import state
from harness.console.traffic_feed import TrafficFilter, is_valid

bp = Blueprint("traffic", __name__, url_prefix="/traffic")
PAGE_ROWS = 200


@bp.get("")
def page() -> Any:
    st = state()
    flt = TrafficFilter.from_args(request.args)
    st.feed.watch()
    st.feed.poll_once()  # what is there now, before the page is drawn
    latest = st.feed.latest
    stream_query = urlencode({**flt.query(), "after": latest})
    return render_template(
        "traffic.html.j2",
        entries=st.feed.newest_first(flt, PAGE_ROWS),
        flt=flt,
        systems=st.systems.names,
        stream_url=f"/traffic/stream?{stream_query}",
        errors=dict(st.feed.errors),
    )


@bp.get("/stream")
def stream() -> Any:
    st = state()
    flt = TrafficFilter.from_args(request.args)
    after = sse.resume_from(request.args.get("after"), st.feed.latest)

    def events() -> Iterator[str]:
        seen = after
        ends = time.monotonic() + sse.STREAM_SECONDS
        yield sse.ping()  # the response starts now: the browser sees the stream open
        while time.monotonic() < ends and not st.closing.is_set():
            st.feed.watch()
            new = st.feed.wait_after(seen, sse.PING_SECONDS)
            if not new:
                yield sse.ping()
                continue
            seen = new[-1]["n"]
            for entry in new:
                if flt.matches(entry):
                    yield sse.event(
                        "exchange", render_template("_exchange_row.html.j2", e=entry), id=entry["n"]
                    )

    return sse.stream(events())


@bp.get("/<system>/<int:seq>")
def exchange(system: str, seq: int) -> Any:
    st = state()
    entry = st.feed.find(system, seq)
    if entry is None:
        abort(404, "that exchange is no longer held by the console (it keeps the newest 2,000)")
    return render_template(
        "exchange.html.j2",
        e=entry,
        valid=is_valid(entry),
        errors_text=_errors_text(entry.get("errors")),
        curl=curl_for(st.systems.urls.get(system, ""), entry),
    )


def curl_for(base_url: str, entry: dict[str, Any]) -> str:
    """A shell command that sends the same request again; the token is `$TOKEN`, never a literal."""
    # the log holds the decoded path; the command sends it encoded again, as it came
    url = base_url.rstrip("/") + quote(str(entry.get("path") or "/"), safe="/:@!$&'()*+,;=-._~")
    if entry.get("query"):
        url += "?" + str(entry["query"])
    parts = ["curl", "-i", "-X", shlex.quote(str(entry.get("method") or "GET")), shlex.quote(url)]
    parts += ["-H", '"Authorization: Bearer $TOKEN"']
    body = entry.get("request_body")
    if body:
        parts += ["-H", shlex.quote("Content-Type: application/json"), "--data-raw", shlex.quote(str(body))]
    return " ".join(parts)


def _errors_text(errors: Any) -> str:
    if not errors:
        return ""
    return json.dumps(errors, indent=2, ensure_ascii=False, default=str)
