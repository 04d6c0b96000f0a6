"""The two shapes a report is shown in, built field by field from an allow-list.

`report_view(..., View.SANITISED)` never reads the original text or the source type, so a lesser
reader's response cannot carry them by accident; the contract backs this up (the sanitised
schema has `additionalProperties: false`, so a stray field fails response validation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from simulators.core.clock import isoformat
from simulators.intelligence.access import View, may_see
from simulators.intelligence.context import itables
from simulators.intelligence.review import review_overdue


def subjects_of(session: Connection, report_ids: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """Subjects per report, in their submitted order."""
    ids = list(report_ids)
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    if not ids:
        return out
    t = itables().subjects
    rows = session.execute(
        select(t.c.report_id, t.c.nominal_id, t.c.role)
        .where(t.c.report_id.in_(ids))
        .order_by(t.c.report_id, t.c.position)
    ).all()
    for r in rows:
        out[r.report_id].append({"nominal_id": r.nominal_id, "role": r.role})
    return out


def grading_of(row: Any) -> dict[str, Any]:
    return {
        "scheme": row.grading_scheme,
        "source_evaluation": row.source_evaluation,
        "intelligence_assessment": row.intelligence_assessment,
        "handling_code": row.handling_code,
        "handling_conditions": row.handling_conditions,
    }


def report_view(row: Any, subjects: list[dict[str, str]], view: View, today: date) -> dict[str, Any]:
    """The report as `view` may see it; raises if the caller may not see it at all."""
    if not may_see(view, row.classification):
        raise PermissionError("report not visible to this caller")  # a bug: callers filter first
    body: dict[str, Any] = {
        "report_id": row.report_id,
        "reference": row.reference,
        "version": row.version,
        "text_version": view.value,
    }
    if view is View.ORIGINAL:
        body["text"] = row.original_text
        body["sanitised_text"] = row.sanitised_text
        body["source_type"] = row.source_type
    else:
        body["text"] = row.sanitised_text
    body.update(
        {
            "grading": grading_of(row),
            "classification": row.classification,
            "classification_scheme": row.classification_scheme,
            "subjects": subjects,
            "locations": list(row.locations or []),
            "organisations": list(row.organisations or []),
            "review_date": row.review_date.isoformat(),
            "review_overdue": review_overdue(row.review_date, today),
            "submitted_at": isoformat(row.submitted_at),
            "updated_at": isoformat(row.updated_at),
        }
    )
    return body


def snapshot(row: Any, subjects: list[dict[str, str]]) -> dict[str, Any]:
    """Everything in one version (kept when the version is superseded)."""
    return {
        "report_id": row.report_id,
        "reference": row.reference,
        "version": row.version,
        "source_type": row.source_type,
        "grading": grading_of(row),
        "classification": row.classification,
        "classification_scheme": row.classification_scheme,
        "original_text": row.original_text,
        "sanitised_text": row.sanitised_text,
        "subjects": subjects,
        "locations": list(row.locations or []),
        "organisations": list(row.organisations or []),
        "review_date": row.review_date.isoformat(),
        "submitted_at": isoformat(row.submitted_at),
        "updated_at": isoformat(row.updated_at),
    }


def etag(version: int) -> str:
    """The ETag of a version (the same form records uses: `"v<version>"`)."""
    return f'"v{version}"'
