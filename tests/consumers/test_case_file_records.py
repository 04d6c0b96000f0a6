"""case-file -> records: the occurrence (what happened, the suspects, the custody outcomes and
charges) and each suspect's identity for a prosecution file (simulators/clients/case_file.py, scope
records:read)."""

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
    OCCURRENCE_ID,
    OCCURRENCE_REFERENCE_RE,
    PARTIAL_DATE_RE,
    PNC_RE,
    UNKNOWN_OCCURRENCE_ID,
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
    authorised(
        accepts_json(
            i.with_request(
                "GET",
                path_from_state(
                    f"/occurrences/{OCCURRENCE_ID}",
                    "/occurrences/${occurrence_id}",
                    rf"^/occurrences/{UUID_RE[1:-1]}$",
                ),
            )
        )
    )
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
    authorised(
        accepts_json(
            i.with_request(
                "GET",
                path_from_state(
                    f"/nominals/{NOMINAL_ID}", "/nominals/${nominal_id}", rf"^/nominals/{UUID_RE[1:-1]}$"
                ),
            )
        )
    )
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


def define_unknown(i: HttpInteraction) -> None:
    i.given(f"no occurrence with id {UNKNOWN_OCCURRENCE_ID} exists", {"occurrence_id": UNKNOWN_OCCURRENCE_ID})
    authorised(accepts_json(i.with_request("GET", f"/occurrences/{UNKNOWN_OCCURRENCE_ID}")))
    problem_response(i, 404)


def drive_unknown(url: str) -> None:
    assert records_client(url).get_occurrence(UNKNOWN_OCCURRENCE_ID) is None


def define_reference_not_id(i: HttpInteraction) -> None:
    authorised(accepts_json(i.with_request("GET", "/occurrences/OCC-2025-000123")))
    problem_response(i, 400)


def drive_reference_not_id(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        records_client(url).get_occurrence("OCC-2025-000123")
    assert err.value.status == 400


def define_no_token(i: HttpInteraction) -> None:
    accepts_json(i.with_request("GET", f"/occurrences/{UNKNOWN_OCCURRENCE_ID}"))
    problem_response(i, 401)


def drive_no_token(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        records_client(url, token=False).get_occurrence(UNKNOWN_OCCURRENCE_ID)
    assert err.value.status == 401


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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_interaction(case: Case, pact_recorder: PactRecorder) -> None:
    pact_recorder.check(PAIR, case)


def test_pact_file_is_complete(pact_recorder: PactRecorder) -> None:
    pact_recorder.complete(PAIR, CASES)
