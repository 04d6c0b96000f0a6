"""Change-feed interactions every national-index pact shares (one system's `GET /events`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pact import match
from pact.interaction import HttpInteraction

from simulators.clients.national_index import FEED_LIMIT
from tests.consumers.interactions import bad_request, no_token, refused
from tests.consumers.support import (
    CURSOR,
    NOMINAL_ID,
    Case,
    accepts_json,
    authorised,
    from_state,
    json_response,
    regex,
    timestamp,
    uuid,
)

CURSOR_RE = r"^[A-Za-z0-9_-]+$"
FEED_STATE = "the {system} change feed has an event after a cursor"


def event(type_example: str, type_pattern: str, resource_type: str) -> dict[str, Any]:
    """What the index reads from an event: its cursor, type and the resource it is about."""
    return {
        "cursor": regex(CURSOR, CURSOR_RE),
        "type": regex(type_example, type_pattern),
        "occurred_at": timestamp("2025-03-04T10:15:00+00:00"),
        "resource": {"type": resource_type, "id": uuid(NOMINAL_ID)},
    }


def feed_request(i: HttpInteraction, after: Any = None) -> HttpInteraction:
    request = i.with_request("GET", "/events")
    if after is not None:
        request = request.with_query_parameter("after", after)
    return request.with_query_parameter("limit", str(FEED_LIMIT))


def define_feed_after(i: HttpInteraction, system: str, one_event: dict[str, Any]) -> None:
    i.given(FEED_STATE.format(system=system))
    authorised(accepts_json(feed_request(i, from_state(CURSOR, "after", CURSOR_RE))))
    json_response(i, 200, {"items": match.each_like(one_event), "next_cursor": regex(CURSOR, CURSOR_RE)})


define_feed_bad_cursor = bad_request("/events", after="cursor:42", limit=str(FEED_LIMIT))


define_feed_no_token = no_token("/events", limit=str(FEED_LIMIT))


def feed_refusal_cases(system: str, client: Callable[..., Any]) -> list[Case]:
    """The change-feed refusals every reader of `system`'s feed relies on: 400 and 401."""

    def drive_bad_cursor(url: str) -> None:
        refused(400, lambda: client(url).events(after="cursor:42", limit=FEED_LIMIT))

    def drive_no_token(url: str) -> None:
        refused(401, lambda: client(url, token=False).events(limit=FEED_LIMIT))

    return [
        Case(
            "feed-bad-cursor",
            f"a request for the change feed with a cursor {system} never issued",
            define_feed_bad_cursor,
            drive_bad_cursor,
        ),
        Case(
            "feed-no-token",
            "a request for the change feed without an access token",
            define_feed_no_token,
            drive_no_token,
        ),
    ]
