"""intelligence -> records: the report's subjects are nominals records holds; intelligence checks
each one and stores the survivor of a merge (simulators/intelligence/subjects.py through
RecordsClient, scope records:read)."""

from __future__ import annotations

import pytest
from pact import match
from pact.interaction import HttpInteraction

from simulators.clients.base import UpstreamError
from tests.consumers.conftest import PactRecorder
from tests.consumers.support import (
    NOMINAL_ID,
    SURVIVOR_ID,
    UNKNOWN_NOMINAL_ID,
    UUID_RE,
    Case,
    Pair,
    accepts_json,
    authorised,
    from_state,
    json_response,
    path_from_state,
    problem_response,
    records_client,
)

PAIR = Pair("intelligence", "records")
ZOE = {"surname": "Ní Bhriain", "forenames": ["Zoë"], "date_of_birth": "1994-11-02", "sex": "female"}
NOMINAL_PATH = rf"^/nominals/{UUID_RE[1:-1]}$"


def define_subject(i: HttpInteraction) -> None:
    i.given("a nominal exists", dict(ZOE))
    authorised(
        accepts_json(
            i.with_request(
                "GET", path_from_state(f"/nominals/{NOMINAL_ID}", "/nominals/${nominal_id}", NOMINAL_PATH)
            )
        )
    )
    json_response(
        i, 200, {"nominal_id": from_state(NOMINAL_ID, "nominal_id"), "surname": match.str("Ní Bhriain")}
    )


def drive_subject(url: str) -> None:
    nominal = records_client(url).get_nominal(NOMINAL_ID)
    assert nominal is not None and nominal["nominal_id"] == NOMINAL_ID


def define_merged_subject(i: HttpInteraction) -> None:
    i.given("a nominal has been merged into another", dict(ZOE))
    authorised(
        accepts_json(
            i.with_request(
                "GET", path_from_state(f"/nominals/{NOMINAL_ID}", "/nominals/${duplicate_id}", NOMINAL_PATH)
            )
        )
    )
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


def define_unknown_subject(i: HttpInteraction) -> None:
    i.given(f"no nominal with id {UNKNOWN_NOMINAL_ID} exists", {"nominal_id": UNKNOWN_NOMINAL_ID})
    authorised(accepts_json(i.with_request("GET", f"/nominals/{UNKNOWN_NOMINAL_ID}")))
    problem_response(i, 404)


def drive_unknown_subject(url: str) -> None:
    assert records_client(url).get_nominal(UNKNOWN_NOMINAL_ID) is None


def define_malformed_id(i: HttpInteraction) -> None:
    authorised(accepts_json(i.with_request("GET", "/nominals/not-a-nominal-id")))
    problem_response(i, 400)


def drive_malformed_id(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        records_client(url).get_nominal("not-a-nominal-id")
    assert err.value.status == 400


def define_no_token(i: HttpInteraction) -> None:
    accepts_json(i.with_request("GET", f"/nominals/{UNKNOWN_NOMINAL_ID}"))
    problem_response(i, 401)


def drive_no_token(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        records_client(url, token=False).get_nominal(UNKNOWN_NOMINAL_ID)
    assert err.value.status == 401


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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_interaction(case: Case, pact_recorder: PactRecorder) -> None:
    pact_recorder.check(PAIR, case)


def test_pact_file_is_complete(pact_recorder: PactRecorder) -> None:
    pact_recorder.complete(PAIR, CASES)
