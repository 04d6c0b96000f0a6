"""The custody system's bulk format: custody records and their timelines (docs/portability.md).

A `custody_record` line is the record as `GET /custody-records/{custody_id}` shows it (its `clock`
computed at the export's transaction time: derived, re-derived by whoever imports it) plus
`appears_juvenile`, the one stored fact the read leaves out. A `custody_event` line is a timeline
entry as `GET /custody-records/{custody_id}/timeline` shows it, with its `custody_id`. Import keeps
ids, custody numbers, versions, times and entry ids, derives status, detention limit and next
review from the record's own facts (PACE, as every write does), and moves the custody number
counters past the imported numbers so new bookings never collide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, select

from simulators.core.bulk import BulkSystem, EntityType, ExportOptions, Record
from simulators.core.bulk.model import (
    advance_sequence,
    changed_since,
    count_rows,
    existing,
    insert_rows,
    table_lines,
)
from simulators.core.clock import isoformat, parse_instant
from simulators.core.problems import Problem
from simulators.custody.store import aware, custody_state, derived_columns, record_body
from simulators.custody.tables import CustodyTables

_NUMBER = re.compile(r"^([A-Z]{2})-([0-9]{4})-([0-9]+)$")


def _t(ctx: Any) -> CustodyTables:
    return custody_state(ctx)


# --- custody records ------------------------------------------------------------------------------


def record_line(rec: dict[str, Any], options: ExportOptions) -> dict[str, Any]:
    line = record_body(rec, options.transaction_time)
    line["appears_juvenile"] = rec.get("appears_juvenile")
    return line


def export_records(ctx: Any, options: ExportOptions) -> Iterator[list[dict[str, Any]]]:
    t = _t(ctx).records
    yield from table_lines(
        ctx, t, t.c.custody_id, t.c.updated_at, options, lambda r: record_line(dict(r._mapping), options)
    )


def count_records(ctx: Any, options: ExportOptions) -> int:
    t = _t(ctx).records
    return count_rows(ctx, t, changed_since(t.c.updated_at, options))


def _record_row(d: dict[str, Any]) -> dict[str, Any]:
    def at(name: str) -> Any:
        return parse_instant(d[name]) if d.get(name) else None

    row = {
        "custody_id": d["custody_id"],
        "custody_number": d["custody_number"],
        "nominal_id": d["nominal_id"],
        "occurrence_id": d["occurrence_id"],
        "station_code": d["station"]["code"],
        "station": d["station"],
        "detainee": d["detainee"],
        "arrest": d["arrest"],
        "offences": d["offences"],
        "arrested_at": parse_instant(d["arrest"]["arrested_at"]),
        "arrived_at": at("arrived_at"),
        "arrested_outside_force_area": d["arrested_outside_force_area"],
        "voluntary_attendance": d["voluntary_attendance"],
        "relevant_time": at("relevant_time"),
        "booked_in_by": d["booked_in_by"],
        "detention_authorised_at": at("detention_authorised_at"),
        "authorisation": d["authorisation"],
        "rights": d["rights"],
        "risk_assessments": d["risk_assessments"],
        "property": d["property"],
        "reviews": d["reviews"],
        "extensions": d["extensions"],
        "warrants": d["warrants"],
        "outcome": d["outcome"],
        "released_at": at("released_at"),
        "records_sync": d["records_sync"],
        "vulnerable": d.get("vulnerable"),
        "appears_juvenile": d.get("appears_juvenile"),
        "appropriate_adults": d.get("appropriate_adults") or [],
        "charge": d.get("charge"),
        "bail_extensions": d.get("bail_extensions") or [],
        "bail_return": d.get("bail_return"),
        "version": d["version"],
        "created_at": at("created_at"),
        "updated_at": at("updated_at"),
    }
    row.update(derived_columns(row))
    return row


def import_records(ctx: Any, s: Connection, records: list[Record]) -> None:
    tabs = _t(ctx)
    t = tabs.records
    docs = [r.doc for r in records]
    held = existing(s, t.c.custody_id, [d["custody_id"] for d in docs])
    numbers = existing(s, t.c.custody_number, [d["custody_number"] for d in docs])
    rows = []
    for rec in records:
        d = rec.doc
        if d["custody_id"] in held:
            rec.refuse(
                Problem(
                    "conflict",
                    f"This system already holds custody record {d['custody_id']}.",
                    rule="BULK-IMP-006",
                )
            )
            continue
        if d["custody_number"] in numbers:
            rec.refuse(
                Problem(
                    "conflict",
                    f"Custody number {d['custody_number']} is already in use.",
                    rule="BULK-IMP-006",
                )
            )
            continue
        try:
            row = _record_row(d)
        except (KeyError, TypeError, ValueError) as exc:
            rec.refuse(
                Problem("validation-error", f"The custody record is not valid: {exc}", rule="BULK-IMP-011")
            )
            continue
        held.add(d["custody_id"])
        numbers.add(d["custody_number"])
        rows.append(row)
    insert_rows(s, t, rows)
    _advance_counters(s, tabs, [r["custody_number"] for r in rows])


def _advance_counters(s: Connection, tabs: CustodyTables, numbers: list[str]) -> None:
    """Custody number counters after the highest imported number of each prefix and year."""
    highest: dict[str, int] = {}
    for number in numbers:
        m = _NUMBER.match(number)
        if m:
            key = f"{m[1]}-{m[2]}"
            highest[key] = max(highest.get(key, 0), int(m[3]))
    c = tabs.counters
    for key, value in highest.items():
        current = s.execute(select(c.c.value).where(c.c.key == key)).scalar()
        if current is None:
            s.execute(c.insert().values(key=key, value=value))
        elif current < value:
            s.execute(c.update().where(c.c.key == key).values(value=value))


# --- timeline -------------------------------------------------------------------------------------


def event_line(row: Any) -> dict[str, Any]:
    return {
        "custody_id": row.custody_id,
        "entry_id": str(row.seq),
        "type": row.type,
        "at": isoformat(aware(row.at)),
        "recorded_at": isoformat(aware(row.recorded_at)),
        "by": row.by,
        "summary": row.summary,
        "data": row.data or {},
    }


def export_events(ctx: Any, options: ExportOptions) -> Iterator[list[dict[str, Any]]]:
    t = _t(ctx).timeline
    yield from table_lines(ctx, t, t.c.seq, t.c.recorded_at, options, event_line)


def count_events(ctx: Any, options: ExportOptions) -> int:
    t = _t(ctx).timeline
    return count_rows(ctx, t, changed_since(t.c.recorded_at, options))


def import_events(ctx: Any, s: Connection, records: list[Record]) -> None:
    tabs = _t(ctx)
    t = tabs.timeline
    docs = [r.doc for r in records]
    owners = existing(s, tabs.records.c.custody_id, [d["custody_id"] for d in docs])
    seqs = [int(d["entry_id"]) for d in docs if str(d["entry_id"]).isdigit()]
    held = {str(v) for v in existing(s, t.c.seq, seqs)}
    rows = []
    for rec in records:
        d = rec.doc
        if not str(d["entry_id"]).isdigit():
            rec.refuse(Problem("validation-error", "entry_id must be a whole number.", rule="BULK-IMP-011"))
        elif d["custody_id"] not in owners:
            rec.refuse(
                Problem(
                    "business-rule",
                    f"Custody record {d['custody_id']} is neither in this system nor earlier in the import.",
                    rule="BULK-IMP-008",
                )
            )
        elif str(d["entry_id"]) in held:
            rec.refuse(
                Problem("conflict", f"Timeline entry {d['entry_id']} is already held.", rule="BULK-IMP-006")
            )
        else:
            held.add(str(d["entry_id"]))
            rows.append(
                {
                    "seq": int(d["entry_id"]),
                    "custody_id": d["custody_id"],
                    "type": d["type"],
                    "at": parse_instant(d["at"]),
                    "recorded_at": parse_instant(d["recorded_at"]),
                    "by": d["by"],
                    "summary": d["summary"],
                    "data": d["data"],
                }
            )
    insert_rows(s, t, rows)
    if rows:
        advance_sequence(s, t.name, "seq")


CUSTODY_BULK = BulkSystem(
    (
        EntityType(
            "custody_record", "BulkCustodyRecord", "custody_id", export_records, count_records, import_records
        ),
        EntityType(
            "custody_event", "BulkCustodyEvent", "entry_id", export_events, count_events, import_events
        ),
    )
)
