"""The intelligence system's tables (all named `intelligence_*`).

`intelligence_reports` holds the current version of each report; superseded versions move to
`intelligence_report_versions` (the audit log refers to versions, so none is lost).
`*_fold` columns hold case-folded copies of the two texts for portable full-text matching
(SQLite's lower() is ASCII-only). `sort_key` (submission time + id) orders and pages reports
without sequence numbers, so a page cursor reveals nothing about reports a reader cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from simulators.core.merge_aliases import MergeTables, merge_tables
from simulators.core.tables import SEQ, seq_column


@dataclass(frozen=True)
class IntelligenceTables:
    metadata: MetaData
    reports: Table
    subjects: Table
    versions: Table
    audit: Table
    event_audience: Table
    merges: MergeTables  # records' merges, followed from its change feed (merges.py)


def build_tables() -> IntelligenceTables:
    """A fresh MetaData with every intelligence table (one per app: no global state)."""
    metadata = MetaData()
    reports = Table(
        "intelligence_reports",
        metadata,
        Column("report_id", String(36), primary_key=True),
        Column("sort_key", String(80), nullable=False, unique=True),
        Column("reference", String(32), nullable=False, unique=True),
        Column("version", Integer, nullable=False),
        Column("submitted_at", DateTime(timezone=True), nullable=False, index=True),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("submitted_by", String(128), nullable=True),
        Column("source_type", String(32), nullable=False),
        Column("grading_scheme", String(8), nullable=False),
        Column("source_evaluation", String(1), nullable=False, index=True),
        Column("intelligence_assessment", String(1), nullable=False, index=True),
        Column("handling_code", String(1), nullable=False, index=True),
        Column("handling_conditions", Text, nullable=True),
        Column("classification", String(32), nullable=False),
        Column("classification_scheme", String(8), nullable=False),
        Column("open_to_lesser", Boolean, nullable=False, index=True),
        Column("original_text", Text, nullable=False),
        Column("sanitised_text", Text, nullable=False),
        Column("original_fold", Text, nullable=False),
        Column("sanitised_fold", Text, nullable=False),
        Column("locations", JSON, nullable=False),
        Column("organisations", JSON, nullable=False),
        Column("review_date", Date, nullable=False),
    )
    subjects = Table(
        "intelligence_report_subjects",
        metadata,
        Column(
            "report_id",
            String(36),
            ForeignKey("intelligence_reports.report_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("position", Integer, primary_key=True),
        Column("nominal_id", String(36), nullable=False, index=True),
        Column("role", String(32), nullable=False),
    )
    versions = Table(
        "intelligence_report_versions",
        metadata,
        Column(
            "report_id",
            String(36),
            ForeignKey("intelligence_reports.report_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("version", Integer, primary_key=True),
        Column("superseded_at", DateTime(timezone=True), nullable=False),
        Column("snapshot", JSON, nullable=False),
    )
    audit = Table(
        "intelligence_audit",
        metadata,
        seq_column(),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("client_id", String(128), nullable=False),
        Column("token_id", String(64), nullable=False),
        Column("operation", String(16), nullable=False),
        Column("outcome", String(16), nullable=False),
        Column("report_id", String(36), nullable=True),
        Column("version", Integer, nullable=True),
        Column("text_version", String(16), nullable=True),
        Column("nominal_id", String(36), nullable=True),
        Index("ix_intelligence_audit_report", "report_id"),
        Index("ix_intelligence_audit_client", "client_id"),
    )
    # Who may see each change-feed event: "all", "restricted" (restricted readers only) or
    # "lesser" (readers without the restricted scope only, e.g. "report.withdrawn").
    event_audience = Table(
        "intelligence_event_audience",
        metadata,
        Column("seq", SEQ, primary_key=True, autoincrement=False),
        Column("audience", String(16), nullable=False),
    )
    return IntelligenceTables(
        metadata, reports, subjects, versions, audit, event_audience, merge_tables(metadata, "intelligence")
    )
