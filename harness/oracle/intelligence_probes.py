"""Boundary probes of the intelligence rules the standard states with a boundary: the 3x5x2
combinations (each dimension one code outside its scheme; handling conditions with C and P), the
MoPI review date (today vs yesterday; 10 years ahead vs one day more), and who sees what (the
sanitised view without `intelligence:read:restricted`, the original with it; a SECRET report
invisible without it), through `POST /reports` and `GET /reports/{id}`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from harness.oracle.probing import Case, Prober, absent, field_is
from simulators.intelligence.review import MAX_REVIEW_YEARS, add_years

SCOPES = ["intelligence:read", "intelligence:write"]
READER = ["intelligence:read"]
RESTRICTED = ["intelligence:read:restricted"]
RESTRICTED_WRITER = ["intelligence:read:restricted", "intelligence:write"]
CONDITIONS = "Not to be disseminated outside the force without the SIO's consent."


def report(grading: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "source_type": "police_officer",
        "grading": {"scheme": "3x5x2", **grading},
        "classification": "OFFICIAL",
        "original_text": "PC 4512 saw SUBJECT at the junction of Elm Road and Oak Lane at 22:10.",
        "sanitised_text": "SUBJECT was seen in the Elm Road area in the evening.",
        **extra,
    }


def _grade(source: str, assessment: str, handling: str, conditions: str | None = None) -> dict[str, Any]:
    g = {"source_evaluation": source, "intelligence_assessment": assessment, "handling_code": handling}
    return {**g, "handling_conditions": conditions} if conditions is not None else g


def run_intelligence(p: Prober) -> None:
    case = Case(p, "intelligence: grading (3x5x2)")
    for grading, rule, name in (
        (
            _grade("A", "A", "P"),
            "GRD-3x5x2-source",
            "A 3x5x2 source evaluation 'A' (a 5x5x5 code) is refused",
        ),
        (
            _grade("1", "1", "P"),
            "GRD-3x5x2-assessment",
            "A 3x5x2 intelligence assessment '1' (a 5x5x5 code) is refused",
        ),
        (_grade("1", "A", "1"), "GRD-3x5x2-handling", "A 3x5x2 handling code '1' (a 5x5x5 code) is refused"),
        (
            _grade("2", "B", "C"),
            "GRD-handling-conditions",
            "Handling code C without handling conditions is refused",
        ),
        (
            _grade("2", "B", "P", CONDITIONS),
            "GRD-handling-no-conditions",
            "Handling code P with handling conditions is refused",
        ),
        (
            {**_grade("A", "1", "1"), "scheme": "5x5x5"},
            "GRD-scheme-legacy",
            "A new report graded 5x5x5 is refused",
        ),
    ):
        case.refused(name, rule, "POST", "/reports", report(grading))
    case.accepted(
        "A report graded 1AP (the first code of each dimension) is accepted as graded",
        {
            "GRD-3x5x2-source": [field_is("grading/source_evaluation", "1")],
            "GRD-3x5x2-assessment": [field_is("grading/intelligence_assessment", "A")],
            "GRD-3x5x2-handling": [field_is("grading/handling_code", "P")],
            "GRD-handling-no-conditions": [field_is("grading/handling_conditions", None)],
        },
        "POST",
        "/reports",
        report(_grade("1", "A", "P")),
    )
    graded = case.accepted(
        "A report graded 3EC with conditions (the last code of each dimension) is accepted as graded",
        {
            "GRD-3x5x2-source": [field_is("grading/source_evaluation", "3")],
            "GRD-3x5x2-assessment": [field_is("grading/intelligence_assessment", "E")],
            "GRD-3x5x2-handling": [field_is("grading/handling_code", "C")],
            "GRD-handling-conditions": [field_is("grading/handling_conditions", CONDITIONS)],
        },
        "POST",
        "/reports",
        report(_grade("3", "E", "C", CONDITIONS)),
    )
    rid = graded.body.get("report_id") if graded else "-"
    case.accepted(
        "The report read back carries the grading as submitted, with its scheme",
        {"GRD-scheme": [field_is("grading", {"scheme": "3x5x2", **_grade("3", "E", "C", CONDITIONS)})]},
        "GET",
        f"/reports/{rid}",
    )

    review = Case(p, "intelligence: MoPI review date")
    today = p.now().date()
    latest = add_years(today, MAX_REVIEW_YEARS)
    for when, rule, ok, name in (
        (today - timedelta(days=1), "MOPI-review-date-past", False, "A review date of yesterday is refused"),
        (today, "MOPI-review-date-past", True, "A review date of today is accepted"),
        (latest, "MOPI-review-interval", True, f"A review date {MAX_REVIEW_YEARS} years ahead is accepted"),
        (
            latest + timedelta(days=1),
            "MOPI-review-interval",
            False,
            f"A review date {MAX_REVIEW_YEARS} years and a day ahead is refused",
        ),
    ):
        body = report(_grade("2", "B", "P"), review_date=when.isoformat())
        if ok:
            review.accepted(
                name, {rule: [field_is("review_date", when.isoformat())]}, "POST", "/reports", body
            )
        else:
            review.refused(name, rule, "POST", "/reports", body)

    views(p)


def views(p: Prober) -> None:
    case = Case(p, "intelligence: who sees what")
    sent = report(_grade("2", "B", "P"))
    made = case.setup("Submitting an OFFICIAL report", "POST", "/reports", sent, (201,))
    rid = made.body.get("report_id") if made else "-"
    case.accepted(
        "A reader without the restricted scope sees the sanitised view only",
        {
            "INT-restricted-field": [
                field_is("text_version", "sanitised"),
                field_is("text", sent["sanitised_text"]),
                absent("original_text"),
                absent("source_type"),
                absent("sanitised_text"),
            ]
        },
        "GET",
        f"/reports/{rid}",
        scopes=READER,
    )
    case.accepted(
        "A reader with the restricted scope sees the original view",
        {
            "INT-restricted-field": [
                field_is("text_version", "original"),
                field_is("text", sent["original_text"]),
                field_is("source_type", sent["source_type"]),
            ]
        },
        "GET",
        f"/reports/{rid}",
        scopes=RESTRICTED,
    )
    case.refused(
        "A writer without the restricted scope may not mark a report SECRET",
        "INT-classification-scope",
        "POST",
        "/reports",
        {**sent, "classification": "SECRET"},
        (403,),
    )
    secret = case.setup(
        "Submitting a SECRET report with the restricted scope",
        "POST",
        "/reports",
        {**sent, "classification": "SECRET"},
        (201,),
        scopes=RESTRICTED_WRITER,
    )
    sid = secret.body.get("report_id") if secret else "-"
    case.refused(
        "A SECRET report does not exist for a reader without the restricted scope",
        "INT-classification-scope",
        "GET",
        f"/reports/{sid}",
        status=(404,),
        scopes=READER,
        named=False,
    )
    case.accepted(
        "A SECRET report is shown to a reader with the restricted scope",
        {"INT-classification-scope": [field_is("classification", "SECRET")]},
        "GET",
        f"/reports/{sid}",
        scopes=RESTRICTED,
    )
