"""Infrastructure tables every simulator has: shared state, change feed, traffic log.

Named `<system>_...` so the three systems can share one PostgreSQL database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from simulators.core.db import state_table

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for big logs.
SEQ = BigInteger().with_variant(Integer(), "sqlite")


def seq_column() -> Column[Any]:
    """The auto-incrementing ``seq`` primary key of an append-only log table."""
    return Column("seq", SEQ, primary_key=True, autoincrement=True)


def versioned_columns(version_default: int | None = None) -> list[Column[Any]]:
    """``version`` (the ETag of a mutable resource), ``created_at`` and ``updated_at``."""
    return [
        Column("version", Integer, nullable=False, default=version_default),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    ]


@dataclass(frozen=True)
class CoreTables:
    state: Table
    events: Table
    traffic: Table


def core_tables(metadata: MetaData, system: str) -> CoreTables:
    events = Table(
        f"{system}_events",
        metadata,
        seq_column(),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("type", String(64), nullable=False, index=True),
        Column("resource_type", String(64), nullable=False),
        Column("resource_id", String(64), nullable=False, index=True),
        Column("data", JSON, nullable=False),
    )
    traffic = Table(
        f"{system}_traffic",
        metadata,
        seq_column(),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=True),  # wall clock, not simulated
        Column("client_id", String(128), nullable=True, index=True),
        Column("method", String(10), nullable=False),
        Column("path", String(2048), nullable=False),
        Column("query", String(2048), nullable=False, default=""),
        Column("operation", String(256), nullable=True),
        Column("status", Integer, nullable=False),
        Column("duration_ms", Float, nullable=False),
        Column("request_valid", Boolean, nullable=True),
        Column("response_valid", Boolean, nullable=True),
        Column("errors", JSON, nullable=False),
        Column("request_body", Text, nullable=True),
        Column("response_body", Text, nullable=True),
        Column("retry_after", String(64), nullable=True),  # the answer's Retry-After, to judge retries
    )
    return CoreTables(state=state_table(metadata, system), events=events, traffic=traffic)
