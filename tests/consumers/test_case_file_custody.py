"""case-file -> custody: the suspect's custody record (arrest, offences, outcome, charges) for a
prosecution file, by id or from the suspect's custody history (simulators/clients/case_file.py,
scope custody:read)."""

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
    CJS_CODE_RE,
    CUSTODY_ID,
    CUSTODY_NUMBER_RE,
    NOMINAL_ID,
    UNKNOWN_CUSTODY_ID,
    Case,
    Pair,
    accepts_json,
    authorised,
    custody_client,
    from_state,
    json_response,
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
    request_from_state(i, "custody-records", CUSTODY_ID, "custody_id")
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


define_unknown = not_found("custody record", "custody-records", "custody_id", UNKNOWN_CUSTODY_ID)


def drive_unknown(url: str) -> None:
    assert custody_client(url).get_custody_record(UNKNOWN_CUSTODY_ID) is None


define_number_not_id = bad_request("/custody-records/LS-2025-000123")


def drive_number_not_id(url: str) -> None:
    refused(400, lambda: custody_client(url).get_custody_record("LS-2025-000123"))


define_no_token = no_token(f"/custody-records/{UNKNOWN_CUSTODY_ID}")


def drive_no_token(url: str) -> None:
    refused(401, lambda: custody_client(url, token=False).get_custody_record(UNKNOWN_CUSTODY_ID))


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

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
