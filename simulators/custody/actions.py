"""Actions recorded on a custody record: authorisation, rights, risk, property, reviews, extensions,
warrants and the outcome. Each checks its PACE rules (clock.py) before anything is written."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection

from simulators.core.app import json_response
from simulators.core.clock import isoformat
from simulators.core.context import sim
from simulators.custody import appropriate_adult, outbox
from simulators.custody import clock as pace
from simulators.custody.store import (
    Change,
    adults_informed,
    change_record,
    instant,
    is_juvenile,
    load,
    officer,
    raise_if,
    record_body,
    record_headers,
    review_interval,
    tables,
    timeline_entry,
)

bp = Blueprint("custody_actions", __name__)


def _at(body: dict[str, Any], name: str, now: datetime) -> datetime:
    return instant(body.get(name)) or now


def _answer(
    custody_id: str, action: Callable[[dict[str, Any], pace.Detention, datetime], Change]
) -> tuple[dict[str, Any], datetime]:
    rec, now = change_record(custody_id.lower(), action)
    return rec, now


def _respond(rec: dict[str, Any], now: datetime) -> ResponseReturnValue:
    return json_response(record_body(rec, now), 200, record_headers(rec))


@bp.post("/custody-records/<custody_id>/authorisation")
def authorise(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        at = _at(body, "authorised_at", now)
        by = officer(body["authorised_by"])
        raise_if(pace.check_authorisation(d, at, by["rank"], now))
        auth = {
            "authorised_at": isoformat(at),
            "authorised_by": by,
            "grounds": body["grounds"],
            "detainee_informed": bool(body.get("detainee_informed", True)),
            "not_informed_reason": body.get("not_informed_reason"),
        }
        first_due = at + pace.FIRST_REVIEW
        return Change(
            values={"detention_authorised_at": at, "authorisation": auth},
            event_type="custody.detention_authorised",
            event_data={"authorised_at": isoformat(at), "first_review_due": isoformat(first_due)},
            timeline=[
                timeline_entry(
                    "detention_authorised",
                    at,
                    by,
                    f"Detention authorised: {body['grounds']}",
                    {"first_review_due": isoformat(first_due)},
                )
            ],
        )

    return _respond(*_answer(custody_id, action))


@bp.post("/custody-records/<custody_id>/rights")
def rights(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        at = _at(body, "given_at", now)
        raise_if(pace.check_event(d, at, now, "given_at", "rights and entitlements"))
        by = officer(body["given_by"])
        entry = {
            "rights_id": str(uuid.uuid4()),
            "given_at": isoformat(at),
            "given_by": by,
            "notice_given": bool(body.get("notice_given", True)),
            "code_c_version": body.get("code_c_version"),
            "rights": [
                {"right": r["right"], "response": r["response"], "detail": r.get("detail")}
                for r in body["rights"]
            ],
        }
        summary = ", ".join(f"{r['right']}: {r['response']}" for r in body["rights"])
        return Change(
            values={"rights": [*rec["rights"], entry]},
            event_type="custody.rights_recorded",
            event_data={"rights_id": entry["rights_id"]},
            timeline=[
                timeline_entry(
                    "rights_recorded",
                    at,
                    by,
                    f"Rights and entitlements: {summary}",
                    {"rights_id": entry["rights_id"]},
                )
            ],
        )

    return _respond(*_answer(custody_id, action))


@bp.post("/custody-records/<custody_id>/risk-assessment")
def risk_assessment(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        at = _at(body, "assessed_at", now)
        raise_if(pace.check_event(d, at, now, "assessed_at", "a risk assessment"))
        by = officer(body["assessed_by"])
        entry = {
            "assessment_id": str(uuid.uuid4()),
            "assessed_at": isoformat(at),
            "assessed_by": by,
            "risk_level": body["risk_level"],
            "observation_level": body["observation_level"],
            "risk_factors": list(body.get("risk_factors") or []),
            "notes": body.get("notes"),
        }
        return Change(
            values={"risk_assessments": [*rec["risk_assessments"], entry]},
            event_type="custody.risk_assessed",
            event_data={"risk_level": entry["risk_level"], "observation_level": entry["observation_level"]},
            timeline=[
                timeline_entry(
                    "risk_assessed",
                    at,
                    by,
                    f"Risk {entry['risk_level']}, observation level {entry['observation_level']}",
                    {"assessment_id": entry["assessment_id"]},
                )
            ],
        )

    return _respond(*_answer(custody_id, action))


@bp.post("/custody-records/<custody_id>/property")
def property_(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        at = _at(body, "recorded_at", now)
        raise_if(pace.check_event(d, at, now, "recorded_at", "property"))
        by = officer(body["recorded_by"])
        items = [
            {
                "description": i["description"],
                "quantity": i.get("quantity", 1),
                "disposition": i["disposition"],
                "bag_number": i.get("bag_number"),
            }
            for i in body["items"]
        ]
        entry = {
            "property_id": str(uuid.uuid4()),
            "recorded_at": isoformat(at),
            "recorded_by": by,
            "items": items,
        }
        return Change(
            values={"property": [*rec["property"], entry]},
            event_type="custody.property_recorded",
            event_data={"property_id": entry["property_id"], "items": len(items)},
            timeline=[
                timeline_entry(
                    "property_recorded",
                    at,
                    by,
                    f"{len(items)} property item(s) recorded",
                    {"property_id": entry["property_id"]},
                )
            ],
        )

    return _respond(*_answer(custody_id, action))


@bp.post("/custody-records/<custody_id>/reviews")
def review(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        at = _at(body, "reviewed_at", now)
        by = officer(body["reviewer"])
        reason = body.get("postponement_reason")
        raise_if(
            pace.check_review(
                d,
                at,
                by["rank"],
                involved=bool(body.get("involved_in_investigation", False)),
                postponement_reason=reason,
                now=now,
            )
        )
        due = pace.review_due_for(d)
        entry = {
            "review_id": str(uuid.uuid4()),
            "number": len(d.reviews) + 1,
            "reviewed_at": isoformat(at),
            "reviewer": by,
            "decision": body["decision"],
            "due_by": isoformat(due),
            "on_time": due is None or at <= due,
            "medium": body.get("medium", "in_person"),
            "postponement_reason": reason,
            "representations": body.get("representations"),
            "notes": body.get("notes"),
        }
        after = pace.review_due_times(d.authorised_at, (*d.reviews, at))
        next_due = after[-1] if after else None
        return Change(
            values={"reviews": [*rec["reviews"], entry]},
            event_type="custody.reviewed",
            event_data={
                "review_number": entry["number"],
                "on_time": entry["on_time"],
                "next_review_due": isoformat(next_due),
            },
            timeline=[
                timeline_entry(
                    "reviewed",
                    at,
                    by,
                    f"Review {entry['number']}: {body['decision']}"
                    + ("" if entry["on_time"] else " (postponed)"),
                    {
                        "review_id": entry["review_id"],
                        "due_by": entry["due_by"],
                        "next_review_due": isoformat(next_due),
                    },
                )
            ],
        )

    return _respond(*_answer(custody_id, action))


@bp.post("/custody-records/<custody_id>/extensions")
def extension(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        at = _at(body, "authorised_at", now)
        until = instant(body["until"])
        by = officer(body["authorised_by"])
        raise_if(
            pace.check_extension(
                d,
                at,
                until,
                by["rank"],
                indictable=bool(body["offence_indictable"]),
                now=now,
            )
        )
        entry = {
            "extension_id": str(uuid.uuid4()),
            "authorised_at": isoformat(at),
            "until": isoformat(until),
            "authorised_by": by,
            "grounds": body["grounds"],
            "offence_indictable": bool(body["offence_indictable"]),
            "representations": body.get("representations"),
        }
        return Change(
            values={"extensions": [*rec["extensions"], entry]},
            event_type="custody.extension_authorised",
            event_data={"until": entry["until"]},
            timeline=[
                timeline_entry(
                    "extension_authorised",
                    at,
                    by,
                    f"Detention extended to {entry['until']} (s.42)",
                    {"extension_id": entry["extension_id"], "until": entry["until"]},
                )
            ],
        )

    return _respond(*_answer(custody_id, action))


@bp.post("/custody-records/<custody_id>/warrants")
def warrant(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        applied, issued, until = (
            instant(body["applied_at"]),
            instant(body["issued_at"]),
            instant(body["until"]),
        )
        no_court = bool(body.get("no_court_sitting", False))
        raise_if(pace.check_warrant(d, applied, issued, until, no_court_sitting=no_court, now=now))
        kind = "extension_of_warrant" if d.warrants else "warrant_of_further_detention"
        court = {"name": body["court"]["name"], "code": body["court"].get("code")}
        entry = {
            "warrant_id": str(uuid.uuid4()),
            "kind": kind,
            "applied_at": isoformat(applied),
            "issued_at": isoformat(issued),
            "until": isoformat(until),
            "court": court,
            "applied_by": officer(body["applied_by"]),
            "no_court_sitting": no_court,
            "reference": body.get("reference"),
        }
        section = "s.44" if d.warrants else "s.43"
        return Change(
            values={"warrants": [*rec["warrants"], entry]},
            event_type="custody.warrant_recorded",
            event_data={"kind": kind, "until": entry["until"]},
            timeline=[
                timeline_entry(
                    "warrant_recorded",
                    issued,
                    entry["applied_by"],
                    f"{court['name']}: detention authorised to {entry['until']} ({section})",
                    {"warrant_id": entry["warrant_id"], "kind": kind},
                )
            ],
        )

    return _respond(*_answer(custody_id, action))


@bp.post("/custody-records/<custody_id>/outcome")
def outcome(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        decided = _at(body, "decided_at", now)
        released = instant(body.get("released_at")) or decided
        by = officer(body["decided_by"])
        bail = body.get("bail")
        return_date = date.fromisoformat(bail["return_date"]) if bail else None
        raise_if(
            pace.check_outcome(
                d,
                decided,
                released,
                by["rank"],
                outcome_type=body["type"],
                charges=body.get("charges") or (),
                bail_return_date=return_date,
                now=now,
            )
        )
        if body["type"] == "charged" and d.charged_at is None:
            # charged at release: the appropriate adult first (PACE-CodeC-appropriate-adult)
            raise_if(
                appropriate_adult.check_informed_before_charge(
                    is_juvenile(rec) or bool(rec.get("vulnerable")), adults_informed(rec), decided
                )
            )
        out = {
            "type": body["type"],
            "decided_at": isoformat(decided),
            "decided_by": by,
            "detail": body.get("detail"),
            # charged and kept earlier (POST .../charge): the charges recorded then
            "charges": [
                {"cjs_code": c["cjs_code"], "title": c["title"]}
                for c in body.get("charges") or (rec.get("charge") or {}).get("charges") or []
            ],
            "bail": None
            if not bail
            else {
                "return_date": bail["return_date"],
                "return_to": bail.get("return_to"),
                "conditions": list(bail.get("conditions") or []),
            },
            "transfer_to": body.get("transfer_to"),
        }
        sync = {
            "status": "pending" if rec["occurrence_id"] else "not_required",
            "attempts": 0,
            "last_attempt_at": None,
            "last_error": None,
            "delivered_at": None,
        }
        clock_at_release = pace.compute_clock(replace(d, released_at=released), now, review_interval())
        return Change(
            values={"outcome": out, "released_at": released, "records_sync": sync},
            event_type="custody.released",
            event_data={
                "outcome": body["type"],
                "released_at": isoformat(released),
                "occurrence_id": rec["occurrence_id"],
                "detention_overdue": clock_at_release.detention_overdue,
            },
            timeline=[
                timeline_entry(
                    "outcome_recorded", decided, by, f"Outcome: {body['type']}", {"outcome": body["type"]}
                ),
                timeline_entry(
                    "released",
                    released,
                    by,
                    "Released; custody record closed",
                    {
                        "detention_overdue": clock_at_release.detention_overdue,
                        "breaches": clock_at_release.rules,
                    },
                ),
            ],
            also=_enqueue,
        )

    rec, now = change_record(custody_id.lower(), action)
    if rec["occurrence_id"]:
        outbox.deliver_pending(current_app._get_current_object(), rec["custody_id"])  # type: ignore[attr-defined]  # Flask types its proxy as the app
        with sim().db.session() as s:
            rec = load(s, rec["custody_id"]) or rec
    return _respond(rec, now)


def _enqueue(session: Connection, rec: dict[str, Any], now: datetime) -> None:
    """Queue the outcome for records, in the same transaction as the release."""
    if rec["occurrence_id"]:
        session.execute(
            tables()
            .outbox.insert()
            .values(
                custody_id=rec["custody_id"],
                occurrence_id=rec["occurrence_id"],
                payload=outbox.outcome_payload(rec),
                status="pending",
                attempts=0,
                last_error=None,
                created_at=now,
                delivered_at=None,
            )
        )
