"""Storage through SQLAlchemy 2: an embedded SQLite file by default, PostgreSQL by URL.

Each system owns its tables (prefixed with the system name) so all three can share one
PostgreSQL database. Every write runs inside `Database.transaction()`: it commits as a whole or
rolls back as a whole, so a fault mid-write leaves the database consistent.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    MetaData,
    Select,
    String,
    Table,
    Update,
    bindparam,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

SQLITE_POOL_SIZE = 16


class DatabaseError(Exception):
    """The database URL is unusable (bad syntax, unknown driver, server unreachable)."""


def _normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs (the one we install)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """Create an engine, with SQLite tuned for concurrent readers (WAL) and foreign keys on."""
    try:
        parsed = make_url(_normalise_url(url))
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        # Enough pooled connections for every server thread and the traffic-log writer: past the
        # pool size each request opened and closed its own connection (and re-ran the PRAGMAs).
        kwargs.update(pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_POOL_SIZE)
    elif parsed.get_backend_name() == "postgresql":
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
    else:
        raise DatabaseError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://"
        )
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"cannot use database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@functools.lru_cache(maxsize=256)
def select_by(column: Column[Any], for_update: bool = False) -> Select[Any]:
    """`SELECT * FROM <table> WHERE <column> = :key`, built once per column.

    For the hot reads by id: building the statement (and its cache key) on every call cost as
    much as running it. Execute with `{"key": value}`.
    """
    stmt = select(column.table).where(column == bindparam("key"))
    return stmt.with_for_update() if for_update else stmt


@functools.lru_cache(maxsize=64)
def _versioned_update(id_column: Column[Any]) -> Update:
    table = id_column.table
    return table.update().where(
        id_column == bindparam("where_key"), table.c.version == bindparam("where_version")
    )


def update_if_version(
    conn: Connection, id_column: Column[Any], key: Any, version: int, values: dict[str, Any]
) -> bool:
    """UPDATE the row whose `id_column` is `key` only while it is still at `version` (optimistic
    concurrency); False when another writer changed it first. SET comes from `values`. The
    statement is built once per table: building it per write cost a third as much as running it.
    """
    params = {"where_key": key, "where_version": version, **values}
    return conn.execute(_versioned_update(id_column), params).rowcount == 1


def state_table(metadata: MetaData, system: str) -> Table:
    """Key/value table for simulator state that must be shared across worker processes."""
    return Table(
        f"{system}_sim_state",
        metadata,
        Column("key", String(64), primary_key=True),
        Column("value", JSON, nullable=False),
    )


class Database:
    """One system's database: engine, tables, and transactional sessions."""

    def __init__(self, url: str, metadata: MetaData) -> None:
        self.url = url
        self.metadata = metadata
        self.engine = make_engine(url)
        # SQLite has one writer at a time, and a writer that finds the file locked sleeps in
        # SQLite's busy handler (1, 2, 5, 10 ... ms) before it retries. Writers of this process queue
        # on a Python lock instead, which hands over the moment the last one commits; writers in
        # other processes still meet the busy timeout.
        self._write_lock = threading.RLock() if self.dialect == "sqlite" else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def check(self) -> None:
        """Connect once, so a bad URL or a down server is reported at start, not on first request."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseError(f"cannot connect to {self.safe_url}: {reason}") from exc

    @property
    def safe_url(self) -> str:
        return make_url(_normalise_url(self.url)).render_as_string(hide_password=True)

    def create_all(self) -> None:
        self.metadata.create_all(self.engine)

    def schema_fingerprint(self) -> str:
        """A short hash of this system's tables, columns and indexes, to tell schemas apart."""
        parts = []
        for table in self.metadata.sorted_tables:
            parts.append(table.name)
            parts.extend(f"{c.name}:{c.type!r}:{c.nullable}:{c.primary_key}" for c in table.columns)
            for ix in sorted(table.indexes, key=lambda i: str(i.name)):
                parts.append(f"index {ix.name} {ix.unique} {','.join(str(e) for e in ix.expressions)}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def drop_all(self) -> None:
        self.metadata.drop_all(self.engine)

    def analyze(self) -> None:
        """Refresh the query planner's statistics; run after a bulk load.

        Without statistics SQLite takes every index for selective: with 100,000 nominals,
        `merged_into IS NULL AND nominal_id IN (...)` walked the merged_into index over all active
        rows (25 ms a name search) instead of the primary key (0.4 ms).

        Only this system's tables: on a PostgreSQL database shared by all three, a database-wide
        ANALYZE took locks on the other systems' tables and deadlocked with their start-up DDL.
        """
        preparer = self.engine.dialect.identifier_preparer
        with self.engine.begin() as conn:
            for table in self.metadata.sorted_tables:
                conn.execute(text(f"ANALYZE {preparer.format_table(table)}"))

    def truncate_all(self, keep: tuple[str, ...] = ()) -> None:
        """Delete every row of this system's tables (children first), in one transaction."""
        with self.engine.begin() as conn:
            for table in reversed(self.metadata.sorted_tables):
                if table.name not in keep:
                    conn.execute(table.delete())

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on any error."""
        with self._write_lock or contextlib.nullcontext(), self.engine.begin() as conn:
            yield conn

    def session(self) -> Connection:
        """A connection for reads (callers close it, usually with `with`).

        Core connections, not ORM sessions: nothing here maps objects, and the session's
        bookkeeping doubled the cost of a primary-key read (~95 us against ~50 us, SQLite).
        """
        return self.engine.connect()

    def dispose(self) -> None:
        self.engine.dispose()
