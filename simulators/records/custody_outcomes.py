"""Custody outcomes recorded against an occurrence (called by the custody system), rules RMS-CUS-*.

The mapping from a custody outcome to a crime outcome follows the population generator and the
outcomes framework (docs/domain.md 5.1; numbering UNCONFIRMED beyond 15, 16 and 22): charged -> 1,
cautioned -> 2 (under 18) / 3, no further action -> 15 unless the caller names another NFA code,
transferred -> 20, bail and RUI -> none yet. A stronger outcome replaces a weaker one, never the
reverse, so a second detainee's NFA cannot undo a charge.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from simulators.core.clock import isoformat
from simulators.core.problems import Problem
from simulators.domain import codelists
from simulators.records import nominals
from simulators.records.context import emit, instant, utc
from simulators.records.dates import age_on
from simulators.records.links import add_link, person_roles
from simulators.records.occurrences import custody_outcome_body
from simulators.records.tables import RecordsTables

NFA_CODES = frozenset({"9", "10", "12", "13", "14", "15", "16", "17", "21"})


def strength(code: str | None) -> int:
    """Charge > caution > any other outcome > none."""
    if not code:
        return 0
    if code in ("1", "1A"):
        return 3
    if code in ("2", "3"):
        return 2
    return 1


def implied_outcome(
    kind: str, outcome: dict[str, Any], date_of_birth: str | None, decided: datetime
) -> str | None:
    if kind != "crime":
        return None
    t = outcome["type"]
    if t == "charged":
        return "1"
    if t == "cautioned":
        age = age_on(date_of_birth, decided.date())
        return "2" if age is not None and age < 18 else "3"
    if t == "no_further_action":
        return outcome.get("crime_outcome_code") or "15"
    if t == "transferred":
        return "20"
    return None


def _stored_outcome(body: dict[str, Any], decided: datetime) -> dict[str, Any]:
    o = body["outcome"]
    return {
        "type": o["type"],
        "decided_at": isoformat(decided),
        "detail": o.get("detail"),
        "charges": [
            {"cjs_code": c["cjs_code"], "title": c.get("title") or codelists.CJS_OFFENCES.get(c["cjs_code"])}
            for c in o.get("charges") or []
        ],
        "crime_outcome_code": o.get("crime_outcome_code"),
    }


def record(
    s: Connection, t: RecordsTables, occurrence: Any, body: dict[str, Any], now: datetime
) -> tuple[dict[str, Any], bool]:
    """Record one custody outcome; returns (body, created). Raises, writing nothing, on a broken rule."""
    co = t.custody_outcomes
    decided = instant(body["outcome"]["decided_at"], "outcome.decided_at", not_after=now)
    stored = _stored_outcome(body, decided)
    existing = s.execute(
        select(co).where(
            co.c.occurrence_id == occurrence.occurrence_id, co.c.custody_id == body["custody_id"]
        )
    ).first()
    nominal_id = nominals.resolve_id(s, t, body["nominal_id"])
    if existing is not None:
        same = (
            existing.custody_number == body["custody_number"]
            and existing.outcome == stored
            and existing.nominal_id == nominal_id
        )
        if same:
            return custody_outcome_body(existing), False
        raise Problem(
            "conflict",
            f"Custody record {body['custody_id']} already has a different outcome recorded on "
            f"{occurrence.reference}.",
            rule="RMS-CUS-002",
            existing=custody_outcome_body(existing),
        )
    if nominal_id is None:
        raise Problem(
            "business-rule",
            f"No nominal {body['nominal_id']}.",
            rule="RMS-CUS-001",
            errors=[{"field": "nominal_id", "message": "no such nominal"}],
        )
    o = body["outcome"]
    if decided < utc(occurrence.occurred_from):
        raise Problem(
            "business-rule",
            f"The decision ({o['decided_at']}) is before occurrence {occurrence.reference} happened.",
            rule="RMS-CUS-003",
        )
    if o["type"] == "charged" and not o.get("charges"):
        raise Problem(
            "business-rule",
            "A charge needs at least one charged offence (charges).",
            rule="RMS-CUS-004",
            errors=[{"field": "outcome.charges", "message": "required when type is charged"}],
        )
    if o.get("crime_outcome_code") and o["type"] != "no_further_action":
        raise Problem(
            "business-rule", "crime_outcome_code may only accompany no_further_action.", rule="RMS-CUS-005"
        )

    # The detainee's link: an existing suspect/offender link, else a new one.
    roles = person_roles(s, t, occurrence.occurrence_id, nominal_id)
    held = [roles[r] for r in ("offender", "suspect") if r in roles]
    link_created = False
    if held:
        link_id = held[0]
    else:
        if occurrence.type == "crime":
            role = "offender" if o["type"] in ("charged", "cautioned") else "suspect"
        else:
            role = "involved_party"
        link_row, link_created = add_link(s, t, occurrence, {"nominal_id": nominal_id, "role": role}, now)
        link_id = link_row.link_id
        if link_created:
            emit(
                s,
                "occurrence.link_added",
                "occurrence",
                occurrence.occurrence_id,
                {"link_id": link_id, "entity_type": "person", "nominal_id": nominal_id, "role": role},
            )

    nominal = nominals.get_row(s, t, nominal_id)
    implied = implied_outcome(occurrence.type, o, nominal.date_of_birth, decided)
    new_code, new_status = occurrence.outcome_code, occurrence.status
    if implied and strength(implied) > strength(occurrence.outcome_code):
        new_code, new_status = implied, "closed"
    elif (
        not implied
        and o["type"] in ("bailed", "released_under_investigation")
        and occurrence.status == "open"
    ):
        new_status = "under_investigation"
    changed = (new_code, new_status) != (occurrence.outcome_code, occurrence.status) or link_created
    if changed:
        oc = t.occurrences
        s.execute(
            oc.update()
            .where(oc.c.occurrence_id == occurrence.occurrence_id)
            .values(
                outcome_code=new_code,
                outcome_title=codelists.OUTCOMES.get(new_code) if new_code else None,
                status=new_status,
                version=occurrence.version + 1,
                updated_at=now,
            )
        )
    row = {
        "custody_outcome_id": str(uuid.uuid4()),
        "occurrence_id": occurrence.occurrence_id,
        "custody_id": body["custody_id"],
        "custody_number": body["custody_number"],
        "nominal_id": nominal_id,
        "outcome": stored,
        "crime_outcome_code": implied,
        "occurrence_status": new_status,
        "link_id": link_id,
        "recorded_at": now,
    }
    s.execute(co.insert().values(**row))
    emit(
        s,
        "occurrence.custody_outcome_recorded",
        "occurrence",
        occurrence.occurrence_id,
        {
            "custody_id": body["custody_id"],
            "nominal_id": nominal_id,
            "outcome_type": o["type"],
            "crime_outcome_code": implied,
            "status": new_status,
        },
    )
    saved = s.execute(select(co).where(co.c.custody_outcome_id == row["custody_outcome_id"])).first()
    return custody_outcome_body(saved), True
