"""Population loader: bulk-insert the seeded intelligence reports (kind `intelligence_reports`).

Historic reports keep exactly what they were given: 5x5x5 gradings with their scheme id and
legacy GPMS markings (the API refuses both on new submissions). No change-feed events: the feed
starts empty after a load. Rows go in with executemany in batches, so 100,000 people load fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from simulators.core.clock import parse_instant
from simulators.core.context import SimulatorContext
from simulators.intelligence import store
from simulators.intelligence.access import scheme_of
from simulators.intelligence.context import intelligence_state
from simulators.intelligence.review import default_review_date
from simulators.intelligence.tables import IntelligenceTables

BATCH = 2000


def report_values(record: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One population record as (report row, subject rows)."""
    report_id = str(record["report_id"]).lower()
    submitted = parse_instant(record["submitted_at"])
    grading = record["grading"]
    conditions = grading.get("handling_conditions")
    classification = record["classification"]
    review = record.get("review_date")
    row = {
        "report_id": report_id,
        "sort_key": store.sort_key(submitted, report_id),
        "reference": record["reference"],
        "version": 1,
        "submitted_at": submitted,
        "updated_at": submitted,
        "submitted_by": None,
        "source_type": record["source_type"],
        "grading_scheme": grading.get("scheme", "3x5x2"),
        "source_evaluation": str(grading["source_evaluation"]),
        "intelligence_assessment": str(grading["intelligence_assessment"]),
        "handling_code": str(grading["handling_code"]),
        "handling_conditions": conditions if conditions else None,
        **store.classification_columns(
            classification, scheme_of(classification, record.get("classification_scheme"))
        ),
        **store.text_columns(record["original_text"], record["sanitised_text"]),
        "locations": [dict(loc) for loc in record.get("locations") or []],
        "organisations": [dict(o) for o in record.get("organisations") or []],
        "review_date": date.fromisoformat(review) if review else default_review_date(submitted.date()),
    }
    subjects = [
        {"nominal_id": str(s["nominal_id"]).lower(), "role": s["role"]} for s in record.get("subjects") or []
    ]
    return row, store.subject_rows(report_id, subjects)


def load_reports(ctx: SimulatorContext, tables: IntelligenceTables, records: Iterable[dict[str, Any]]) -> int:
    """Insert `records` in batches; returns how many reports were loaded."""
    count = 0
    reports: list[dict[str, Any]] = []
    subjects: list[dict[str, Any]] = []

    def flush() -> None:
        if not reports:
            return
        with ctx.db.transaction() as s:
            s.execute(tables.reports.insert(), reports)
            if subjects:
                s.execute(tables.subjects.insert(), subjects)
        reports.clear()
        subjects.clear()

    for record in records:
        row, subject_rows = report_values(record)
        reports.append(row)
        subjects.extend(subject_rows)
        count += 1
        if len(reports) >= BATCH:
            flush()
    flush()
    return count


def load_population(ctx: SimulatorContext, folder: Any) -> None:
    """The `loader` given to the core: reads the population folder's intelligence reports."""
    from simulators.population import read_records

    load_reports(ctx, intelligence_state(ctx), read_records(folder, "intelligence_reports"))
