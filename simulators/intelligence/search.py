"""Report queries: by subject nominal, grading, submission date range and full text.

What a reader may see is part of the query itself (never a filter applied after paging), so a
page, its size and its cursor are computed over visible reports only. Full text (`q`: every
word must appear, case-insensitive) searches **only the sanitised text** for a reader without
the restricted scope; otherwise a hit would reveal words of the original.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select

from simulators.core.clock import parse_instant
from simulators.core.problems import Problem
from simulators.intelligence.access import View
from simulators.intelligence.context import itables
from simulators.intelligence.merges import same_person_ids

MAX_TERMS = 10


def search_terms(q: str) -> list[str]:
    """The words of a full-text query, case-folded (at most MAX_TERMS)."""
    return [t for t in q.casefold().split() if t][:MAX_TERMS]


def _instant(args: Mapping[str, str], name: str) -> datetime | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        return parse_instant(raw)
    except (ValueError, OverflowError) as exc:
        raise Problem(
            "validation-error",
            f"{name} must be an ISO 8601 date-time with offset.",
            errors=[{"field": f"query.{name}", "message": "not a date-time with offset"}],
        ) from exc


def search_statement(args: Mapping[str, str], view: View) -> Select[Any]:
    """The SELECT for `GET /reports` with these query arguments, as `view` may see."""
    t = itables()
    reports = t.reports
    stmt = select(reports)
    if view is not View.ORIGINAL:
        stmt = stmt.where(reports.c.open_to_lesser.is_(True))
    subject = args.get("subject")
    if subject:
        subjects = t.subjects
        stmt = stmt.where(
            reports.c.report_id.in_(
                select(subjects.c.report_id).where(
                    subjects.c.nominal_id.in_(same_person_ids(subject.lower()))  # follows merges
                )
            )
        )
    for param, column in (
        ("grading_scheme", reports.c.grading_scheme),
        ("source_evaluation", reports.c.source_evaluation),
        ("intelligence_assessment", reports.c.intelligence_assessment),
        ("handling_code", reports.c.handling_code),
    ):
        value = args.get(param)
        if value:
            stmt = stmt.where(column == value)
    start, end = _instant(args, "submitted_from"), _instant(args, "submitted_to")
    if start and end and start > end:
        raise Problem(
            "validation-error",
            "submitted_from is after submitted_to.",
            errors=[{"field": "query.submitted_from", "message": "must not be after submitted_to"}],
        )
    if start:
        stmt = stmt.where(reports.c.submitted_at >= start)
    if end:
        stmt = stmt.where(reports.c.submitted_at < end)
    terms = search_terms(args.get("q", ""))
    if terms:
        if view is View.ORIGINAL:
            conditions = [
                or_(
                    reports.c.sanitised_fold.contains(term, autoescape=True),
                    reports.c.original_fold.contains(term, autoescape=True),
                )
                for term in terms
            ]
        else:
            conditions = [reports.c.sanitised_fold.contains(term, autoescape=True) for term in terms]
        stmt = stmt.where(and_(*conditions))
    return stmt
