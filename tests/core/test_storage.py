"""Storage on SQLite (embedded default) and PostgreSQL (shared): same behaviour, atomic writes."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.exc import IntegrityError

from simulators.core.db import Database, DatabaseError, make_engine
from tests.core.conftest import start_widgets


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("fresh_postgres")


def _db(url: str) -> tuple[Database, Table]:
    md = MetaData()
    things = Table(
        "t_things", md, Column("id", Integer, primary_key=True), Column("name", String(20), unique=True)
    )
    db = Database(url, md)
    db.check()
    db.create_all()
    return db, things


def test_transaction_commits_as_a_whole(db_url):
    db, things = _db(db_url)
    with db.transaction() as s:
        s.execute(things.insert().values(name="a"))
        s.execute(things.insert().values(name="b"))
    with db.session() as s:
        assert s.execute(select(things.c.name).order_by(things.c.name)).scalars().all() == ["a", "b"]
    db.dispose()


def test_failure_mid_transaction_rolls_everything_back(db_url):
    db, things = _db(db_url)
    with pytest.raises(RuntimeError), db.transaction() as s:
        s.execute(things.insert().values(name="first"))
        raise RuntimeError("crash between two writes")
    with pytest.raises(IntegrityError), db.transaction() as s:  # constraint violation on the second insert
        s.execute(things.insert().values(name="x"))
        s.execute(things.insert().values(name="x"))
    with db.session() as s:
        assert s.execute(select(things)).all() == []
    db.dispose()


def test_sqlite_uses_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("url", ["mysql://x/y", "not a url", "sqlite+nodriver:///x.db"])
def test_bad_urls_are_clear_errors(url):
    with pytest.raises(DatabaseError):
        db = Database(url, MetaData())
        db.check()


def test_unreachable_postgres_is_a_clear_error():
    db = Database("postgresql://nobody:x@127.0.0.1:1/none", MetaData())
    with pytest.raises(DatabaseError, match="cannot connect"):
        db.check()


def test_a_simulator_runs_on_either_database(db_url, tmp_path):
    running = start_widgets(tmp_path, db_url=db_url)
    try:
        h = running.headers("widgets:read widgets:write")
        assert requests.post(running.url + "/widgets", json={"name": "pg"}, headers=h).status_code == 201
        assert requests.post(running.url + "/widgets", json={"name": "boom"}, headers=h).status_code == 500
        names = [w["name"] for w in requests.get(running.url + "/widgets", headers=h).json()["items"]]
        assert names == ["pg"]
        events = requests.get(running.url + "/events", headers=h).json()["items"]
        assert [e["type"] for e in events] == ["widget.created"]
    finally:
        running.stop()
