"""The custody system's tables (all `custody_`-prefixed, SQLite and PostgreSQL alike).

One row per custody record, with the actions recorded on it (reviews, extensions, warrants, rights,
risk assessments, property, outcome) held as JSON lists on the row: a record is always read and
changed as a whole, under its `version`. Columns that queries filter on (nominal, station, status,
next review due) are real columns, kept in step with the JSON on every write.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from simulators.core.merge_aliases import MergeTables, merge_tables
from simulators.core.tables import seq_column, versioned_columns


@dataclass(frozen=True)
class CustodyTables:
    metadata: MetaData
    records: Table
    timeline: Table
    outbox: Table
    counters: Table
    merges: MergeTables  # records' merges, followed from its change feed (merges.py)


def custody_tables() -> CustodyTables:
    """A fresh MetaData with the custody tables (one per app: no global state)."""
    md = MetaData()
    records = Table(
        "custody_records",
        md,
        Column("custody_id", String(36), primary_key=True),
        Column("custody_number", String(40), nullable=False, unique=True),
        Column("status", String(20), nullable=False, index=True),
        Column("nominal_id", String(36), nullable=False, index=True),
        Column("occurrence_id", String(36), nullable=True, index=True),
        Column("station_code", String(20), nullable=False, index=True),
        Column("station", JSON, nullable=False),
        Column("detainee", JSON, nullable=False),
        Column("arrest", JSON, nullable=False),
        Column("offences", JSON, nullable=False),
        Column("arrested_at", DateTime(timezone=True), nullable=False),
        Column("arrived_at", DateTime(timezone=True), nullable=False),
        Column("arrested_outside_force_area", Boolean, nullable=False, default=False),
        Column("voluntary_attendance", Boolean, nullable=False, default=False),
        Column("relevant_time", DateTime(timezone=True), nullable=False),
        Column("booked_in_by", JSON, nullable=True),
        Column("detention_authorised_at", DateTime(timezone=True), nullable=True),
        Column("authorisation", JSON, nullable=True),
        Column("rights", JSON, nullable=False),
        Column("risk_assessments", JSON, nullable=False),
        Column("property", JSON, nullable=False),
        Column("reviews", JSON, nullable=False),
        Column("extensions", JSON, nullable=False),
        Column("warrants", JSON, nullable=False),
        Column("outcome", JSON, nullable=True),
        Column("released_at", DateTime(timezone=True), nullable=True),
        Column("detention_limit", DateTime(timezone=True), nullable=False),
        Column("next_review_due", DateTime(timezone=True), nullable=True, index=True),
        Column("records_sync", JSON, nullable=False),
        # juveniles, vulnerable adults, charge and bail (absent on records written before them)
        Column("vulnerable", Boolean, nullable=True),
        Column("appears_juvenile", Boolean, nullable=True),
        Column("appropriate_adults", JSON, nullable=True),
        Column("charge", JSON, nullable=True),
        Column("bail_extensions", JSON, nullable=True),
        Column("bail_return", JSON, nullable=True),
        *versioned_columns(version_default=1),
    )
    timeline = Table(
        "custody_timeline",
        md,
        seq_column(),
        Column(
            "custody_id", String(36), ForeignKey("custody_records.custody_id"), nullable=False, index=True
        ),
        Column("type", String(40), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("by", JSON, nullable=True),
        Column("summary", Text, nullable=False),
        Column("data", JSON, nullable=False),
    )
    outbox = Table(
        "custody_outbox",
        md,
        seq_column(),
        Column(
            "custody_id", String(36), ForeignKey("custody_records.custody_id"), nullable=False, index=True
        ),
        Column("occurrence_id", String(36), nullable=False),
        Column("payload", JSON, nullable=False),
        Column("status", String(20), nullable=False, index=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("delivered_at", DateTime(timezone=True), nullable=True),
    )
    counters = Table(
        "custody_number_counters",
        md,
        Column("key", String(40), primary_key=True),
        Column("value", Integer, nullable=False),
    )
    return CustodyTables(md, records, timeline, outbox, counters, merge_tables(md, "custody"))
