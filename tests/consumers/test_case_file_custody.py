"""case-file -> custody: the suspect's custody record (arrest, offences, outcome, charges) for a
prosecution file, by id or from the suspect's custody history (simulators/clients/case_file.py,
scope custody:read)."""

from __future__ import annotations

import pytest
from pact import match
from pact.interaction import HttpInteraction

from simulators.clients.base import UpstreamError
from tests.consumers.conftest import PactRecorder
from tests.consumers.support import (
    CJS_CODE_RE,
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
)

PAIR = Pair("case-file", "custody")
SIOBHAN = {"surname": "O'Brien", "forenames": ["Siobhán"], "date_of_birth": "1990-07-14"}


def charged_record() -> dict:
    """The custody record a prosecution file quotes: arrest, offences, outcome with charges."""
    return {
        "custody_id": from_state(CUSTODY_ID, "custody_id"),
        "custody_number": regex("LS-2025-000123", CUSTODY_NUMBER_RE),
        "nominal_id": from_state(NOMINAL_ID, "nominal_id"),
        "status": "released",
        "arrest": {
            "arrested_at": timestamp("2025-03-04T09:40:00+00:00"),
            "location": match.str("Briggate, Leeds"),
            "reason": match.str("Suspected theft from a shop"),
            "officer": {"name": match.str("PC Amy Walsh")},
        },
        "arrived_at": timestamp("2025-03-04T10:15:00+00:00"),
        "offences": match.each_like({"cjs_code": regex("TH68010", CJS_CODE_RE), "title": match.str("Theft")}),
        "outcome": {
            "type": "charged",
            "decided_at": timestamp("2025-03-04T18:00:00+00:00"),
            "charges": match.each_like(
                {"cjs_code": regex("TH68010", CJS_CODE_RE), "title": match.str("Theft from a shop")}
            ),
        },
        "released_at": timestamp("2025-03-04T18:00:00+00:00"),
    }


def define_record(i: HttpInteraction) -> None:
    i.given("a custody record with a charge outcome exists", dict(SIOBHAN))
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
    json_response(i, 200, charged_record())


def drive_record(url: str) -> None:
    record = custody_client(url).get_custody_record(CUSTODY_ID)
    assert record is not None and record["outcome"]["charges"][0]["cjs_code"] == "TH68010"


def define_history(i: HttpInteraction) -> None:
    i.given("a custody record with a charge outcome exists", dict(SIOBHAN))
    authorised(
        accepts_json(
            i.with_request("GET", "/custody-records")
            .with_query_parameter("nominal_id", from_state(NOMINAL_ID, "nominal_id"))
            .with_query_parameter("limit", "200")
        )
    )
    json_response(i, 200, {"items": match.each_like(charged_record()), "next_cursor": None})


def drive_history(url: str) -> None:
    records = custody_client(url).custody_history(NOMINAL_ID)
    assert records[0]["outcome"]["type"] == "charged"


def define_unknown(i: HttpInteraction) -> None:
    i.given(f"no custody record with id {UNKNOWN_CUSTODY_ID} exists", {"custody_id": UNKNOWN_CUSTODY_ID})
    authorised(accepts_json(i.with_request("GET", f"/custody-records/{UNKNOWN_CUSTODY_ID}")))
    problem_response(i, 404)


def drive_unknown(url: str) -> None:
    assert custody_client(url).get_custody_record(UNKNOWN_CUSTODY_ID) is None


def define_number_not_id(i: HttpInteraction) -> None:
    authorised(accepts_json(i.with_request("GET", "/custody-records/LS-2025-000123")))
    problem_response(i, 400)


def drive_number_not_id(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        custody_client(url).get_custody_record("LS-2025-000123")
    assert err.value.status == 400


def define_no_token(i: HttpInteraction) -> None:
    accepts_json(i.with_request("GET", f"/custody-records/{UNKNOWN_CUSTODY_ID}"))
    problem_response(i, 401)


def drive_no_token(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        custody_client(url, token=False).get_custody_record(UNKNOWN_CUSTODY_ID)
    assert err.value.status == 401


CASES = [
    Case(
        "custody-record", "a request for the custody record of a charged suspect", define_record, drive_record
    ),
    Case(
        "custody-history",
        "a request for the custody records of a charged suspect",
        define_history,
        drive_history,
    ),
    Case(
        "unknown-custody-record",
        "a request for a custody record that does not exist",
        define_unknown,
        drive_unknown,
    ),
    Case(
        "custody-number",
        "a request for a custody record by its custody number instead of its id",
        define_number_not_id,
        drive_number_not_id,
    ),
    Case(
        "no-token", "a request for a custody record without an access token", define_no_token, drive_no_token
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_interaction(case: Case, pact_recorder: PactRecorder) -> None:
    pact_recorder.check(PAIR, case)


def test_pact_file_is_complete(pact_recorder: PactRecorder) -> None:
    pact_recorder.complete(PAIR, CASES)
