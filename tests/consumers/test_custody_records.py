"""custody -> records: what the custody system needs from records to book a detainee in and to
deliver the custody outcome (simulators/custody/identify.py, outbox.py, through RecordsClient)."""

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
    LINK_ID,
    NOMINAL_ID,
    OCCURRENCE_ID,
    OUTCOME_ID,
    PARTIAL_DATE_RE,
    PNC_RE,
    TIMESTAMP_RE,
    UNKNOWN_NOMINAL_ID,
    UNKNOWN_OCCURRENCE_ID,
    Case,
    Pair,
    accepts_json,
    authorised,
    from_state,
    json_response,
    problem_response,
    records_client,
    regex,
    uuid,
)

PAIR = Pair("custody", "records")
PNC = "2019/0012345G"
SIOBHAN = {"surname": "O'Brien", "forenames": ["Siobhán"], "date_of_birth": "1990-07-14", "sex": "female"}


def nominal_body(nominal_id: object = None) -> dict:
    """The fields custody reads from a nominal: id, identity, PNC ID."""
    return {
        "nominal_id": nominal_id or from_state(NOMINAL_ID, "nominal_id"),
        "pnc_id": regex(PNC, PNC_RE),
        "surname": match.str("O'Brien"),
        "forenames": match.each_like(match.str("Siobhán")),
        "date_of_birth": regex("1990-07-14", PARTIAL_DATE_RE),
    }


def search_result(with_pnc: bool) -> dict:
    """A search hit: what custody needs to pick the detainee or list the candidates."""
    body = {**nominal_body(), "match": {"score": match.number(1.0)}}
    if not with_pnc:  # a name match may be a person PNC does not know: pnc_id is then null
        del body["pnc_id"]
    return body


# --- get nominal ----------------------------------------------------------------------------------


def define_get_nominal(i: HttpInteraction) -> None:
    i.given(f"a nominal with PNC ID {PNC} exists", {"pnc_id": PNC, **SIOBHAN})
    request_from_state(i, "nominals", NOMINAL_ID, "nominal_id")
    json_response(i, 200, nominal_body())


def drive_get_nominal(url: str) -> None:
    nominal = records_client(url).get_nominal(NOMINAL_ID)
    assert nominal is not None and nominal["nominal_id"] == NOMINAL_ID and nominal["forenames"] == ["Siobhán"]


define_get_unknown_nominal = not_found("nominal", "nominals", "nominal_id", UNKNOWN_NOMINAL_ID)


def drive_get_unknown_nominal(url: str) -> None:
    assert records_client(url).get_nominal(UNKNOWN_NOMINAL_ID) is None


def define_get_nominal_without_token(i: HttpInteraction) -> None:
    i.given(f"no nominal with id {UNKNOWN_NOMINAL_ID} exists", {"nominal_id": UNKNOWN_NOMINAL_ID})
    no_token(f"/nominals/{UNKNOWN_NOMINAL_ID}")(i)


def drive_get_nominal_without_token(url: str) -> None:
    error = refused(401, lambda: records_client(url, token=False).get_nominal(UNKNOWN_NOMINAL_ID))
    assert error.problem["status"] == 401


# --- search ---------------------------------------------------------------------------------------


def define_search_by_pnc(i: HttpInteraction) -> None:
    i.given(f"a nominal with PNC ID {PNC} exists", {"pnc_id": PNC, **SIOBHAN})
    authorised(
        accepts_json(
            i.with_request("GET", "/nominals")
            .with_query_parameter("pnc_id", PNC)
            .with_query_parameter("limit", "20")
        )
    )
    json_response(i, 200, {"items": match.each_like(search_result(with_pnc=True))})


def drive_search_by_pnc(url: str) -> None:
    hits = records_client(url).search_nominals(pnc_id=PNC, limit=20)
    assert hits and hits[0]["pnc_id"] == PNC


def define_search_by_name(i: HttpInteraction) -> None:
    i.given("a nominal exists", dict(SIOBHAN))
    authorised(
        accepts_json(
            i.with_request("GET", "/nominals")
            .with_query_parameter("surname", "O'Brien")
            .with_query_parameter("forename", "Siobhán")
            .with_query_parameter("date_of_birth", "1990-07-14")
            .with_query_parameter("limit", "20")
        )
    )
    json_response(i, 200, {"items": match.each_like(search_result(with_pnc=False))})


def drive_search_by_name(url: str) -> None:
    hits = records_client(url).search_nominals(
        surname="O'Brien", forename="Siobhán", date_of_birth="1990-07-14", limit=20
    )
    assert hits[0]["surname"] == "O'Brien" and hits[0]["match"]["score"] == 1.0


define_search_bad_pnc = bad_request("/nominals", pnc_id="2019/0012345X", limit="20")


def drive_search_bad_pnc(url: str) -> None:
    refused(400, lambda: records_client(url).search_nominals(pnc_id="2019/0012345X", limit=20))


# --- create nominal -------------------------------------------------------------------------------

NEW_PERSON = {
    "surname": "Ní Bhriain",
    "forenames": ["Zoë", "Áine"],
    "date_of_birth": "1994-11-02",
    "sex": "female",
    "address": {"line1": "14 Rue Street", "town": "Leeds", "postcode": "LS6 2AB"},
}


def define_create_nominal(i: HttpInteraction) -> None:
    authorised(accepts_json(i.with_request("POST", "/nominals"))).with_body(
        NEW_PERSON, content_type="application/json"
    )
    json_response(
        i,
        201,
        {
            "nominal_id": uuid(NOMINAL_ID),
            "surname": match.str("Ní Bhriain"),
            "forenames": match.each_like(match.str("Zoë")),
            "date_of_birth": regex("1994-11-02", PARTIAL_DATE_RE),
        },
    )


def drive_create_nominal(url: str) -> None:
    created = records_client(url).create_nominal(NEW_PERSON)
    assert created["nominal_id"] == NOMINAL_ID and created["surname"] == "Ní Bhriain"


def define_create_invalid_nominal(i: HttpInteraction) -> None:
    body = {"forenames": ["Zoë"], "date_of_birth": "1994-11-02", "sex": "female"}
    authorised(accepts_json(i.with_request("POST", "/nominals"))).with_body(
        body, content_type="application/json"
    )
    problem_response(i, 400)


def drive_create_invalid_nominal(url: str) -> None:
    refused(
        400,
        lambda: records_client(url).create_nominal(
            {"forenames": ["Zoë"], "date_of_birth": "1994-11-02", "sex": "female"}
        ),
    )


def define_create_duplicate_pnc(i: HttpInteraction) -> None:
    i.given(f"a nominal with PNC ID {PNC} exists", {"pnc_id": PNC, **SIOBHAN})
    body = {**SIOBHAN, "pnc_id": PNC}
    authorised(accepts_json(i.with_request("POST", "/nominals"))).with_body(
        body, content_type="application/json"
    )
    problem_response(i, 409)


def drive_create_duplicate_pnc(url: str) -> None:
    error = refused(409, lambda: records_client(url).create_nominal({**SIOBHAN, "pnc_id": PNC}))
    assert error.problem["detail"]


# --- occurrences ----------------------------------------------------------------------------------


def define_get_occurrence(i: HttpInteraction) -> None:
    i.given("a crime occurrence exists", {"classification": "8N"})
    request_from_state(i, "occurrences", OCCURRENCE_ID, "occurrence_id")
    json_response(
        i,
        200,
        {
            "occurrence_id": from_state(OCCURRENCE_ID, "occurrence_id"),
            "type": regex("crime", "^(crime|incident)$"),
        },
    )


def drive_get_occurrence(url: str) -> None:
    occurrence = records_client(url).get_occurrence(OCCURRENCE_ID)
    assert occurrence is not None and occurrence["type"] == "crime"


define_get_unknown_occurrence = not_found("occurrence", "occurrences", "occurrence_id", UNKNOWN_OCCURRENCE_ID)


def drive_get_unknown_occurrence(url: str) -> None:
    assert records_client(url).get_occurrence(UNKNOWN_OCCURRENCE_ID) is None


def define_link_suspect(i: HttpInteraction) -> None:
    i.given("a crime occurrence and a nominal exist", dict(SIOBHAN))
    request_from_state(i, "occurrences", OCCURRENCE_ID, "occurrence_id", "/links", method="POST").with_body(
        {"nominal_id": from_state(NOMINAL_ID, "nominal_id"), "role": "suspect"},
        content_type="application/json",
    )
    json_response(
        i,
        201,
        {
            "link_id": uuid(LINK_ID),
            "occurrence_id": from_state(OCCURRENCE_ID, "occurrence_id"),
            "nominal_id": from_state(NOMINAL_ID, "nominal_id"),
            "role": "suspect",
        },
    )


def drive_link_suspect(url: str) -> None:
    link = records_client(url).add_occurrence_link(OCCURRENCE_ID, NOMINAL_ID, "suspect")
    assert link["role"] == "suspect" and link["nominal_id"] == NOMINAL_ID


OUTCOME = {
    "custody_id": CUSTODY_ID,
    "custody_number": "LS-2025-000123",
    "nominal_id": NOMINAL_ID,
    "outcome": {
        "type": "charged",
        "decided_at": "2025-03-05T14:00:00+00:00",
        "charges": [{"cjs_code": "OF61102", "title": "Assault occasioning actual bodily harm (s.47)"}],
    },
}


def define_record_outcome(i: HttpInteraction) -> None:
    i.given("a crime occurrence and a nominal exist", dict(SIOBHAN))
    body = {
        **OUTCOME,
        "nominal_id": from_state(NOMINAL_ID, "nominal_id"),
        "outcome": {
            **OUTCOME["outcome"],
            "decided_at": from_state("2025-03-05T14:00:00+00:00", "decided_at", TIMESTAMP_RE),
        },
    }
    request_from_state(
        i, "occurrences", OCCURRENCE_ID, "occurrence_id", "/custody-outcomes", method="POST"
    ).with_body(body, content_type="application/json")
    json_response(
        i,
        201,
        {
            "custody_outcome_id": uuid(OUTCOME_ID),
            "occurrence_id": from_state(OCCURRENCE_ID, "occurrence_id"),
            "custody_id": uuid(CUSTODY_ID),
            "outcome": {
                "type": "charged",
                "charges": match.each_like({"cjs_code": regex("OF61102", CJS_CODE_RE)}),
            },
        },
    )


def drive_record_outcome(url: str) -> None:
    recorded = records_client(url).record_custody_outcome(OCCURRENCE_ID, OUTCOME)
    assert recorded["custody_id"] == CUSTODY_ID and recorded["outcome"]["type"] == "charged"


def define_record_outcome_unknown_occurrence(i: HttpInteraction) -> None:
    i.given(f"no occurrence with id {UNKNOWN_OCCURRENCE_ID} exists", {"occurrence_id": UNKNOWN_OCCURRENCE_ID})
    authorised(
        accepts_json(i.with_request("POST", f"/occurrences/{UNKNOWN_OCCURRENCE_ID}/custody-outcomes"))
    ).with_body(OUTCOME, content_type="application/json")
    problem_response(i, 404)


def drive_record_outcome_unknown_occurrence(url: str) -> None:
    error = refused(404, lambda: records_client(url).record_custody_outcome(UNKNOWN_OCCURRENCE_ID, OUTCOME))
    assert not error.unavailable


CASES = [
    Case("get-nominal", "a request for a detainee's nominal by id", define_get_nominal, drive_get_nominal),
    Case(
        "get-unknown-nominal",
        "a request for a nominal that does not exist",
        define_get_unknown_nominal,
        drive_get_unknown_nominal,
    ),
    Case(
        "get-nominal-no-token",
        "a request for a nominal without an access token",
        define_get_nominal_without_token,
        drive_get_nominal_without_token,
    ),
    Case("search-pnc", "a search for nominals by PNC ID", define_search_by_pnc, drive_search_by_pnc),
    Case(
        "search-name",
        "a search for nominals by name and date of birth",
        define_search_by_name,
        drive_search_by_name,
    ),
    Case(
        "search-bad-pnc",
        "a search by a PNC ID with a wrong check letter",
        define_search_bad_pnc,
        drive_search_bad_pnc,
    ),
    Case(
        "create-nominal",
        "a request to create a nominal for a new detainee",
        define_create_nominal,
        drive_create_nominal,
    ),
    Case(
        "create-invalid",
        "a request to create a nominal without a surname",
        define_create_invalid_nominal,
        drive_create_invalid_nominal,
    ),
    Case(
        "create-duplicate-pnc",
        "a request to create a nominal with a PNC ID records already holds",
        define_create_duplicate_pnc,
        drive_create_duplicate_pnc,
    ),
    Case(
        "get-occurrence",
        "a request for the occurrence a detainee was arrested for",
        define_get_occurrence,
        drive_get_occurrence,
    ),
    Case(
        "get-unknown-occurrence",
        "a request for an occurrence that does not exist",
        define_get_unknown_occurrence,
        drive_get_unknown_occurrence,
    ),
    Case(
        "link-suspect",
        "a request to link the detainee to the occurrence as a suspect",
        define_link_suspect,
        drive_link_suspect,
    ),
    Case(
        "record-outcome",
        "a request to record a charge outcome on the occurrence",
        define_record_outcome,
        drive_record_outcome,
    ),
    Case(
        "record-outcome-unknown-occurrence",
        "a request to record an outcome on an occurrence that does not exist",
        define_record_outcome_unknown_occurrence,
        drive_record_outcome_unknown_occurrence,
    ),
]

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
