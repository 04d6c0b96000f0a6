"""national-index -> records: follow the records change feed and read each nominal it names
(simulators/clients/national_index.py, scope records:read)."""

from __future__ import annotations

from pact import match
from pact.interaction import HttpInteraction

from simulators.clients.national_index import FEED_LIMIT
from tests.consumers.feeds import define_feed_after, event, feed_refusal_cases
from tests.consumers.interactions import not_found, pact_tests, request_from_state
from tests.consumers.support import (
    CURSOR,
    NOMINAL_ID,
    PARTIAL_DATE_RE,
    PNC_RE,
    SURVIVOR_ID,
    UNKNOWN_NOMINAL_ID,
    Case,
    Pair,
    from_state,
    json_response,
    records_client,
    regex,
)

PAIR = Pair("national-index", "records")
PNC = "2021/4815162Q"
ZOE = {"surname": "Ní Bhriain", "forenames": ["Zoë", "Áine"], "date_of_birth": "1994-11-02", "sex": "female"}


def define_feed(i: HttpInteraction) -> None:
    define_feed_after(i, "records", event("nominal.created", r"^(nominal|occurrence)\.[a-z_]+$", "nominal"))


def drive_feed(url: str) -> None:
    page = records_client(url).events(after=CURSOR, limit=FEED_LIMIT)
    assert page["items"][0]["resource"]["type"] == "nominal" and page["next_cursor"] == CURSOR


def define_nominal(i: HttpInteraction) -> None:
    i.given(f"a nominal with PNC ID {PNC} exists", {"pnc_id": PNC, **ZOE})
    request_from_state(i, "nominals", NOMINAL_ID, "nominal_id")
    json_response(
        i,
        200,
        {
            "nominal_id": from_state(NOMINAL_ID, "nominal_id"),
            "pnc_id": regex(PNC, PNC_RE),
            "surname": match.str("Ní Bhriain"),
            "forenames": match.each_like(match.str("Zoë")),
            "date_of_birth": regex("1994-11-02", PARTIAL_DATE_RE),
        },
    )


def drive_nominal(url: str) -> None:
    nominal = records_client(url).get_nominal(NOMINAL_ID)
    assert nominal is not None and nominal["forenames"] == ["Zoë"] and nominal["pnc_id"] == PNC


def define_merged(i: HttpInteraction) -> None:
    i.given("a nominal has been merged into another", dict(ZOE))
    request_from_state(i, "nominals", NOMINAL_ID, "duplicate_id")
    json_response(
        i, 200, {"nominal_id": from_state(SURVIVOR_ID, "survivor_id"), "surname": match.str("Ní Bhriain")}
    )


def drive_merged(url: str) -> None:
    nominal = records_client(url).get_nominal(NOMINAL_ID)
    assert nominal is not None and nominal["nominal_id"] == SURVIVOR_ID  # the index re-keys to the survivor


define_unknown = not_found("nominal", "nominals", "nominal_id", UNKNOWN_NOMINAL_ID)


def drive_unknown(url: str) -> None:
    assert records_client(url).get_nominal(UNKNOWN_NOMINAL_ID) is None


CASES = [
    Case("feed", "a request for the records change feed after a cursor", define_feed, drive_feed),
    Case("nominal", "a request for a nominal named in the feed", define_nominal, drive_nominal),
    Case(
        "merged-nominal",
        "a request for a nominal that has been merged into another",
        define_merged,
        drive_merged,
    ),
    Case("unknown-nominal", "a request for a nominal that no longer exists", define_unknown, drive_unknown),
    *feed_refusal_cases("records", records_client),
]

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
