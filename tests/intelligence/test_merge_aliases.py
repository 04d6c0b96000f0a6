"""simulators/core/merge_aliases.py on its own: following records' merges from a feed (paged,
resumed, repeated, chained merges), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import MetaData

from simulators.core import merge_aliases
from simulators.core.db import Database


def _feed(events: list[dict[str, Any]], page: int = 2):
    """A records-like feed: `after` is the index as a string; next_cursor stays put at the end."""

    def fetch(after: str | None) -> dict[str, Any]:
        start = int(after or 0)
        items = events[start : start + page]
        return {"items": items, "next_cursor": str(start + len(items))}

    return fetch


def _merged(survivor: str, duplicate: str) -> dict[str, Any]:
    return {"type": "nominal.merged", "data": {"survivor_id": survivor, "duplicate_id": duplicate}}


def _check(url: str) -> None:
    md = MetaData()
    tables = merge_aliases.merge_tables(md, "probe")
    db = Database(url, md)
    db.create_all()
    try:
        events = [
            _merged("a", "b"),
            {"type": "nominal.created", "data": {}},
            _merged("a", "c"),
            _merged("x", "a"),  # the survivor is merged on in turn: x now answers for a, b and c
        ]
        assert merge_aliases.catch_up(db, tables, _feed(events)) == 3
        assert merge_aliases.catch_up(db, tables, _feed(events)) == 0  # resumed: nothing new
        with db.session() as s:
            assert merge_aliases.same_person(s, tables, "b") == ["x", "a", "b", "c"]
            assert merge_aliases.same_person(s, tables, "X") == ["x", "a", "b", "c"]
            assert merge_aliases.same_person(s, tables, "never-merged") == ["never-merged"]
        events.append(_merged("y", "z"))
        assert merge_aliases.catch_up(db, tables, _feed(events)) == 1
        with db.session() as s:
            assert merge_aliases.same_person(s, tables, "y") == ["y", "z"]
    finally:
        db.drop_all()
        db.dispose()


def test_following_merges_on_sqlite(tmp_path) -> None:
    _check(f"sqlite:///{tmp_path / 'merges.db'}")


@pytest.mark.postgres
def test_following_merges_on_postgres(fresh_postgres: str) -> None:
    _check(fresh_postgres)
