"""Infrastructure tables every simulator has: shared state, change feed, traffic log.

Named `<system>_...` so the three systems can share one PostgreSQL database.
"""

from __future__ import annotations

from dataclasses import dataclass

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
_SEQ = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class CoreTables:
    state: Table
    events: Table
    traffic: Table


def core_tables(metadata: MetaData, system: str) -> CoreTables:
    events = Table(
        f"{system}_events",
        metadata,
        Column("seq", _SEQ, primary_key=True, autoincrement=True),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("type", String(64), nullable=False, index=True),
        Column("resource_type", String(64), nullable=False),
        Column("resource_id", String(64), nullable=False, index=True),
        Column("data", JSON, nullable=False),
    )
    traffic = Table(
        f"{system}_traffic",
        metadata,
        Column("seq", _SEQ, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False),
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
    )
    return CoreTables(state=state_table(metadata, system), events=events, traffic=traffic)
