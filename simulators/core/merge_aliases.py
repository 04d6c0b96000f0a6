"""Follow the records system's merges, so a system that keeps records' nominal ids (custody,
intelligence) finds what it holds on a merged-away nominal through the survivor's id.

Records announces each merge on its change feed (`nominal.merged`: `survivor_id`, `duplicate_id`).
A following system keeps a copy of those pairs in its own table (`<system>_nominal_merges`) and its
place in the feed (`<system>_nominal_merges_cursor`), and catches up before every query that names a
nominal: a merge done a moment ago is already followed. If records cannot be reached the query is
answered with the merges known so far (the copy is at worst a little behind, never wrong).

The feed is read through a callable (`fetch(after) -> page`), so this module needs no client; the
systems pass their records client's `events`. Both tables belong to the system's metadata, so a
reset empties them with everything else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, MetaData, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

MERGED = "nominal.merged"
PAGE_LIMIT = 200
MAX_PAGES = 50  # per catch-up; the rest waits for the next query


@dataclass(frozen=True)
class MergeTables:
    merges: Table
    cursor: Table


def merge_tables(metadata: MetaData, system: str) -> MergeTables:
    merges = Table(
        f"{system}_nominal_merges",
        metadata,
        Column("duplicate_id", String(36), primary_key=True),
        Column("survivor_id", String(36), nullable=False, index=True),
    )
    cursor = Table(
        f"{system}_nominal_merges_cursor",
        metadata,
        Column("feed", String(20), primary_key=True),
        Column("after", String(200), nullable=True),
    )
    return MergeTables(merges, cursor)


_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(tables: MergeTables) -> threading.Lock:
    """One reader of the feed per system and process; others wait and then see its result."""
    with _locks_guard:
        return _locks.setdefault(id(tables.merges), threading.Lock())


def catch_up(db: Any, tables: MergeTables, fetch: Callable[[str | None], dict[str, Any]]) -> int:
    """Read records' feed from where this system stopped; store each merge. Returns how many were
    new. `fetch` raising (records unreachable, refused) leaves the copy as it was."""
    added = 0
    with _lock_for(tables):
        with db.session() as s:
            after = s.execute(select(tables.cursor.c.after).where(tables.cursor.c.feed == "records")).scalar()
        for _ in range(MAX_PAGES):
            page = fetch(after)
            items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(items, list):
                return added
            pairs = [p for p in (_pair(e) for e in items) if p]
            nxt = page.get("next_cursor") or after
            with db.transaction() as s:
                added += _store(s, tables, pairs)
                _save_cursor(s, tables, nxt)
            if not items or nxt == after:
                return added
            after = nxt
    return added


def _pair(event: Any) -> tuple[str, str] | None:
    if not isinstance(event, dict) or event.get("type") != MERGED:
        return None
    data = event.get("data") or {}
    survivor, duplicate = data.get("survivor_id"), data.get("duplicate_id")
    if isinstance(survivor, str) and isinstance(duplicate, str) and survivor != duplicate:
        return survivor.lower(), duplicate.lower()
    return None


def _insert(s: Connection, table: Table) -> Any:
    """INSERT that tolerates another process having written the same key first (ON CONFLICT)."""
    return (pg_insert if s.dialect.name == "postgresql" else sqlite_insert)(table)


def _store(s: Connection, tables: MergeTables, pairs: Iterable[tuple[str, str]]) -> int:
    added = 0
    for survivor, duplicate in pairs:
        stmt = _insert(s, tables.merges).values(duplicate_id=duplicate, survivor_id=survivor)
        stmt = stmt.on_conflict_do_nothing(index_elements=["duplicate_id"]).returning(
            tables.merges.c.duplicate_id
        )
        added += len(s.execute(stmt).all())  # rowcount is not reliable for ON CONFLICT on every driver
    return added


def _save_cursor(s: Connection, tables: MergeTables, after: str | None) -> None:
    stmt = _insert(s, tables.cursor).values(feed="records", after=after)
    s.execute(stmt.on_conflict_do_update(index_elements=["feed"], set_={"after": after}))


def survivor_of(s: Connection, tables: MergeTables, nominal_id: str) -> str:
    """The surviving id of `nominal_id` (itself when it was never merged away)."""
    t = tables.merges
    seen = {nominal_id}
    current = nominal_id
    while True:
        up = s.execute(select(t.c.survivor_id).where(t.c.duplicate_id == current)).scalar()
        if up is None or up in seen:
            return current
        seen.add(up)
        current = up


def same_person(s: Connection, tables: MergeTables, nominal_id: str) -> list[str]:
    """Every id records has used for this person: the survivor and all merged into it, first the
    survivor, the rest sorted."""
    root = survivor_of(s, tables, nominal_id.lower())
    t = tables.merges
    found, frontier = {root}, [root]
    while frontier:
        rows = s.execute(select(t.c.duplicate_id).where(t.c.survivor_id.in_(frontier))).scalars().all()
        frontier = [r for r in rows if r not in found]
        found.update(frontier)
    return [root, *sorted(found - {root})]
