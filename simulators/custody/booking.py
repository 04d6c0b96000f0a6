"""Custody records as a collection: book in, read, search, timeline."""

from __future__ import annotations

import os
import re
import uuid
from datetime import timedelta
from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from simulators.core.app import json_response
from simulators.core.clock import isoformat
from simulators.core.context import sim
from simulators.core.events import record_event
from simulators.core.paging import page_body, page_params, paginate
from simulators.custody import bail, identify, merges
from simulators.custody import clock as pace
from simulators.custody.store import (
    RECORD_HREF,
    allocate_custody_number,
    aware,
    derived_columns,
    insert_timeline,
    instant,
    load,
    load_or_404,
    officer,
    raise_if,
    record_body,
    record_headers,
    tables,
    timeline_entry,
    write_transaction,
)

bp = Blueprint("custody_records", __name__)
PREFIX = re.compile(r"^[A-Z]{2}$")


def configured_prefix(config: Any) -> str | None:
    """The force prefix of custody numbers: `extra["custody_number_prefix"]`, else the
    INTEROP_CUSTODY_NUMBER_PREFIX variable, else None (the station code is used)."""
    value = config.extra.get("custody_number_prefix") or os.environ.get("INTEROP_CUSTODY_NUMBER_PREFIX")
    if not value:
        return None
    value = str(value).strip().upper()
    if not PREFIX.match(value):
        raise ValueError(f"custody number prefix must be two letters (A-Z), got {value!r}")
    return value


def number_prefix(station_code: str) -> str:
    """The configured force prefix, else the station code: `<prefix>-<year>-<sequence>`."""
    return configured_prefix(sim().config) or station_code


@bp.get("/custody-records")
def list_records() -> ResponseReturnValue:
    t = tables().records
    stmt = select(t)
    args = request.args
    if args.get("nominal_id"):  # the person, under any id records has merged into theirs
        stmt = stmt.where(t.c.nominal_id.in_(merges.same_person_ids(args["nominal_id"].lower())))
    if args.get("station"):
        stmt = stmt.where(t.c.station_code == args["station"])
    if args.get("status"):
        stmt = stmt.where(t.c.status == args["status"])
    if args.get("review_due_before"):
        before = instant(args["review_due_before"])
        stmt = stmt.where(t.c.next_review_due.is_not(None), t.c.next_review_due <= before)
    limit, cursor = page_params()
    ctx = sim()
    with ctx.db.session() as s:
        page = paginate(s, stmt, t.c.custody_number, limit=limit, cursor=cursor, scalars=False)
    now = ctx.clock.now()
    return page_body([record_body(dict(r._mapping), now) for r in page.items], page)


@bp.get("/custody-records/<custody_id>")
def get_record(custody_id: str) -> ResponseReturnValue:
    ctx = sim()
    with ctx.db.session() as s:
        rec = load_or_404(s, custody_id.lower())
    return json_response(record_body(rec, ctx.clock.now()), 200, record_headers(rec))


@bp.get("/custody-records/<custody_id>/timeline")
def get_timeline(custody_id: str) -> ResponseReturnValue:
    ctx = sim()
    t = tables().timeline
    custody_id = custody_id.lower()
    limit, cursor = page_params()
    with ctx.db.session() as s:
        load_or_404(s, custody_id)
        page = paginate(
            s,
            select(t).where(t.c.custody_id == custody_id),
            t.c.seq,
            limit=limit,
            cursor=cursor,
            scalars=False,
        )
    items = [
        {
            "entry_id": str(r.seq),
            "type": r.type,
            "at": isoformat(aware(r.at)),
            "recorded_at": isoformat(aware(r.recorded_at)),
            "by": r.by,
            "summary": r.summary,
            "data": r.data or {},
        }
        for r in page.items
    ]
    return page_body(items, page)


def _detainee_body(
    nominal: dict[str, Any], method: str, given: dict[str, Any], pnc: str | None
) -> dict[str, Any]:
    return {
        "nominal_id": nominal["nominal_id"],
        "pnc_id": nominal.get("pnc_id") or pnc,
        "surname": nominal.get("surname") or given.get("surname"),
        "forenames": list(nominal.get("forenames") or given.get("forenames") or []),
        "date_of_birth": nominal.get("date_of_birth") or given.get("date_of_birth"),
        "identified_by": method,
    }


def _bail_return(ctx: Any, given: dict[str, Any], arrived_at: Any) -> dict[str, Any]:
    """The earlier record this person returns to from pre-charge bail, and the time it used
    (PACE-s47-6-time-used: s.47(6), s.46A; docs/domain.md 2.3)."""
    with ctx.db.session() as s:
        earlier = load(s, given["custody_id"].lower())
    outcome = (earlier or {}).get("outcome") or {}
    if earlier is None or not earlier.get("released_at") or outcome.get("type") != "bailed":
        raise_if(
            pace.Breach(
                "CUS-NOT-ON-BAIL",
                f"Custody record {given['custody_id']} is not a record released on pre-charge bail.",
                "bail_return.custody_id",
                status=409,
            )
        )
    released = aware(earlier["released_at"])
    raise_if(pace.check_order(released, arrived_at, "the release on bail", "arrived_at"))
    used = bail.time_used(aware(earlier["relevant_time"]), released)
    return {
        "custody_id": earlier["custody_id"],
        "custody_number": earlier["custody_number"],
        "reason": given["reason"],
        "time_used_seconds": int(used.total_seconds()),
        "pause_seconds": int(bail.pause_for(given["reason"]).total_seconds()),
    }


@bp.post("/custody-records")
def book_in() -> ResponseReturnValue:
    ctx = sim()
    body = request.get_json()
    now = ctx.clock.now()
    arrest = body["arrest"]
    arrested_at = instant(arrest["arrested_at"])
    arrived_at = instant(body.get("arrived_at")) or now
    raise_if(pace.check_booking(arrested_at, arrived_at, now))
    outside = bool(body.get("arrested_outside_force_area", False))
    voluntary = bool(body.get("voluntary_attendance", False))
    rt = pace.relevant_time(
        arrested_at,
        arrived_at,
        arrested_outside_force_area=outside,
        voluntary_attendance=voluntary,
    )
    bail_return = None
    if body.get("bail_return"):
        bail_return = _bail_return(ctx, body["bail_return"], arrived_at)
        rt = bail.resumed_relevant_time(
            arrived_at,
            timedelta(seconds=bail_return["time_used_seconds"]),
            bail_return["reason"],
        )

    # Everything local is checked; now records (nothing is written here if it fails).
    detainee_in = body["detainee"]
    pnc = identify.precheck(detainee_in, arrested_at)
    client = identify.records_client(ctx)
    occurrence_id = body.get("occurrence_id")
    occurrence: dict[str, Any] = {}
    if occurrence_id:
        occurrence_id = occurrence_id.lower()
        occurrence = identify.check_occurrence(client, occurrence_id)
    nominal, method = identify.identify(client, detainee_in, pnc)
    link_role = None
    if occurrence_id:
        link_role = identify.link_to_occurrence(client, occurrence, occurrence_id, nominal["nominal_id"])

    station = {"code": body["station"]["code"], "name": body["station"]["name"]}
    arrest_out = {
        "arrested_at": isoformat(arrested_at),
        "location": arrest["location"],
        "reason": arrest["reason"],
        "officer": officer(arrest["officer"]),
    }
    offences = [{"cjs_code": o["cjs_code"], "title": o["title"]} for o in body["offences"]]
    custody_id = str(uuid.uuid4())
    booked_by = officer(body["booked_in_by"])
    with write_transaction(ctx) as s:
        number = allocate_custody_number(s, number_prefix(station["code"]), arrived_at.year)
        rec: dict[str, Any] = {
            "custody_id": custody_id,
            "custody_number": number,
            "nominal_id": nominal["nominal_id"],
            "occurrence_id": occurrence_id,
            "station_code": station["code"],
            "station": station,
            "detainee": _detainee_body(nominal, method, detainee_in, pnc),
            "arrest": arrest_out,
            "offences": offences,
            "arrested_at": arrested_at,
            "arrived_at": arrived_at,
            "arrested_outside_force_area": outside,
            "voluntary_attendance": voluntary,
            "relevant_time": rt,
            "booked_in_by": booked_by,
            "detention_authorised_at": None,
            "authorisation": None,
            "rights": [],
            "risk_assessments": [],
            "property": [],
            "reviews": [],
            "extensions": [],
            "warrants": [],
            "outcome": None,
            "released_at": None,
            "records_sync": {
                "status": "not_required",
                "attempts": 0,
                "last_attempt_at": None,
                "last_error": None,
                "delivered_at": None,
            },
            "vulnerable": bool(body.get("vulnerable", False)),
            "appears_juvenile": bool(body.get("appears_juvenile", False)),
            "appropriate_adults": [],
            "charge": None,
            "bail_extensions": [],
            "bail_return": bail_return,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        rec.update(derived_columns(rec))
        s.execute(tables().records.insert().values(**rec))
        insert_timeline(
            s,
            custody_id,
            [
                timeline_entry(
                    "booked_in",
                    arrived_at,
                    booked_by,
                    f"Booked in at {station['name']} ({number}); relevant time {isoformat(rt)}",
                    {
                        "custody_number": number,
                        "nominal_id": nominal["nominal_id"],
                        "identified_by": method,
                        "relevant_time": isoformat(rt),
                        "occurrence_id": occurrence_id,
                        "link_role": link_role,
                        "bail_return": bail_return,
                    },
                )
            ],
            now,
        )
        record_event(
            s,
            ctx.tables.events,
            "custody.booked_in",
            "custody_record",
            custody_id,
            {
                "custody_number": number,
                "nominal_id": nominal["nominal_id"],
                "occurrence_id": occurrence_id,
                "station": station["code"],
                "relevant_time": isoformat(rt),
            },
        )
    headers = {"Location": RECORD_HREF.format(id=custody_id), **record_headers(rec)}
    return json_response(record_body(rec, now), 201, headers)
