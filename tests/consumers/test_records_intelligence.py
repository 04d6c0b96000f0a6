"""records -> intelligence: the "intelligence held" indicator records shows on a nominal, a yes/no
without content (simulators/records/api_peers.py through IntelligenceClient, scope
intelligence:indicator)."""

from __future__ import annotations

from pact.interaction import HttpInteraction

from tests.consumers.interactions import bad_request, no_token, pact_tests, refused, request_from_state
from tests.consumers.support import (
    NOMINAL_ID,
    UNKNOWN_NOMINAL_ID,
    Case,
    Pair,
    accepts_json,
    authorised,
    from_state,
    intelligence_client,
    json_response,
    uuid,
)

PAIR = Pair("records", "intelligence")


def define_held(i: HttpInteraction) -> None:
    i.given("intelligence is held on a nominal")
    request_from_state(i, "nominals", NOMINAL_ID, "nominal_id", "/indicator")
    # true, exactly: a provider that answers "no" when intelligence is held misleads an officer.
    json_response(i, 200, {"nominal_id": from_state(NOMINAL_ID, "nominal_id"), "intelligence_held": True})


def drive_held(url: str) -> None:
    assert intelligence_client(url).intelligence_held(NOMINAL_ID) is True


def define_not_held(i: HttpInteraction) -> None:
    i.given(f"no intelligence is held on nominal {UNKNOWN_NOMINAL_ID}", {"nominal_id": UNKNOWN_NOMINAL_ID})
    authorised(accepts_json(i.with_request("GET", f"/nominals/{UNKNOWN_NOMINAL_ID}/indicator")))
    json_response(i, 200, {"nominal_id": uuid(UNKNOWN_NOMINAL_ID), "intelligence_held": False})


def drive_not_held(url: str) -> None:
    assert intelligence_client(url).intelligence_held(UNKNOWN_NOMINAL_ID) is False


define_malformed_id = bad_request("/nominals/2019-0012345G/indicator")


def drive_malformed_id(url: str) -> None:
    assert not refused(400, lambda: intelligence_client(url).intelligence_held("2019-0012345G")).unavailable


define_no_token = no_token(f"/nominals/{UNKNOWN_NOMINAL_ID}/indicator")


def drive_no_token(url: str) -> None:
    refused(401, lambda: intelligence_client(url, token=False).intelligence_held(UNKNOWN_NOMINAL_ID))


CASES = [
    Case(
        "indicator-held",
        "a request for the indicator of a nominal on whom intelligence is held",
        define_held,
        drive_held,
    ),
    Case(
        "indicator-not-held",
        "a request for the indicator of a nominal on whom nothing is held",
        define_not_held,
        drive_not_held,
    ),
    Case(
        "indicator-malformed-id",
        "a request for the indicator with an id that is not a nominal id",
        define_malformed_id,
        drive_malformed_id,
    ),
    Case(
        "indicator-no-token",
        "a request for the indicator without an access token",
        define_no_token,
        drive_no_token,
    ),
]

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
