"""national-index -> custody: follow the custody change feed and read each custody record it names
(simulators/clients/national_index.py, scope custody:read)."""

from __future__ import annotations

from pact.interaction import HttpInteraction

from simulators.clients.national_index import FEED_LIMIT
from tests.consumers.feeds import define_feed_after, event, feed_refusal_cases
from tests.consumers.interactions import not_found, pact_tests, request_from_state
from tests.consumers.support import (
    CURSOR,
    CUSTODY_ID,
    CUSTODY_NUMBER_RE,
    NOMINAL_ID,
    UNKNOWN_CUSTODY_ID,
    Case,
    Pair,
    custody_client,
    from_state,
    json_response,
    regex,
    timestamp,
    uuid,
)

PAIR = Pair("national-index", "custody")
SIOBHAN = {"surname": "O'Brien", "forenames": ["Siobhán"], "date_of_birth": "1990-07-14"}


def define_feed(i: HttpInteraction) -> None:
    define_feed_after(i, "custody", event("custody.booked_in", r"^custody\.[a-z_]+$", "custody_record"))


def drive_feed(url: str) -> None:
    page = custody_client(url).events(after=CURSOR, limit=FEED_LIMIT)
    assert page["items"][0]["resource"]["type"] == "custody_record"


def define_record(i: HttpInteraction) -> None:
    i.given("a detainee has been booked into custody", dict(SIOBHAN))
    request_from_state(i, "custody-records", CUSTODY_ID, "custody_id")
    json_response(
        i,
        200,
        {
            "custody_id": from_state(CUSTODY_ID, "custody_id"),
            "custody_number": regex("LS-2025-000123", CUSTODY_NUMBER_RE),
            "nominal_id": uuid(NOMINAL_ID),
            "status": regex("detained", "^(booked_in|detained|released)$"),
            "station": {"code": regex("LS", "^[A-Z]{2}$")},
            "arrived_at": timestamp("2025-03-04T10:15:00+00:00"),
        },
    )


def drive_record(url: str) -> None:
    record = custody_client(url).get_custody_record(CUSTODY_ID)
    assert record is not None and record["station"]["code"] == "LS"


define_unknown = not_found("custody record", "custody-records", "custody_id", UNKNOWN_CUSTODY_ID)


def drive_unknown(url: str) -> None:
    assert custody_client(url).get_custody_record(UNKNOWN_CUSTODY_ID) is None


CASES = [
    Case("feed", "a request for the custody change feed after a cursor", define_feed, drive_feed),
    Case("custody-record", "a request for a custody record named in the feed", define_record, drive_record),
    Case(
        "unknown-custody-record",
        "a request for a custody record that does not exist",
        define_unknown,
        drive_unknown,
    ),
    *feed_refusal_cases("custody", custody_client),
]

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
