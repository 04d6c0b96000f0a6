"""Simulator settings every worker must agree on (clock, quirks, faults), read once per change.

They live in the system's state table so that every worker process, and every host sharing a
PostgreSQL database, sees a `/_sim` change at once. Reading them on every request cost a pooled
connection and a query (about a tenth of a by-id read); `SharedState` now keeps the last snapshot
and reads the table again only when a change stamp says another writer has been there:

* SQLite file: a stamp file beside the database (`<db>-state`), replaced by a new random token
  on every `put`; reading it (microseconds) tells every process on the host whether its snapshot
  is stale. A SQLite database is only shared by processes of one host, which all see the file.
* PostgreSQL: shared by hosts that see no common file, so every request reads the table (one query).

Within a request the snapshot is kept in `flask.g`, which gives the request one consistent view.
A write through `put` drops both, so the writer sees its own change. Snapshots are shared between
threads: callers treat the values as read-only (they copy before changing, as faults.py does).
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Table, select

from simulators.core.db import Database

KEYS = ("clock", "quirks", "faults")
_SNAPSHOT = "_interop_shared_state"
STAMP_SUFFIX = "-state"


class ChangeStamp:
    """Tells whether the settings may have changed since a stamp was taken (None: always say so)."""

    def __init__(self, db: Database) -> None:
        url = db.engine.url
        database = url.database if db.dialect == "sqlite" else None
        self.path: Path | None = None
        if database and database != ":memory:" and not database.startswith("file:"):
            self.path = Path(database).with_name(Path(database).name + STAMP_SUFFIX)

    def current(self) -> object | None:
        """An opaque stamp, equal to an earlier one only if no `bump` happened in between."""
        if self.path is not None:
            try:  # its content, not its mtime: two changes within one timer tick differ too
                with open(self.path, "rb") as f:
                    return f.read(64)
            except FileNotFoundError:
                return b""
        return None

    def bump(self) -> None:
        """Mark a change (after it committed), for every process that reads this stamp."""
        if self.path is not None:
            tmp = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}")
            tmp.write_text(uuid.uuid4().hex)
            os.replace(tmp, self.path)  # atomic: a reader sees the old token or the new one


class SharedState:
    """One system's shared settings: `get(key)` / `put(key, value)` over the state table."""

    def __init__(self, db: Database, table: Table) -> None:
        self._db = db
        self._table = table
        query = select(table.c.key, table.c.value).where(table.c.key.in_(KEYS))
        self._sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
        self._stamp = ChangeStamp(db)
        self._cached: tuple[object, dict[str, Any]] | None = None
        self._lock = threading.Lock()

    def _read(self) -> dict[str, Any]:
        # SQLAlchemy writes the SQL (above, once); it is run on a pooled DBAPI connection because
        # Core's per-execute work cost 4x the query itself here.
        conn = self._db.engine.raw_connection()
        try:
            cursor = conn.cursor()
            cursor.execute(self._sql)
            rows = cursor.fetchall()
            cursor.close()
        finally:
            conn.close()
        # SQLite hands JSON back as text, psycopg as Python values.
        return {key: json.loads(value) if isinstance(value, str) else value for key, value in rows}

    def snapshot(self) -> dict[str, Any]:
        """Every shared setting as last stored: from the cache while the stamp has not moved."""
        stamp = self._stamp.current()  # taken before the read: a change during it shows next time
        cached = self._cached
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[1]
        values = self._read()
        if stamp is not None:
            self._cached = (stamp, values)
        return values

    def get(self, key: str) -> Any | None:
        """The stored value of `key` (one of KEYS), or None when it was never set."""
        if key not in KEYS:
            raise KeyError(f"{key!r} is not a shared setting ({', '.join(KEYS)})")
        if not has_request_context():
            return self.snapshot().get(key)
        snapshot = g.get(_SNAPSHOT)
        if snapshot is None:
            snapshot = self.snapshot()
            setattr(g, _SNAPSHOT, snapshot)
        return snapshot.get(key)

    def put(self, key: str, value: Any) -> None:
        """Store `value` under `key`. Keys outside KEYS (the population marker) are stored too,
        but only KEYS are in the snapshot that `get` answers from."""
        table = self._table
        with self._lock:
            with self._db.transaction() as s:
                s.execute(table.delete().where(table.c.key == key))
                s.execute(table.insert().values(key=key, value=value))
            self._cached = None
            self._stamp.bump()
        if has_request_context():
            g.pop(_SNAPSHOT, None)
