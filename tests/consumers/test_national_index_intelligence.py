"""national-index -> intelligence: follow the intelligence change feed and read each report it names,
in the sanitised view only (simulators/clients/national_index.py, scope intelligence:read). A report
marked above what the index may read must not exist for it (404), exactly like a missing one."""

from __future__ import annotations

from pact import match
from pact.interaction import HttpInteraction

from simulators.clients.national_index import FEED_LIMIT
from tests.consumers.feeds import define_feed_after, event, feed_refusal_cases
from tests.consumers.interactions import not_found, pact_tests, request_from_state
from tests.consumers.support import (
    CURSOR,
    INTELLIGENCE_REFERENCE_RE,
    NOMINAL_ID,
    REPORT_ID,
    UNKNOWN_REPORT_ID,
    Case,
    Pair,
    from_state,
    intelligence_client,
    json_response,
    problem_response,
    regex,
    uuid,
)

PAIR = Pair("national-index", "intelligence")


def report_request(i: HttpInteraction) -> HttpInteraction:
    return request_from_state(i, "reports", REPORT_ID, "report_id")


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


define_unknown = not_found("intelligence report", "reports", "report_id", UNKNOWN_REPORT_ID)


def drive_unknown(url: str) -> None:
    assert intelligence_client(url).get_report(UNKNOWN_REPORT_ID) is None


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
    *feed_refusal_cases("intelligence", intelligence_client),
]

test_interaction, test_pact_file_is_complete = pact_tests(PAIR, CASES)
