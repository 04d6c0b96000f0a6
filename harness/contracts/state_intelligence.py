"""Provider states of an intelligence system, set up with its own endpoints: `POST /reports`
(graded 3x5x2, marked under the GSC), read with `GET /reports` and `GET /events`.

A report's subjects must be nominals its records system holds. "Intelligence is held on a
nominal" therefore first looks for a report the target already holds that names a subject; only
when there is none does it create a nominal in the target's records peer (when the harness knows
it) and submit a report about that person.
"""

from __future__ import annotations

from typing import Any

from harness.contracts.state_catalogue import state
from harness.contracts.state_records import create_nominal
from harness.contracts.target_api import StateError, TargetApi

READ = ["intelligence:read"]
WRITE = ["intelligence:read", "intelligence:write"]
RESTRICTED = ["intelligence:read", "intelligence:read:restricted", "intelligence:write"]
ABOVE_OFFICIAL = {"SECRET", "TOP SECRET", "CONFIDENTIAL"}


def submit(
    api: TargetApi, classification: str = "OFFICIAL", subjects: list[str] | None = None
) -> dict[str, Any]:
    scopes = RESTRICTED if classification.upper() in ABOVE_OFFICIAL else WRITE
    return api.call(
        "POST",
        "/reports",
        scopes,
        expect=(201,),
        require=("report_id",),
        json={
            "source_type": "police_officer",
            "grading": {
                "scheme": "3x5x2",
                "source_evaluation": "1",
                "intelligence_assessment": "A",
                "handling_code": "P",
            },
            "classification": classification,
            "original_text": "PC 1234 saw SUBJECT selling cannabis outside the Crown pub at 22:10.",
            "sanitised_text": "SUBJECT was seen selling cannabis outside a pub in the evening.",
            "subjects": [{"nominal_id": n, "role": "subject"} for n in subjects or []],
        },
    )


def _subject_held(api: TargetApi) -> str | None:
    page = api.call("GET", "/reports", READ, params={"limit": 200}, expect=(200,))
    for report in page.get("items") or []:
        for subject in (report.get("subjects") or []) if isinstance(report, dict) else []:
            if isinstance(subject, dict) and subject.get("nominal_id"):
                return str(subject["nominal_id"])
    return None


@state(
    "intelligence", r"intelligence is held on a nominal", "intelligence is held on a nominal -> nominal_id"
)
def _held(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    nominal_id = _subject_held(api)
    if nominal_id:
        return {"nominal_id": nominal_id}
    records = api.peer("records")
    if records is None:
        raise StateError(
            "no report on the target names a subject, and the harness does not know the target's "
            "records system to create one (give it as a peer)"
        )
    nominal_id = str(create_nominal(records, params)["nominal_id"])
    submit(api, "OFFICIAL", [nominal_id])
    return {"nominal_id": nominal_id}


@state(
    "intelligence",
    r"no intelligence is held on nominal (?P<nominal_id>\S+)",
    "no intelligence is held on nominal <uuid>",
)
def _not_held(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return {"nominal_id": params["nominal_id"]}


@state(
    "intelligence",
    r"an? intelligence report marked (?P<classification>[A-Z -]+?) exists",
    "an intelligence report marked <classification> exists -> report_id",
)
def _report(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    report = submit(api, str(params["classification"]).upper())
    if not report.get("report_id"):
        raise StateError("POST /reports answered without a report_id")
    return {"report_id": report["report_id"]}


@state(
    "intelligence",
    r"no intelligence report with id (?P<report_id>\S+) exists",
    "no intelligence report with id <uuid> exists",
)
def _no_report(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return {"report_id": params["report_id"]}


@state(
    "intelligence",
    r"the intelligence change feed has an event after a cursor",
    "the intelligence change feed has an event after a cursor -> after, report_id",
)
def _feed(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    submit(api)
    after = api.feed_end(READ)
    if not after:
        raise StateError("GET /events shows no event after a report was submitted")
    return {"after": after, "report_id": submit(api)["report_id"]}
