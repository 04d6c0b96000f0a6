"""Bulk-load the seeded population's nominals and occurrences (with their POLE links).

Values are stored **as recorded**, defects included: duplicates are separate nominals, partial
dates of birth and non-canonical postcodes stay as they are, so consumers meet what a force's
legacy data really holds. No change-feed events: the feed starts empty after a load. Link ids are
derived (uuid5) from (occurrence, person, role), so a reload gives the same ids.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Table

from simulators.core.context import SimulatorContext
from simulators.domain import codelists
from simulators.records.context import records_state
from simulators.records.nominals import name_key_rows, row_values

BATCH = 5000
#: SQLite page cache for the loading connection (KiB).
LOAD_CACHE_KIB = 16 * 1024
#: When a legacy record says nothing about when it was created.
LEGACY_CREATED_AT = datetime(2000, 1, 1, tzinfo=UTC)


def derived_id(key: str) -> str:
    """A stable UUID (version 3 layout, MD5 of the key): same population, same ids; cheaper than uuid3()."""
    h = hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()
    return f"{h[:8]}-{h[8:12]}-3{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def _t(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def _batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_insert(s: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight through the driver: SQLAlchemy's per-row parameter processing costs more
    than the insert itself at 100,000 people. Values are converted here as the column types would:
    JSON to text, instants to UTC (SQLite: SQLAlchemy's own text layout)."""
    if not rows:
        return
    conn = s  # transactions are Core connections (simulators/core/db.py)
    dialect = conn.dialect
    columns = [c for c in table.columns if c.name in rows[0]]
    sqlite = dialect.name == "sqlite"

    def convert(column: Any) -> Any:
        if isinstance(column.type, JSON):
            return lambda v: None if v is None else json.dumps(v)
        if isinstance(column.type, DateTime):
            if sqlite:
                return lambda v: (
                    None
                    if v is None
                    else v.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
                )
            return lambda v: v
        return None

    converters = [(c.name, convert(c)) for c in columns]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([marker] * len(columns))})"
    params = [tuple(fn(row[name]) if fn else row[name] for name, fn in converters) for row in rows]
    conn.exec_driver_sql(sql, params)


def nominal_row(src: dict[str, Any]) -> dict[str, Any]:
    created = _t(src.get("created_at")) or LEGACY_CREATED_AT
    values = row_values(
        {
            **src,
            "warning_markers": [
                {
                    "code": m["code"],
                    "description": m.get("description")
                    or codelists.WARNING_MARKERS.get(m["code"], m["code"]),
                    "added_on": m.get("added_on"),
                }
                for m in src.get("warning_markers") or []
            ],
        }
    )
    return {
        "nominal_id": src["nominal_id"],
        **values,
        "merged_ids": [],
        "merged_into": None,
        "version": 1,
        "created_at": created,
        "updated_at": created,
    }


def occurrence_rows(src: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    created = _t(src.get("created_at")) or _t(src["reported_at"])
    outcome = src.get("outcome") or None
    row = {
        "occurrence_id": src["occurrence_id"],
        "reference": src["reference"],
        "type": src["type"],
        "classification_code": src["classification"]["code"],
        "classification_title": src["classification"]["title"],
        "summary": src.get("summary"),
        "occurred_from": _t(src["occurred_from"]),
        "occurred_to": _t(src.get("occurred_to")),
        "reported_at": _t(src["reported_at"]),
        "location": src.get("location"),
        "status": src["status"],
        "outcome_code": outcome["code"] if outcome else None,
        "outcome_title": outcome["title"] if outcome else None,
        "version": 1,
        "created_at": created,
        "updated_at": created,
    }
    links = []
    seen = set()
    for link in src.get("links") or []:
        key = (link["nominal_id"], link["role"])
        if key in seen:
            continue
        seen.add(key)
        links.append(
            {
                "link_id": derived_id(
                    f"records-link/{src['occurrence_id']}/{link['nominal_id']}/{link['role']}"
                ),
                "occurrence_id": src["occurrence_id"],
                "entity_type": "person",
                "nominal_id": link["nominal_id"],
                "object_id": None,
                "location_id": None,
                "role": link["role"],
                "created_at": created,
            }
        )
    return row, links


def load_population(ctx: SimulatorContext, folder: Path) -> None:
    """Insert nominals (with name keys) and occurrences (with links) in one transaction.

    Secondary indexes are dropped for the load and rebuilt after it: building an index over sorted
    data once is several times faster than maintaining it row by row.
    """
    from simulators.population import read_records

    t = records_state(ctx)
    tables = (t.nominals, t.name_keys, t.occurrences, t.links)
    with ctx.db.transaction() as s:
        conn = s  # transactions are Core connections (simulators/core/db.py)
        if conn.dialect.name == "sqlite":
            # The page cache is per connection and stays with it in the pool: 256 MiB here kept every
            # records process at ~450 MB for good; 16 MiB loads 100,000 people about as fast (~200 MB peak).
            conn.exec_driver_sql(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
        indexes = [ix for table in tables for ix in table.indexes]
        for ix in indexes:
            ix.drop(conn, checkfirst=True)
        for batch in _batches(read_records(folder, "nominals")):
            rows = [nominal_row(src) for src in batch]
            bulk_insert(s, t.nominals, rows)
            bulk_insert(
                s,
                t.name_keys,
                [
                    k
                    for src, row in zip(batch, rows, strict=True)
                    for k in name_key_rows(src["nominal_id"], row)
                ],
            )
        for batch in _batches(read_records(folder, "occurrences")):
            converted = [occurrence_rows(src) for src in batch]
            bulk_insert(s, t.occurrences, [row for row, _ in converted])
            bulk_insert(s, t.links, [lk for _, lks in converted for lk in lks])
        for ix in indexes:
            ix.create(conn, checkfirst=True)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default, for the pooled connection
            conn.exec_driver_sql("PRAGMA shrink_memory")
