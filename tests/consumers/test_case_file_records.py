"""case-file -> records: the occurrence (what happened, the suspects, the custody outcomes and
charges) and each suspect's identity for a prosecution file (simulators/clients/case_file.py, scope
records:read)."""

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
    OCCURRENCE_ID,
    OCCURRENCE_REFERENCE_RE,
    PARTIAL_DATE_RE,
    PNC_RE,
    UNKNOWN_OCCURRENCE_ID,
    Case,
    Pair,
    from_state,
    json_response,
    records_client,
    regex,
    timestamp,
)

PAIR = Pair("case-file", "records")
PNC = "2008/7700123V"
SIOBHAN = {
    "surname": "O'Brien",
    "forenames": ["Siobhán"],
    "date_of_birth": "1990-07-14",
    "sex": "female",
    "pnc_id": PNC,
}


def define_occurrence(i: HttpInteraction) -> None:
    i.given("a crime occurrence with a charged suspect exists", {**SIOBHAN, "classification": "8N"})
    request_from_state(i, "occurrences", OCCURRENCE_ID, "occurrence_id")
    json_response(
        i,
        200,
        {
            "occurrence_id": from_state(OCCURRENCE_ID, "occurrence_id"),
            "reference": regex("OCC-2025-000123", OCCURRENCE_REFERENCE_RE),
            "type": "crime",
            "classification": {"code": match.str("8N"), "title": match.str("Assault with injury")},
            "occurred_from": timestamp("2025-03-04T22:10:00+00:00"),
            "links": match.each_like(
                {
                    "nominal_id": from_state(NOMINAL_ID, "nominal_id"),
                    "role": regex("suspect", "^(suspect|offender)$"),
                }
            ),
            "custody_outcomes": match.each_like(
                {
                    "custody_id": from_state(CUSTODY_ID, "custody_id"),
                    "custody_number": regex("LS-2025-000123", CUSTODY_NUMBER_RE),
                    "nominal_id": from_state(NOMINAL_ID, "nominal_id"),
                    "outcome": {
                        "type": "charged",
                        "decided_at": timestamp("2025-03-05T14:00:00+00:00"),
                        "charges": match.each_like(
                            {
                                "cjs_code": regex("OF61102", CJS_CODE_RE),
                                "title": match.str("Assault occasioning actual bodily harm (s.47)"),
                            }
                        ),
                    },
                }
            ),
        },
    )


def drive_occurrence(url: str) -> None:
    occurrence = records_client(url).get_occurrence(OCCURRENCE_ID)
    assert occurrence is not None
    assert occurrence["custody_outcomes"][0]["outcome"]["charges"][0]["cjs_code"] == "OF61102"


def define_suspect(i: HttpInteraction) -> None:
    i.given(f"a nominal with PNC ID {PNC} exists", dict(SIOBHAN))
    request_from_state(i, "nominals", NOMINAL_ID, "nominal_id")
    json_response(
        i,
        200,
        {
            "nominal_id": from_state(NOMINAL_ID, "nominal_id"),
            "pnc_id": regex(PNC, PNC_RE),
            "surname": match.str("O'Brien"),
            "forenames": match.each_like(match.str("Siobhán")),
            "date_of_birth": regex("1990-07-14", PARTIAL_DATE_RE),
            "address": {
                "line1": match.str("1 Contract Street"),
                "town": match.str("Leeds"),
                "postcode": match.str("LS1 1AA"),
            },
        },
    )


def drive_suspect(url: str) -> None:
    nominal = records_client(url).get_nominal(NOMINAL_ID)
    assert nominal is not None and nominal["address"]["postcode"] == "LS1 1AA"


define_unknown = not_found("occurrence", "occurrences", "occurrence_id", UNKNOWN_OCCURRENCE_ID)


def drive_unknown(url: str) -> None:
    assert records_client(url).get_occurrence(UNKNOWN_OCCURRENCE_ID) is None


define_reference_not_id = bad_request("/occurrences/OCC-2025-000123")


def drive_reference_not_id(url: str) -> None:
    refused(400, lambda: records_client(url).get_occurrence("OCC-2025-000123"))


define_no_token = no_token(f"/occurrences/{UNKNOWN_OCCURRENCE_ID}")


def drive_no_token(url: str) -> None:
    refused(401, lambda: records_client(url, token=False).get_occurrence(UNKNOWN_OCCURRENCE_ID))


CASES = [
    Case(
        "occurrence",
        "a request for the occurrence of a prosecution file",
        define_occurrence,
        drive_occurrence,
    ),
    Case("suspect", "a request for a suspect's nominal", define_suspect, drive_suspect),
    Case(
        "unknown-occurrence", "a request for an occurrence that does not exist", define_unknown, drive_unknown
    ),
    Case(
        "occurrence-reference",
        "a request for an occurrence by its reference instead of its id",
        define_reference_not_id,
        drive_reference_not_id,
    ),
    Case("no-token", "a request for an occurrence without an access token", define_no_token, drive_no_token),
]

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
