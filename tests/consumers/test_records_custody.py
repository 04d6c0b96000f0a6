"""records -> custody: a nominal's custody history, which records shows on the person and passes on
as custody answered it (simulators/records/api_peers.py through CustodyClient, scope custody:read).
Records needs each record's `custody_id` and `arrived_at` (it orders by arrival) and a page that
ends (`next_cursor` null)."""

from __future__ import annotations

from typing import Any

from pact import match
from pact.interaction import HttpInteraction

from tests.consumers.interactions import bad_request, no_token, pact_tests, refused
from tests.consumers.support import (
    CUSTODY_ID,
    CUSTODY_NUMBER_RE,
    NOMINAL_ID,
    UNKNOWN_NOMINAL_ID,
    Case,
    Pair,
    accepts_json,
    authorised,
    custody_client,
    from_state,
    json_response,
    regex,
    timestamp,
    uuid,
)

PAIR = Pair("records", "custody")
SIOBHAN = {"surname": "O'Brien", "forenames": ["Siobhán"], "date_of_birth": "1990-07-14"}


def history_request(i: HttpInteraction, nominal_id: Any) -> HttpInteraction:
    return authorised(
        accepts_json(
            i.with_request("GET", "/custody-records")
            .with_query_parameter("nominal_id", nominal_id)
            .with_query_parameter("limit", "200")
        )
    )


def define_history(i: HttpInteraction) -> None:
    i.given("a detainee has been booked into custody", dict(SIOBHAN))
    history_request(i, from_state(NOMINAL_ID, "nominal_id"))
    json_response(
        i,
        200,
        {
            "items": match.each_like(
                {
                    "custody_id": uuid(CUSTODY_ID),
                    "custody_number": regex("LS-2025-000123", CUSTODY_NUMBER_RE),
                    "nominal_id": from_state(NOMINAL_ID, "nominal_id"),
                    "arrived_at": timestamp("2025-03-04T10:15:00+00:00"),
                }
            ),
            "next_cursor": None,
        },
    )


def drive_history(url: str) -> None:
    records = custody_client(url).custody_history(NOMINAL_ID)
    assert [r["custody_id"] for r in records] == [CUSTODY_ID]


def define_no_history(i: HttpInteraction) -> None:
    i.given(f"nominal {UNKNOWN_NOMINAL_ID} has never been in custody", {"nominal_id": UNKNOWN_NOMINAL_ID})
    history_request(i, UNKNOWN_NOMINAL_ID)
    json_response(i, 200, {"items": [], "next_cursor": None})


def drive_no_history(url: str) -> None:
    assert custody_client(url).custody_history(UNKNOWN_NOMINAL_ID) == []


define_malformed_id = bad_request("/custody-records", nominal_id="2019/0012345G", limit="200")


def drive_malformed_id(url: str) -> None:
    refused(400, lambda: custody_client(url).custody_history("2019/0012345G"))


define_no_token = no_token("/custody-records", nominal_id=UNKNOWN_NOMINAL_ID, limit="200")


def drive_no_token(url: str) -> None:
    refused(401, lambda: custody_client(url, token=False).custody_history(UNKNOWN_NOMINAL_ID))


CASES = [
    Case(
        "history",
        "a request for the custody history of a nominal who has been in custody",
        define_history,
        drive_history,
    ),
    Case(
        "no-history",
        "a request for the custody history of a nominal never in custody",
        define_no_history,
        drive_no_history,
    ),
    Case(
        "history-malformed-id",
        "a request for a custody history by a PNC ID instead of a nominal id",
        define_malformed_id,
        drive_malformed_id,
    ),
    Case(
        "history-no-token",
        "a request for a custody history without an access token",
        define_no_token,
        drive_no_token,
    ),
]

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
