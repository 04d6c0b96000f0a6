"""national-index -> custody: follow the custody change feed and read each custody record it names
(simulators/clients/national_index.py, scope custody:read)."""

from __future__ import annotations

import pytest
from pact.interaction import HttpInteraction

from simulators.clients.base import UpstreamError
from simulators.clients.national_index import FEED_LIMIT
from tests.consumers.conftest import PactRecorder
from tests.consumers.feeds import define_feed_after, define_feed_bad_cursor, define_feed_no_token, event
from tests.consumers.support import (
    CURSOR,
    CUSTODY_ID,
    CUSTODY_NUMBER_RE,
    NOMINAL_ID,
    UNKNOWN_CUSTODY_ID,
    UUID_RE,
    Case,
    Pair,
    accepts_json,
    authorised,
    custody_client,
    from_state,
    json_response,
    path_from_state,
    problem_response,
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
    authorised(
        accepts_json(
            i.with_request(
                "GET",
                path_from_state(
                    f"/custody-records/{CUSTODY_ID}",
                    "/custody-records/${custody_id}",
                    rf"^/custody-records/{UUID_RE[1:-1]}$",
                ),
            )
        )
    )
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


def define_unknown(i: HttpInteraction) -> None:
    i.given(f"no custody record with id {UNKNOWN_CUSTODY_ID} exists", {"custody_id": UNKNOWN_CUSTODY_ID})
    authorised(accepts_json(i.with_request("GET", f"/custody-records/{UNKNOWN_CUSTODY_ID}")))
    problem_response(i, 404)


def drive_unknown(url: str) -> None:
    assert custody_client(url).get_custody_record(UNKNOWN_CUSTODY_ID) is None


def drive_bad_cursor(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        custody_client(url).events(after="cursor:42", limit=FEED_LIMIT)
    assert err.value.status == 400


def drive_no_token(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        custody_client(url, token=False).events(limit=FEED_LIMIT)
    assert err.value.status == 401


CASES = [
    Case("feed", "a request for the custody change feed after a cursor", define_feed, drive_feed),
    Case("custody-record", "a request for a custody record named in the feed", define_record, drive_record),
    Case(
        "unknown-custody-record",
        "a request for a custody record that does not exist",
        define_unknown,
        drive_unknown,
    ),
    Case(
        "feed-bad-cursor",
        "a request for the change feed with a cursor custody never issued",
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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_interaction(case: Case, pact_recorder: PactRecorder) -> None:
    pact_recorder.check(PAIR, case)


def test_pact_file_is_complete(pact_recorder: PactRecorder) -> None:
    pact_recorder.complete(PAIR, CASES)
