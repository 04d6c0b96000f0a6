"""Serialise the writers that claim the same PNC ID or CRO number, across processes.

`check_identifiers_unique` reads "does an active nominal hold this identifier?" and the caller then
writes; two processes doing that at once could both read "no" and both write. The uniqueness is not
a database constraint because merged-away nominals keep the identifiers of the person they were
(and the seeded population carries duplicate records on purpose), so the rule is "unique among
active nominals". These locks make the read-then-write atomic instead:

- PostgreSQL: a transaction-scoped advisory lock per identifier (`pg_advisory_xact_lock`), taken in
  a fixed order, released at commit or rollback. Under READ COMMITTED the check that follows the
  lock sees whatever the previous holder committed.
- SQLite: the database's write lock, taken before the read (one writer at a time per file, across
  processes; other writers wait in SQLite's busy handler).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import Connection, text

# Any stable namespace: keeps these keys apart from other advisory locks on a shared database.
_NAMESPACE = "interop-records-identifier"


def lock_key(kind: str, value: str) -> int:
    """A signed 64-bit advisory-lock key for one identifier (stable across processes and runs)."""
    digest = hashlib.sha256(f"{_NAMESPACE}:{kind}:{value.upper()}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_identifiers(session: Connection, identifiers: Iterable[tuple[str, str | None]]) -> None:
    """Hold the lock of each (kind, value) until the transaction ends (a value of None holds none)."""
    wanted = sorted({lock_key(kind, value) for kind, value in identifiers if value})
    if not wanted:
        return
    if session.dialect.name == "postgresql":
        for key in wanted:  # in order: two writers never wait on each other's second lock
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif session.dialect.name == "sqlite":
        session.execute(text("UPDATE records_nominals SET version = version WHERE 1 = 0"))
