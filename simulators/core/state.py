"""Simulator settings every worker must agree on (clock, quirks, faults), read once per request.

They live in the system's state table so that every worker process, and every host sharing a
PostgreSQL database, sees a `/_sim` change at once. Reading each on every use cost three to six
queries a request; `SharedState` reads all of them in one query the first time a request needs
one and keeps that snapshot in `flask.g` for the rest of the request, which also gives the request
one consistent view. A write through `put` drops the snapshot so the writer sees its own change.
Outside a request (start-up, background threads) every `get` reads the table.
"""

from __future__ import annotations

import json
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Table, select

from simulators.core.db import Database

KEYS = ("clock", "quirks", "faults")
_SNAPSHOT = "_interop_shared_state"


class SharedState:
    """One system's shared settings: `get(key)` / `put(key, value)` over the state table."""

    def __init__(self, db: Database, table: Table) -> None:
        self._db = db
        self._table = table
        query = select(table.c.key, table.c.value).where(table.c.key.in_(KEYS))
        self._sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))

    def _read(self) -> dict[str, Any]:
        # Runs on nearly every request. SQLAlchemy writes the SQL (above, once); it is run on a
        # pooled DBAPI connection because Core's per-execute work cost 4x the query itself here.
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

    def get(self, key: str) -> Any | None:
        """The stored value of `key` (one of KEYS), or None when it was never set."""
        if key not in KEYS:
            raise KeyError(f"{key!r} is not a shared setting ({', '.join(KEYS)})")
        if not has_request_context():
            return self._read().get(key)
        snapshot = g.get(_SNAPSHOT)
        if snapshot is None:
            snapshot = self._read()
            setattr(g, _SNAPSHOT, snapshot)
        return snapshot.get(key)

    def put(self, key: str, value: Any) -> None:
        """Store `value` under `key`. Keys outside KEYS (the population marker) are stored too,
        but only KEYS are in the per-request snapshot that `get` answers from."""
        table = self._table
        with self._db.transaction() as s:
            s.execute(table.delete().where(table.c.key == key))
            s.execute(table.insert().values(key=key, value=value))
        if has_request_context():
            g.pop(_SNAPSHOT, None)
