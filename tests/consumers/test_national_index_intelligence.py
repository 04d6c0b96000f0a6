"""national-index -> intelligence: follow the intelligence change feed and read each report it names,
in the sanitised view only (simulators/clients/national_index.py, scope intelligence:read). A report
marked above what the index may read must not exist for it (404), exactly like a missing one."""

from __future__ import annotations

import pytest
from pact import match
from pact.interaction import HttpInteraction

from simulators.clients.base import UpstreamError
from simulators.clients.national_index import FEED_LIMIT
from tests.consumers.conftest import PactRecorder
from tests.consumers.feeds import define_feed_after, define_feed_bad_cursor, define_feed_no_token, event
from tests.consumers.support import (
    CURSOR,
    INTELLIGENCE_REFERENCE_RE,
    NOMINAL_ID,
    REPORT_ID,
    UNKNOWN_REPORT_ID,
    UUID_RE,
    Case,
    Pair,
    accepts_json,
    authorised,
    from_state,
    intelligence_client,
    json_response,
    path_from_state,
    problem_response,
    regex,
    uuid,
)

PAIR = Pair("national-index", "intelligence")
REPORT_PATH = rf"^/reports/{UUID_RE[1:-1]}$"


def report_request(i: HttpInteraction) -> HttpInteraction:
    return authorised(
        accepts_json(
            i.with_request(
                "GET", path_from_state(f"/reports/{REPORT_ID}", "/reports/${report_id}", REPORT_PATH)
            )
        )
    )


def define_feed(i: HttpInteraction) -> None:
    define_feed_after(i, "intelligence", event("report.created", r"^report\.[a-z_]+$", "report"))


def drive_feed(url: str) -> None:
    page = intelligence_client(url).events(after=CURSOR, limit=FEED_LIMIT)
    assert page["items"][0]["type"] == "report.created"


def define_report(i: HttpInteraction) -> None:
    i.given("an intelligence report marked OFFICIAL exists", {"classification": "OFFICIAL"})
    report_request(i)
    json_response(
        i,
        200,
        {
            "report_id": from_state(REPORT_ID, "report_id"),
            "reference": regex("INT-2026-000042", INTELLIGENCE_REFERENCE_RE),
            "version": match.int(1),
            "text_version": "sanitised",  # never the original text: the index has no restricted scope
            "text": match.str("SUBJECT was seen selling cannabis outside a pub in the evening."),
            "grading": {
                "scheme": "3x5x2",
                "source_evaluation": regex("1", "^[123]$"),
                "intelligence_assessment": regex("A", "^[A-E]$"),
                "handling_code": regex("P", "^[PC]$"),
            },
            "classification": regex("OFFICIAL", "^OFFICIAL(-SENSITIVE)?$"),
            "subjects": match.type([{"nominal_id": uuid(NOMINAL_ID), "role": match.str("subject")}]),
        },
    )


def drive_report(url: str) -> None:
    report = intelligence_client(url).get_report(REPORT_ID)
    assert report is not None and report["text_version"] == "sanitised"


def define_secret_report(i: HttpInteraction) -> None:
    i.given("an intelligence report marked SECRET exists", {"classification": "SECRET"})
    report_request(i)
    problem_response(i, 404)


def drive_secret_report(url: str) -> None:
    assert intelligence_client(url).get_report(REPORT_ID) is None


def define_unknown(i: HttpInteraction) -> None:
    i.given(f"no intelligence report with id {UNKNOWN_REPORT_ID} exists", {"report_id": UNKNOWN_REPORT_ID})
    authorised(accepts_json(i.with_request("GET", f"/reports/{UNKNOWN_REPORT_ID}")))
    problem_response(i, 404)


def drive_unknown(url: str) -> None:
    assert intelligence_client(url).get_report(UNKNOWN_REPORT_ID) is None


def drive_bad_cursor(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        intelligence_client(url).events(after="cursor:42", limit=FEED_LIMIT)
    assert err.value.status == 400


def drive_no_token(url: str) -> None:
    with pytest.raises(UpstreamError) as err:
        intelligence_client(url, token=False).events(limit=FEED_LIMIT)
    assert err.value.status == 401


CASES = [
    Case("feed", "a request for the intelligence change feed after a cursor", define_feed, drive_feed),
    Case(
        "report",
        "a request for a report named in the feed, in the sanitised view",
        define_report,
        drive_report,
    ),
    Case(
        "secret-report",
        "a request for a report marked above what the index may read",
        define_secret_report,
        drive_secret_report,
    ),
    Case("unknown-report", "a request for a report that does not exist", define_unknown, drive_unknown),
    Case(
        "feed-bad-cursor",
        "a request for the change feed with a cursor intelligence never issued",
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
