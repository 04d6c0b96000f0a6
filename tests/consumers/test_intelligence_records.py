"""intelligence -> records: the report's subjects are nominals records holds; intelligence checks
each one and stores the survivor of a merge (simulators/intelligence/subjects.py through
RecordsClient, scope records:read)."""

from __future__ import annotations

from pact import match
from pact.interaction import HttpInteraction

from tests.consumers.interactions import (
    bad_request,
    no_token,
    not_found,
    pact_tests,
    refused,
    request_from_state,
)
from tests.consumers.support import (
    NOMINAL_ID,
    SURVIVOR_ID,
    UNKNOWN_NOMINAL_ID,
    Case,
    Pair,
    from_state,
    json_response,
    records_client,
)

PAIR = Pair("intelligence", "records")
ZOE = {"surname": "Ní Bhriain", "forenames": ["Zoë"], "date_of_birth": "1994-11-02", "sex": "female"}


def define_subject(i: HttpInteraction) -> None:
    i.given("a nominal exists", dict(ZOE))
    request_from_state(i, "nominals", NOMINAL_ID, "nominal_id")
    json_response(
        i, 200, {"nominal_id": from_state(NOMINAL_ID, "nominal_id"), "surname": match.str("Ní Bhriain")}
    )


def drive_subject(url: str) -> None:
    nominal = records_client(url).get_nominal(NOMINAL_ID)
    assert nominal is not None and nominal["nominal_id"] == NOMINAL_ID


def define_merged_subject(i: HttpInteraction) -> None:
    i.given("a nominal has been merged into another", dict(ZOE))
    request_from_state(i, "nominals", NOMINAL_ID, "duplicate_id")
    json_response(
        i,
        200,
        {
            "nominal_id": from_state(SURVIVOR_ID, "survivor_id"),
            "resolved_from": from_state(NOMINAL_ID, "duplicate_id"),
        },
    )


def drive_merged_subject(url: str) -> None:
    nominal = records_client(url).get_nominal(NOMINAL_ID)
    assert nominal is not None and nominal["nominal_id"] == SURVIVOR_ID  # the report names the survivor


define_unknown_subject = not_found("nominal", "nominals", "nominal_id", UNKNOWN_NOMINAL_ID)


def drive_unknown_subject(url: str) -> None:
    assert records_client(url).get_nominal(UNKNOWN_NOMINAL_ID) is None


define_malformed_id = bad_request("/nominals/not-a-nominal-id")


def drive_malformed_id(url: str) -> None:
    refused(400, lambda: records_client(url).get_nominal("not-a-nominal-id"))


define_no_token = no_token(f"/nominals/{UNKNOWN_NOMINAL_ID}")


def drive_no_token(url: str) -> None:
    refused(401, lambda: records_client(url, token=False).get_nominal(UNKNOWN_NOMINAL_ID))


CASES = [
    Case("subject", "a request for a report subject's nominal", define_subject, drive_subject),
    Case(
        "merged-subject",
        "a request for a subject whose nominal was merged into another",
        define_merged_subject,
        drive_merged_subject,
    ),
    Case(
        "unknown-subject",
        "a request for a subject records does not hold",
        define_unknown_subject,
        drive_unknown_subject,
    ),
    Case(
        "malformed-id",
        "a request for a nominal by an id that is not a nominal id",
        define_malformed_id,
        drive_malformed_id,
    ),
    Case(
        "no-token",
        "a request for a subject's nominal without an access token",
        define_no_token,
        drive_no_token,
    ),
]

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
