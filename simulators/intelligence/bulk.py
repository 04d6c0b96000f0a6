"""The intelligence system's bulk format: reports, their superseded versions and the access audit.

A `report` line is the report as a restricted reader sees it (`OriginalReport`: original and
sanitised text, source type, grading); `review_overdue` is derived from the review date on the
day it is read. A `report_version` line is one superseded version as it was kept (the handling
and grading history). An `audit_entry` line is one need-to-know audit entry as `GET /audit` shows
it. Import keeps ids, references, versions, times and audit ids; it applies the grading rules
for historic reports (3x5x2, or 5x5x5 kept from before 2024: `check_grading(allow_legacy=True)`).
Who submitted a report is not part of the standard's representation, so it is not carried.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from simulators.core.bulk import BulkSystem, EntityType, ExportOptions, Record
from simulators.core.bulk.model import (
    advance_sequence,
    changed_since,
    count_rows,
    existing,
    insert_rows,
    keyset_batches,
    table_lines,
)
from simulators.core.clock import isoformat, parse_instant
from simulators.core.problems import Problem
from simulators.intelligence import store
from simulators.intelligence.access import View
from simulators.intelligence.audit import _item as audit_entry
from simulators.intelligence.context import intelligence_state
from simulators.intelligence.grading import check_grading
from simulators.intelligence.rules import raise_violations
from simulators.intelligence.tables import IntelligenceTables
from simulators.intelligence.views import report_view, subjects_of


def _t(ctx: Any) -> IntelligenceTables:
    return intelligence_state(ctx)


def _held(what: str, ident: Any) -> Problem:
    return Problem("conflict", f"This system already holds {what} {ident}.", rule="BULK-IMP-006")


def _missing(ident: str) -> Problem:
    return Problem(
        "business-rule",
        f"Report {ident} is neither in this system nor earlier in the import.",
        rule="BULK-IMP-008",
    )


# --- reports --------------------------------------------------------------------------------------


def export_reports(ctx: Any, options: ExportOptions) -> Iterator[list[dict[str, Any]]]:
    t = _t(ctx).reports
    stmt = select(t)
    where = changed_since(t.c.updated_at, options)
    if where is not None:
        stmt = stmt.where(where)
    today = options.transaction_time.date()
    for rows in keyset_batches(ctx, stmt, t.c.report_id):
        with ctx.db.session() as s:
            subjects = subjects_of(s, [r.report_id for r in rows])
        yield [report_view(r, subjects.get(r.report_id, []), View.ORIGINAL, today) for r in rows]


def count_reports(ctx: Any, options: ExportOptions) -> int:
    t = _t(ctx).reports
    return count_rows(ctx, t, changed_since(t.c.updated_at, options))


def import_reports(ctx: Any, s: Connection, records: list[Record]) -> None:
    t = _t(ctx)
    docs = [r.doc for r in records]
    held = existing(s, t.reports.c.report_id, [d["report_id"] for d in docs])
    refs = existing(s, t.reports.c.reference, [d["reference"] for d in docs])
    rows, subjects = [], []
    for rec in records:
        d = rec.doc
        try:
            if d["report_id"] in held:
                raise _held("report", d["report_id"])
            if d["reference"] in refs:
                raise _held("report reference", d["reference"])
            raise_violations(check_grading(d["grading"], allow_legacy=True))
        except Problem as exc:
            rec.refuse(exc)
            continue
        submitted = parse_instant(d["submitted_at"])
        held.add(d["report_id"])
        refs.add(d["reference"])
        rows.append(
            {
                "report_id": d["report_id"],
                "sort_key": store.sort_key(submitted, d["report_id"]),
                "reference": d["reference"],
                "version": d["version"],
                "submitted_at": submitted,
                "updated_at": parse_instant(d["updated_at"]),
                "submitted_by": None,
                "source_type": d["source_type"],
                **store.grading_columns(d["grading"]),
                **store.classification_columns(d["classification"], d["classification_scheme"]),
                **store.text_columns(d["text"], d["sanitised_text"]),
                "locations": d["locations"],
                "organisations": d["organisations"],
                "review_date": date.fromisoformat(d["review_date"]),
            }
        )
        subjects.extend(store.subject_rows(d["report_id"], d["subjects"]))
    insert_rows(s, t.reports, rows)
    insert_rows(s, t.subjects, subjects)


# --- superseded versions --------------------------------------------------------------------------


def version_line(row: Any) -> dict[str, Any]:
    return {
        "report_id": row.report_id,
        "version": row.version,
        "superseded_at": isoformat(row.superseded_at),
        "snapshot": row.snapshot,
    }


def export_versions(ctx: Any, options: ExportOptions) -> Iterator[list[dict[str, Any]]]:
    """By report, then version (a composite key: paged on the report id, whole reports per batch)."""
    t = _t(ctx)
    ids = select(t.reports.c.report_id)
    for rows in keyset_batches(ctx, ids, t.reports.c.report_id):
        report_ids = [r.report_id for r in rows]
        stmt = select(t.versions).where(t.versions.c.report_id.in_(report_ids))
        where = changed_since(t.versions.c.superseded_at, options)
        if where is not None:
            stmt = stmt.where(where)
        with ctx.db.session() as s:
            found = s.execute(stmt.order_by(t.versions.c.report_id, t.versions.c.version)).all()
        if found:
            yield [version_line(r) for r in found]


def count_versions(ctx: Any, options: ExportOptions) -> int:
    t = _t(ctx).versions
    return count_rows(ctx, t, changed_since(t.c.superseded_at, options))


def import_versions(ctx: Any, s: Connection, records: list[Record]) -> None:
    t = _t(ctx)
    docs = [r.doc for r in records]
    owners = existing(s, t.reports.c.report_id, [d["report_id"] for d in docs])
    rows = []
    seen: set[tuple[str, int]] = set()
    for rec in records:
        d = rec.doc
        key = (d["report_id"], d["version"])
        if d["report_id"] not in owners:
            rec.refuse(_missing(d["report_id"]))
            continue
        exists = s.execute(
            select(func.count())
            .select_from(t.versions)
            .where(t.versions.c.report_id == key[0], t.versions.c.version == key[1])
        ).scalar()
        if exists or key in seen:
            rec.refuse(_held("version", f"{key[1]} of report {key[0]}"))
            continue
        seen.add(key)
        rows.append(
            {**key_dict(key), "superseded_at": parse_instant(d["superseded_at"]), "snapshot": d["snapshot"]}
        )
    insert_rows(s, t.versions, rows)


def key_dict(key: tuple[str, int]) -> dict[str, Any]:
    return {"report_id": key[0], "version": key[1]}


# --- access audit ---------------------------------------------------------------------------------


def export_audit(ctx: Any, options: ExportOptions) -> Iterator[list[dict[str, Any]]]:
    t = _t(ctx).audit
    yield from table_lines(ctx, t, t.c.seq, t.c.at, options, audit_entry)


def count_audit(ctx: Any, options: ExportOptions) -> int:
    t = _t(ctx).audit
    return count_rows(ctx, t, changed_since(t.c.at, options))


def import_audit(ctx: Any, s: Connection, records: list[Record]) -> None:
    t = _t(ctx).audit
    docs = [r.doc for r in records]
    ids = [int(d["audit_id"]) for d in docs if str(d["audit_id"]).isdigit()]
    held = {str(v) for v in existing(s, t.c.seq, ids)}
    rows = []
    for rec in records:
        d = rec.doc
        if not str(d["audit_id"]).isdigit():
            rec.refuse(Problem("validation-error", "audit_id must be a whole number.", rule="BULK-IMP-011"))
            continue
        if str(d["audit_id"]) in held:
            rec.refuse(_held("audit entry", d["audit_id"]))
            continue
        held.add(str(d["audit_id"]))
        rows.append(
            {
                "seq": int(d["audit_id"]),
                "at": parse_instant(d["at"]),
                **{
                    k: d[k]
                    for k in (
                        "client_id",
                        "token_id",
                        "operation",
                        "outcome",
                        "report_id",
                        "version",
                        "text_version",
                        "nominal_id",
                    )
                },
            }
        )
    insert_rows(s, t, rows)
    if rows:
        advance_sequence(s, t.name, "seq")


INTELLIGENCE_BULK = BulkSystem(
    (
        EntityType("report", "BulkReport", "report_id", export_reports, count_reports, import_reports),
        EntityType(
            "report_version",
            "BulkReportVersion",
            "report_id",
            export_versions,
            count_versions,
            import_versions,
        ),
        EntityType("audit_entry", "BulkAuditEntry", "audit_id", export_audit, count_audit, import_audit),
    )
)
