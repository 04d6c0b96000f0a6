"""Reading and writing custody records: one row per record, changed as a whole under its version.

Every change goes through `change_record`: load the row, check If-Match, run the action (which
applies the PACE rules and raises a `Problem` when one is broken), recompute the derived columns
(status, detention limit, next review due), write the row, its timeline entries and its change-feed
event in one transaction. `Database.transaction()` serialises the writes of one process (SQLite
allows one writer); `write_transaction` also takes SQLite's write lock before reading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn, overload

from flask import request
from sqlalchemy import Connection, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from simulators.core.clock import isoformat, parse_instant
from simulators.core.context import SimulatorContext, sim
from simulators.core.db import select_by, update_if_version
from simulators.core.events import record_event
from simulators.core.problems import Problem
from simulators.core.quirks import quirk_active
from simulators.custody import appropriate_adult
from simulators.custody import clock as pace
from simulators.custody.tables import CustodyTables

RECORD_HREF = "/custody-records/{id}"


def custody_state(ctx: SimulatorContext) -> CustodyTables:
    """The custody system's typed state (its tables) in `ctx`."""
    return ctx.system_state(CustodyTables)


def tables() -> CustodyTables:
    """The custody tables of the app handling this request."""
    return custody_state(sim())


@overload
def aware(dt: datetime) -> datetime: ...
@overload
def aware(dt: None) -> None: ...
def aware(dt: datetime | None) -> datetime | None:
    """Datetimes from SQLite come back naive: they were stored as UTC."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


@overload
def instant(value: str) -> datetime: ...
@overload
def instant(value: str | None) -> datetime | None: ...
def instant(value: str | None) -> datetime | None:
    """Parse a request timestamp (already format-checked by the spec), or 400 naming it."""
    if value is None:
        return None
    try:
        return parse_instant(value)
    except (ValueError, OverflowError) as exc:
        raise Problem(
            "validation-error",
            f"Not an ISO 8601 instant with offset: {value!r}.",
            errors=[{"field": "body", "message": f"{value!r} is not a date-time with offset"}],
        ) from exc


def breach_problem(breach: pace.Breach) -> Problem:
    errors = (
        [{"field": breach.field, "message": pace.RULES.get(breach.rule, breach.detail)}]
        if breach.field
        else None
    )
    return Problem(breach.kind, breach.detail, rule=breach.rule, errors=errors)


@overload
def raise_if(breach: pace.Breach) -> NoReturn: ...
@overload
def raise_if(breach: pace.Breach | None) -> None: ...
def raise_if(breach: pace.Breach | None) -> None:
    """Raise a rule's breach as its problem details; nothing when there is none."""
    if breach is not None:
        raise breach_problem(breach)


@contextmanager
def write_transaction(ctx: SimulatorContext | None = None) -> Iterator[Connection]:
    """One write transaction (serialised in-process by the database); on SQLite the write lock is
    taken first."""
    ctx = ctx or sim()
    with ctx.db.transaction() as session:
        if ctx.db.dialect == "sqlite":
            # Take the write lock before reading, so no other writer can slip in between.
            session.execute(text("UPDATE custody_number_counters SET value = value WHERE 1 = 0"))
        yield session


# ----------------------------------------------------------------------------------- conversions


@overload
def _t(value: None) -> None: ...
@overload
def _t(value: datetime | str) -> datetime: ...
def _t(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return aware(value)
    return parse_instant(str(value))


def detention_of(rec: dict[str, Any]) -> pace.Detention:
    """The PACE facts of a record (its JSON lists hold ISO strings)."""
    reviews = tuple(sorted(_t(r["reviewed_at"]) for r in rec["reviews"]))
    extensions = tuple(pace.Extension(_t(e["authorised_at"]), _t(e["until"])) for e in rec["extensions"])
    warrants = tuple(
        pace.Warrant(_t(w["applied_at"]), _t(w["issued_at"]), _t(w["until"])) for w in rec["warrants"]
    )
    authorised_at = aware(rec.get("detention_authorised_at"))
    charged_at = _t((rec.get("charge") or {}).get("charged_at"))
    times = [
        t
        for t in (
            authorised_at,
            *reviews,
            *(e.authorised_at for e in extensions),
            *(w.issued_at for w in warrants),
            charged_at,
        )
        if t is not None
    ]
    return pace.Detention(
        arrested_at=aware(rec["arrested_at"]),
        arrived_at=aware(rec["arrived_at"]),
        relevant_time=aware(rec["relevant_time"]),
        authorised_at=authorised_at,
        reviews=reviews,
        extensions=extensions,
        warrants=warrants,
        released_at=aware(rec.get("released_at")),
        last_event_at=max(times) if times else None,
        charged_at=charged_at,
    )


def is_juvenile(rec: dict[str, Any]) -> bool:
    """Under 18 on arrival by the detainee's date of birth, or appearing to be (Code C 1.5)."""
    return appropriate_adult.is_juvenile(
        (rec.get("detainee") or {}).get("date_of_birth"),
        aware(rec["arrived_at"]),
        appears_juvenile=bool(rec.get("appears_juvenile")),
    )


def adults_informed(rec: dict[str, Any]) -> list[datetime]:
    """When each appropriate adult recorded on the record was informed."""
    return [_t(a["informed_at"]) for a in rec.get("appropriate_adults") or []]


def review_interval() -> timedelta:
    """9 h by PACE s.40; 10 h when the `review-every-10h` vendor quirk is switched on."""
    return timedelta(hours=10) if quirk_active("review-every-10h") else pace.REVIEW_INTERVAL


def derived_columns(rec: dict[str, Any]) -> dict[str, Any]:
    """Status, limit and next review due: recomputed from the record on every write."""
    d = detention_of(rec)
    limit, _basis = pace.detention_limit(d)
    status = "released" if d.released else ("detained" if d.authorised_at else "booked_in")
    return {
        "status": status,
        "detention_limit": limit,
        "next_review_due": pace.next_review_due(d, review_interval()),
    }


def clock_body(d: pace.Detention, now: datetime) -> dict[str, Any]:
    c = pace.compute_clock(d, now, review_interval())
    status = "stopped" if d.released else ("running" if d.authorised_at else "awaiting_authorisation")
    return {
        "as_at": isoformat(c.as_at),
        "status": status,
        "relevant_time": isoformat(c.relevant_time),
        "detention_authorised_at": isoformat(c.detention_authorised_at),
        "detention_limit": isoformat(c.detention_limit),
        "limit_basis": c.limit_basis,
        "absolute_limit": isoformat(c.absolute_limit),
        "next_review_due": isoformat(c.next_review_due),
        "reviews_completed": c.reviews_completed,
        "reviews_overdue": c.reviews_overdue,
        "detention_overdue": c.detention_overdue,
        "time_remaining_seconds": c.time_remaining_seconds,
        "review_due_in_seconds": c.review_due_in_seconds,
        "stopped_at": isoformat(c.stopped_at),
        "breaches": c.rules,
        "charged_at": isoformat(d.charged_at),
    }


def record_body(rec: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The wire form of a custody record, with its clock as of `now`."""
    d = detention_of(rec)
    return {
        "custody_id": rec["custody_id"],
        "custody_number": rec["custody_number"],
        "status": rec["status"],
        "nominal_id": rec["nominal_id"],
        "occurrence_id": rec["occurrence_id"],
        "detainee": rec["detainee"],
        "station": rec["station"],
        "arrest": rec["arrest"],
        "offences": rec["offences"],
        "arrived_at": isoformat(aware(rec["arrived_at"])),
        "arrested_outside_force_area": bool(rec["arrested_outside_force_area"]),
        "voluntary_attendance": bool(rec["voluntary_attendance"]),
        "relevant_time": isoformat(aware(rec["relevant_time"])),
        "booked_in_by": rec["booked_in_by"],
        "detention_authorised_at": isoformat(aware(rec["detention_authorised_at"])),
        "authorisation": rec["authorisation"],
        "rights": rec["rights"],
        "risk_assessments": rec["risk_assessments"],
        "property": rec["property"],
        "reviews": rec["reviews"],
        "extensions": rec["extensions"],
        "warrants": rec["warrants"],
        "outcome": rec["outcome"],
        "released_at": isoformat(aware(rec["released_at"])),
        "clock": clock_body(d, now),
        "records_sync": rec["records_sync"],
        "juvenile": is_juvenile(rec),
        "vulnerable": bool(rec.get("vulnerable")),
        "appropriate_adults": rec.get("appropriate_adults") or [],
        "charge": rec.get("charge"),
        "bail_extensions": rec.get("bail_extensions") or [],
        "bail_return": rec.get("bail_return"),
        "version": rec["version"],
        "created_at": isoformat(aware(rec["created_at"])),
        "updated_at": isoformat(aware(rec["updated_at"])),
    }


def etag(rec: dict[str, Any]) -> str:
    return f'"{rec["version"]}"'


def record_headers(rec: dict[str, Any]) -> dict[str, str]:
    return {"ETag": etag(rec)}


# ---------------------------------------------------------------------------------------- reads


def load(session: Connection, custody_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
    """One record as a dict; `for_update` locks the row on PostgreSQL (other processes wait)."""
    lock = for_update and session.dialect.name == "postgresql"
    row = session.execute(select_by(tables().records.c.custody_id, lock), {"key": custody_id}).first()
    return dict(row._mapping) if row else None


def load_or_404(session: Connection, custody_id: str, *, for_update: bool = False) -> dict[str, Any]:
    rec = load(session, custody_id, for_update=for_update)
    if rec is None:
        raise Problem("not-found", f"No custody record {custody_id}.")
    return rec


def check_if_match(rec: dict[str, Any]) -> None:
    """412 when the caller's If-Match names an older version of the record."""
    header = request.headers.get("If-Match")
    if not header:
        return
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    if "*" in tags or etag(rec) in tags:
        return
    raise Problem(
        "precondition-failed",
        f"The record has changed (now version {rec['version']}, ETag {etag(rec)}); read it again and retry.",
    )


# --------------------------------------------------------------------------------------- writes


@dataclass
class Change:
    """What an action does to a record: new column values, timeline entries, one feed event."""

    values: dict[str, Any]
    event_type: str
    event_data: dict[str, Any] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    # more writes in the same transaction, given the session and the record as written
    also: Callable[[Connection, dict[str, Any], datetime], None] | None = None


def timeline_entry(
    type_: str, at: datetime, by: dict[str, Any] | None, summary: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"type": type_, "at": at, "by": by, "summary": summary, "data": data or {}}


def insert_timeline(
    session: Connection, custody_id: str, entries: list[dict[str, Any]], recorded_at: datetime
) -> None:
    if entries:
        session.execute(
            tables().timeline.insert(),
            [{"custody_id": custody_id, "recorded_at": recorded_at, **e} for e in entries],
        )


def change_record(
    custody_id: str, action: Callable[[dict[str, Any], pace.Detention, datetime], Change]
) -> tuple[dict[str, Any], datetime]:
    """Apply `action` to the record atomically; returns the record as written and the time used."""
    ctx = sim()
    t = tables().records
    with write_transaction(ctx) as s:
        now = ctx.clock.now()
        rec = load_or_404(s, custody_id, for_update=True)
        check_if_match(rec)
        change = action(rec, detention_of(rec), now)
        values = {**change.values}
        values.update(derived_columns({**rec, **values}))
        values["version"] = rec["version"] + 1
        values["updated_at"] = now
        new = {**rec, **values}
        # Only the columns that change: re-sending every JSON column cost more than the update.
        values = {k: v for k, v in values.items() if k in change.values or rec.get(k) != v}
        if not update_if_version(s, t.c.custody_id, custody_id, rec["version"], values):
            raise Problem(
                "conflict",
                "The record changed while this was being recorded; read it again and retry.",
                rule="CUS-CONCURRENT-CHANGE",
            )
        insert_timeline(s, custody_id, change.timeline, now)
        if change.also is not None:
            change.also(s, new, now)
        record_event(
            s,
            ctx.tables.events,
            change.event_type,
            "custody_record",
            custody_id,
            {"custody_number": rec["custody_number"], "nominal_id": rec["nominal_id"], **change.event_data},
        )
    return new, now


def allocate_custody_number(session: Connection, prefix: str, year: int) -> str:
    """Next number for prefix and year, `<prefix>-<year>-<sequence, 6+ digits>`: one atomic upsert, so
    two bookings (even in two processes on PostgreSQL) never get the same number."""
    c = tables().counters
    key = f"{prefix}-{year:04d}"
    insert = pg_insert if session.dialect.name == "postgresql" else sqlite_insert
    upsert = insert(c).values(key=key, value=1)
    upsert = upsert.on_conflict_do_update(index_elements=[c.c.key], set_={"value": c.c.value + 1})
    value = session.execute(upsert.returning(c.c.value)).scalar_one()
    return f"{key}-{value:06d}"


@overload
def officer(body: dict[str, Any]) -> dict[str, Any]: ...
@overload
def officer(body: None) -> None: ...
def officer(body: dict[str, Any] | None) -> dict[str, Any] | None:
    """An officer as stored: name, collar number, rank."""
    if body is None:
        return None
    return {"name": body["name"], "collar_number": body.get("collar_number"), "rank": body.get("rank")}


def iso(dt: datetime | None) -> str | None:
    return isoformat(dt)
