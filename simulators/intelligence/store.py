"""Reading and writing report rows: references, inserts, new versions. No HTTP here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from simulators.core.clock import isoformat
from simulators.core.db import select_by
from simulators.intelligence.access import open_to_lesser
from simulators.intelligence.context import itables


def sort_key(submitted_at: datetime, report_id: str) -> str:
    """Chronological, unique paging key (no sequence numbers: cursors reveal nothing hidden)."""
    return f"{isoformat(submitted_at)}|{report_id}"


def fold(text: str) -> str:
    return text.casefold()


def fetch(session: Connection, report_id: str, *, for_update: bool = False) -> Any:
    return session.execute(
        select_by(itables().reports.c.report_id, for_update), {"key": report_id.lower()}
    ).first()


def next_reference(session: Connection, year: int) -> str:
    """`INT-YYYY-NNNNNN`, one more than the highest of that year (unique index guards races)."""
    reports = itables().reports
    prefix = f"INT-{year:04d}-"
    top = session.execute(
        select(func.max(reports.c.reference)).where(reports.c.reference.like(prefix + "%"))
    ).scalar()
    number = int(top[len(prefix) :]) + 1 if top and top[len(prefix) :].isdigit() else 1
    return f"{prefix}{number:06d}"


def text_columns(original: str, sanitised: str) -> dict[str, str]:
    return {
        "original_text": original,
        "sanitised_text": sanitised,
        "original_fold": fold(original),
        "sanitised_fold": fold(sanitised),
    }


def grading_columns(grading: dict[str, Any]) -> dict[str, Any]:
    return {
        "grading_scheme": grading["scheme"],
        "source_evaluation": grading["source_evaluation"],
        "intelligence_assessment": grading["intelligence_assessment"],
        "handling_code": grading["handling_code"],
        "handling_conditions": grading["handling_conditions"],
    }


def classification_columns(classification: str, scheme: str) -> dict[str, Any]:
    return {
        "classification": classification,
        "classification_scheme": scheme,
        "open_to_lesser": open_to_lesser(classification),
    }


def subject_rows(report_id: str, subjects: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [
        {"report_id": report_id, "position": i, "nominal_id": s["nominal_id"], "role": s["role"]}
        for i, s in enumerate(subjects)
    ]


def insert_report(session: Connection, values: dict[str, Any], subjects: list[dict[str, str]]) -> None:
    t = itables()
    session.execute(t.reports.insert().values(**values))
    rows = subject_rows(values["report_id"], subjects)
    if rows:
        session.execute(t.subjects.insert(), rows)


def replace_subjects(session: Connection, report_id: str, subjects: list[dict[str, str]]) -> None:
    t = itables()
    session.execute(t.subjects.delete().where(t.subjects.c.report_id == report_id))
    rows = subject_rows(report_id, subjects)
    if rows:
        session.execute(t.subjects.insert(), rows)


def keep_version(
    session: Connection, report_id: str, version: int, at: datetime, snap: dict[str, Any]
) -> None:
    session.execute(
        itables()
        .versions.insert()
        .values(report_id=report_id, version=version, superseded_at=at, snapshot=snap)
    )


def update_report(session: Connection, report_id: str, values: dict[str, Any]) -> None:
    reports = itables().reports
    session.execute(reports.update().where(reports.c.report_id == report_id).values(**values))
