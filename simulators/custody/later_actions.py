"""Actions beyond the first detention: the appropriate adult (Code C 3.15), charge and detention
after charge (s.38), and extensions of pre-charge bail (s.47ZD-47ZF). Rules in appropriate_adult.py,
charge.py and bail.py; each is checked before anything is written. They are held on the record's own
fields and announced on the change feed; the timeline's entry types are a closed list of the 1.x
standard, so these actions add no timeline entries until a major release."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from simulators.core.app import json_response
from simulators.core.clock import isoformat
from simulators.custody import appropriate_adult, bail, charge
from simulators.custody import clock as pace
from simulators.custody.store import (
    Change,
    adults_informed,
    change_record,
    instant,
    is_juvenile,
    officer,
    raise_if,
    record_body,
    record_headers,
)

bp = Blueprint("custody_later_actions", __name__)


def _respond(
    custody_id: str, action: Callable[[dict[str, Any], pace.Detention, datetime], Change]
) -> ResponseReturnValue:
    rec, now = change_record(custody_id.lower(), action)
    return json_response(record_body(rec, now), 200, record_headers(rec))


@bp.post("/custody-records/<custody_id>/appropriate-adults")
def appropriate_adults(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        at = instant(body.get("informed_at")) or now
        raise_if(appropriate_adult.check_appropriate_adult(d, at, now))
        by = officer(body["informed_by"])
        entry = {
            "appropriate_adult_id": str(uuid.uuid4()),
            "name": body["name"],
            "relationship": body["relationship"],
            "reason": body["reason"],
            "informed_at": isoformat(at),
            "informed_by": by,
            "arrived_at": isoformat(instant(body.get("arrived_at"))),
        }
        values: dict[str, Any] = {"appropriate_adults": [*(rec.get("appropriate_adults") or []), entry]}
        if body["reason"] == "vulnerable":
            values["vulnerable"] = True
        return Change(
            values=values,
            event_type="custody.appropriate_adult_recorded",
            event_data={"appropriate_adult_id": entry["appropriate_adult_id"], "reason": entry["reason"]},
        )

    return _respond(custody_id, action)


@bp.post("/custody-records/<custody_id>/charge")
def charge_detainee(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        at = instant(body.get("charged_at")) or now
        by = officer(body["charged_by"])
        juvenile = is_juvenile(rec)
        accommodation = body.get("local_authority_accommodation")
        raise_if(
            charge.check_charge(
                d,
                at,
                by["rank"],
                charges=body.get("charges") or (),
                juvenile=juvenile,
                vulnerable=bool(rec.get("vulnerable")),
                adult_informed=adults_informed(rec),
                accommodation=accommodation,
                now=now,
                age=appropriate_adult.age_on((rec.get("detainee") or {}).get("date_of_birth"), at),
            )
        )
        entry = {
            "charged_at": isoformat(at),
            "charged_by": by,
            "charges": [{"cjs_code": c["cjs_code"], "title": c["title"]} for c in body["charges"]],
            "grounds": body["grounds"],
            "local_authority_accommodation": None
            if not accommodation
            else {
                "arrangement": accommodation["arrangement"],
                "certificate_reason": accommodation.get("certificate_reason"),
                "authority": accommodation.get("authority"),
            },
        }
        return Change(
            values={"charge": entry},
            event_type="custody.charged",
            event_data={"charged_at": entry["charged_at"], "charges": len(entry["charges"])},
        )

    return _respond(custody_id, action)


def _bail_dates(rec: dict[str, Any]) -> tuple[date, date] | None:
    """(bail day, current return day) of a record released on pre-charge bail, else None."""
    out = rec.get("outcome") or {}
    if not rec.get("released_at") or out.get("type") != "bailed" or not out.get("bail"):
        return None
    current = date.fromisoformat(out["bail"]["return_date"])
    for ext in rec.get("bail_extensions") or []:
        current = max(current, date.fromisoformat(ext["until"]))
    return date.fromisoformat(out["decided_at"][:10]), current


@bp.post("/custody-records/<custody_id>/bail-extensions")
def extend_bail(custody_id: str) -> ResponseReturnValue:
    body = request.get_json()

    def action(rec: dict[str, Any], d: pace.Detention, now: datetime) -> Change:
        dates = _bail_dates(rec)
        if dates is None:
            raise_if(
                pace.Breach(
                    "CUS-NOT-ON-BAIL",
                    "This record was not released on pre-charge bail with a return day: nothing to extend.",
                    status=409,
                )
            )
        bail_day, current = dates
        released = d.released_at  # set: a record on bail was released
        at = instant(body.get("authorised_at")) or now
        until = date.fromisoformat(body["until"])
        by = officer(body["authorised_by"])
        court = body.get("court")
        raise_if(
            pace.check_not_future(at, now, "authorised_at")
            or (pace.check_order(released, at, "released_at", "authorised_at") if released else None)
            or bail.check_bail_extension(bail_day, current, until, by["rank"], court_ordered=bool(court))
        )
        entry = {
            "extension_id": str(uuid.uuid4()),
            "authorised_at": isoformat(at),
            "authorised_by": by,
            "until": until.isoformat(),
            "court": None if not court else {"name": court["name"], "reference": court.get("reference")},
        }
        return Change(
            values={"bail_extensions": [*(rec.get("bail_extensions") or []), entry]},
            event_type="custody.bail_extended",
            event_data={"until": entry["until"]},
        )

    return _respond(custody_id, action)
