"""What a system tells the bulk machinery about its entity types, and the NDJSON line format.

Each `EntityType` reads its entities in bounded batches (keyset paging on the primary key, one short
read per batch, so an export of 100,000 people never holds them all) and imports a batch of
lines through the system's own domain rules. `BulkSystem.types` is in import order: a line only
refers to entities of earlier types (or earlier lines of its own type).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Select, func, select, text

from simulators.core.problems import Problem

#: Entities read per batch by an export, and lines judged per batch by an import.
BATCH = 500


@dataclass(frozen=True)
class ExportOptions:
    """What an export was asked for: `since` (incremental), the quirks active at kick-off, its time."""

    since: datetime | None
    quirks: tuple[str, ...]
    transaction_time: datetime


@dataclass
class Record:
    """One uploaded line being imported: the parsed document and, once judged, its refusal."""

    line: int
    doc: Any
    id: str | None = None
    refusal: dict[str, Any] | None = None

    @property
    def pending(self) -> bool:
        return self.refusal is None

    def refuse(self, problem: Problem) -> None:
        """Record why this line is not imported (the first reason found wins)."""
        if self.refusal is not None:
            return
        self.refusal = {"status": problem.status, "rule": problem.rule, "detail": problem.detail}
        if problem.errors:
            self.refusal["errors"] = problem.errors


# A batch reader: (read connection, options, last key seen or None) -> the next batch of documents
# and the key to continue after (None when there are no more).
Exporter = Callable[[Any, ExportOptions], Iterator[list[dict[str, Any]]]]
Importer = Callable[[Any, Connection, list[Record]], None]
Counter = Callable[[Any, ExportOptions], int]


@dataclass(frozen=True)
class EntityType:
    """An entity type of a system's bulk format.

    `schema` names the component schema every line validates against; `id_field` the line's id;
    `export(ctx, options)` yields batches of line documents; `count(ctx, options)` says how many
    there will be (for progress); `import_batch(ctx, conn, records)` refuses the records that
    break a rule (`Record.refuse`) and writes the others inside `conn`'s transaction.
    """

    name: str
    schema: str
    id_field: str
    export: Exporter
    count: Counter
    import_batch: Importer


@dataclass(frozen=True)
class BulkSystem:
    """A system's entity types, in import order."""

    types: tuple[EntityType, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.types]

    def get(self, name: str) -> EntityType | None:
        return next((t for t in self.types if t.name == name), None)


def ndjson_line(doc: dict[str, Any]) -> bytes:
    """One NDJSON line: compact UTF-8 JSON, keys in the order the read operation gives them."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def count_rows(ctx: Any, table: Any, where: Any = None) -> int:
    """How many rows of `table` (matching `where`) an export will write: its progress total."""
    stmt = select(func.count()).select_from(table)
    if where is not None:
        stmt = stmt.where(where)
    with ctx.db.session() as s:
        return int(s.execute(stmt).scalar() or 0)


def changed_since(column: Any, options: ExportOptions) -> Any:
    """The incremental export's condition on `column` (None: a full export)."""
    return None if options.since is None else column > options.since


def existing(s: Connection, column: Any, values: list[Any]) -> set[Any]:
    """Which of `values` the system already holds in `column` (one query per import batch)."""
    values = [v for v in values if v is not None]
    return set(s.execute(select(column).where(column.in_(values))).scalars()) if values else set()


def advance_sequence(s: Connection, table: str, column: str) -> None:
    """After rows were imported with their own ids: PostgreSQL's sequence does not move by itself,
    so move it past them (SQLite takes the highest id + 1 anyway)."""
    if s.dialect.name == "postgresql":
        s.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT max({column}) FROM {table}))"
            )
        )


def insert_rows(s: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (one executemany); nothing when there are none."""
    if rows:
        s.execute(table.insert(), rows)


def keyset_batches(ctx: Any, stmt: Select[Any], key: Column[Any], size: int = BATCH) -> Iterator[list[Any]]:
    """Rows of `stmt` in primary-key order, `size` at a time, each batch read in its own short
    connection (no cursor is held open across batches, so writers are never blocked for long)."""
    last = None
    while True:
        page = stmt.order_by(key).limit(size)
        if last is not None:
            page = page.where(key > last)
        with ctx.db.session() as s:
            rows = s.execute(page).all()
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = getattr(rows[-1], key.name)


def table_lines(
    ctx: Any,
    table: Any,
    key: Column[Any],
    changed: Any,
    options: ExportOptions,
    line: Callable[[Any], dict[str, Any]],
) -> Iterator[list[dict[str, Any]]]:
    """The export of a table whose rows are lines one for one: `line(row)` for every row (changed
    after `since` by the `changed` column, for an incremental export), in `key` order."""
    stmt = select(table)
    where = changed_since(changed, options)
    if where is not None:
        stmt = stmt.where(where)
    for rows in keyset_batches(ctx, stmt, key):
        yield [line(r) for r in rows]
