"""Occurrences (crimes and incidents): representation, references, and the rules RMS-OCC-*."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Connection, func, select

from simulators.core.clock import isoformat
from simulators.core.problems import Problem
from simulators.domain import codelists
from simulators.records.context import instant, utc
from simulators.records.inputs import FieldErrors, clean_postcode
from simulators.records.links import link_bodies
from simulators.records.tables import RecordsTables


def classification(kind: str, code: str) -> tuple[str, str]:
    """(code, title) of a classification that fits the occurrence type, else 400 RMS-OCC-001."""
    table = codelists.HOCR_CLASSIFICATIONS if kind == "crime" else codelists.INCIDENT_CATEGORIES
    key = code.strip().upper()
    if key not in table:
        what = "a Home Office Counting Rules classification" if kind == "crime" else "an incident category"
        raise Problem(
            "validation-error",
            f"{code!r} is not {what}; a {kind} needs one.",
            rule="RMS-OCC-001",
            errors=[{"field": "classification.code", "message": f"not {what}"}],
        )
    return key, table[key]


def outcome(code: str) -> tuple[str, str]:
    key = code.strip().upper()
    if key not in codelists.OUTCOMES:
        raise Problem(
            "validation-error",
            f"{code!r} is not a crime outcome code.",
            rule="RMS-OCC-005",
            errors=[{"field": "outcome.code", "message": "not in the crime outcomes framework"}],
        )
    return key, codelists.OUTCOMES[key]


def clean_location(loc: dict[str, Any] | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    errs = FieldErrors()
    out = {
        "line1": loc["line1"].strip(),
        "line2": (loc.get("line2") or None),
        "town": loc["town"].strip(),
        "postcode": clean_postcode(loc["postcode"], "location.postcode", errs)
        if loc.get("postcode")
        else None,
        "description": loc.get("description") or None,
    }
    if not out["line1"] or not out["town"]:
        errs.add("location", "line1 and town may not be blank", "RMS-VAL-001")
    errs.raise_if_any("location")
    return out


def check_times(occurred_from: datetime, occurred_to: datetime | None, reported_at: datetime) -> None:
    errors = []
    if occurred_to is not None and occurred_to < occurred_from:
        errors.append({"field": "occurred_to", "message": "is before occurred_from"})
    if reported_at < occurred_from:
        errors.append({"field": "reported_at", "message": "is before occurred_from"})
    if errors:
        raise Problem(
            "validation-error",
            "Occurrence times are out of order: occurred_from <= occurred_to and "
            "occurred_from <= reported_at.",
            rule="RMS-OCC-002",
            errors=errors,
        )


def check_state(kind: str, status: str, outcome_code: str | None) -> None:
    if outcome_code and kind != "crime":
        raise Problem(
            "business-rule", "Only crimes have crime outcomes; an incident has none.", rule="RMS-OCC-004"
        )
    if kind == "crime" and status == "closed" and not outcome_code:
        raise Problem(
            "business-rule", "A closed crime needs an outcome (outcomes framework).", rule="RMS-OCC-003"
        )


class Times(TypedDict):
    """When an occurrence happened (its end may be unknown) and when it was reported."""

    occurred_from: datetime  # required, never null (the spec; NOT NULL in the table)
    occurred_to: datetime | None
    reported_at: datetime


def parse_times(body: dict[str, Any], now: datetime, current: Any = None) -> Times:
    """occurred_from / occurred_to / reported_at from a body (falling back to `current`), validated."""

    def pick(name: str) -> Any:
        if name in body:
            return None if body[name] is None else instant(body[name], name, not_after=now)
        stored = getattr(current, name, None) if current is not None else None
        return utc(stored) if stored is not None else None

    occurred_from, occurred_to, reported_at = (
        pick("occurred_from"),
        pick("occurred_to"),
        pick("reported_at"),
    )
    times: Times = {
        "occurred_from": occurred_from,
        "occurred_to": occurred_to,
        "reported_at": now if reported_at is None else reported_at,
    }
    check_times(times["occurred_from"], times["occurred_to"], times["reported_at"])
    return times


def next_reference(s: Connection, t: RecordsTables, year: int) -> str:
    """OCC-YYYY-NNNNNN: one more than the highest of the year."""
    prefix = f"OCC-{year:04d}-"
    highest = s.execute(
        select(func.max(t.occurrences.c.reference)).where(t.occurrences.c.reference.like(prefix + "%"))
    ).scalar()
    seq = int(highest[len(prefix) :]) + 1 if highest and highest[len(prefix) :].isdigit() else 1
    return f"{prefix}{seq:06d}"


def get_row(s: Connection, t: RecordsTables, occurrence_id: str) -> Any:
    row = s.execute(select(t.occurrences).where(t.occurrences.c.occurrence_id == occurrence_id)).first()
    if row is None:
        raise Problem("not-found", f"No occurrence {occurrence_id}.")
    return row


def custody_outcome_body(row: Any) -> dict[str, Any]:
    co = codelists.OUTCOMES
    return {
        "custody_outcome_id": row.custody_outcome_id,
        "occurrence_id": row.occurrence_id,
        "custody_id": row.custody_id,
        "custody_number": row.custody_number,
        "nominal_id": row.nominal_id,
        "outcome": row.outcome,
        "crime_outcome": {"code": row.crime_outcome_code, "title": co[row.crime_outcome_code]}
        if row.crime_outcome_code
        else None,
        "occurrence_status": row.occurrence_status,
        "link_id": row.link_id,
        "recorded_at": isoformat(row.recorded_at),
    }


def occurrence_bodies(s: Connection, t: RecordsTables, rows: list[Any]) -> list[dict[str, Any]]:
    """Bodies of occurrence rows with links and custody outcomes (two queries per page of rows)."""
    ids = [r.occurrence_id for r in rows]
    links: dict[str, list[Any]] = {i: [] for i in ids}
    outcomes: dict[str, list[Any]] = {i: [] for i in ids}
    if ids:
        for lr in s.execute(
            select(t.links)
            .where(t.links.c.occurrence_id.in_(ids))
            .order_by(t.links.c.created_at, t.links.c.link_id)
        ).all():
            links[lr.occurrence_id].append(lr)
        for cr in s.execute(
            select(t.custody_outcomes)
            .where(t.custody_outcomes.c.occurrence_id.in_(ids))
            .order_by(t.custody_outcomes.c.recorded_at, t.custody_outcomes.c.custody_outcome_id)
        ).all():
            outcomes[cr.occurrence_id].append(cr)
    out = []
    for r in rows:
        loc = r.location
        out.append(
            {
                "occurrence_id": r.occurrence_id,
                "reference": r.reference,
                "type": r.type,
                "classification": {"code": r.classification_code, "title": r.classification_title},
                "summary": r.summary,
                "occurred_from": isoformat(r.occurred_from),
                "occurred_to": isoformat(r.occurred_to),
                "reported_at": isoformat(r.reported_at),
                "location": None
                if not loc
                else {
                    "location_id": None,
                    "line1": loc.get("line1", ""),
                    "line2": loc.get("line2"),
                    "town": loc.get("town", ""),
                    "postcode": loc.get("postcode"),
                    "description": loc.get("description"),
                },
                "status": r.status,
                "outcome": {"code": r.outcome_code, "title": r.outcome_title} if r.outcome_code else None,
                "links": link_bodies(s, t, links[r.occurrence_id]),
                "custody_outcomes": [custody_outcome_body(c) for c in outcomes[r.occurrence_id]],
                "version": r.version,
                "created_at": isoformat(r.created_at),
                "updated_at": isoformat(r.updated_at),
            }
        )
    return out
