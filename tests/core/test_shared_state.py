"""Settings every worker shares (clock, quirks, faults) and the batched traffic log.

Two simulator apps on one database stand in for two worker processes: a `/_sim` change made
through one must show on the other's very next request, although each request reads the
settings once and keeps them for the rest of that request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import MetaData, func, select

from simulators.core.auth import Issuer, load_or_create_key
from simulators.core.db import Database
from simulators.core.problems import Problem
from simulators.core.tables import core_tables
from simulators.core.traffic import TrafficLog
from tests.core.conftest import start_widgets
from tests.simkit import RunningSim


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[RunningSim, RunningSim]]:
    a = start_widgets(tmp_path)
    b = start_widgets(tmp_path)  # same home, same widgets.db
    yield a, b
    a.stop()
    b.stop()


def test_a_clock_change_through_one_worker_is_seen_by_the_other(two_workers) -> None:
    a, b = two_workers
    assert a.sim("PUT", "/clock", json={"now": "2025-03-01T09:00:00Z", "frozen": True}).ok
    assert b.sim("GET", "/clock").json()["now"] == "2025-03-01T09:00:00+00:00"
    assert a.sim("POST", "/clock/advance", json={"hours": 6}).json()["now"] == "2025-03-01T15:00:00+00:00"
    assert b.sim("GET", "/clock").json()["now"] == "2025-03-01T15:00:00+00:00"


def test_faults_set_through_one_worker_apply_on_the_other(two_workers) -> None:
    a, b = two_workers
    headers = b.headers("widgets:read")
    assert requests.get(b.url + "/widgets", headers=headers, timeout=10).status_code == 200
    assert a.sim("PUT", "/faults", json={"down": True}).ok
    assert requests.get(b.url + "/widgets", headers=headers, timeout=10).status_code == 503
    assert a.sim("PUT", "/faults", json={"down": True, "operations": ["GET /widgets/{widget_id}"]}).ok
    assert requests.get(b.url + "/widgets", headers=headers, timeout=10).status_code == 200
    assert requests.get(b.url + "/widgets/1", headers=headers, timeout=10).status_code == 503
    assert a.sim("PUT", "/faults", json={}).ok
    assert requests.get(b.url + "/widgets/1", headers=headers, timeout=10).status_code == 404


def test_traffic_is_readable_as_soon_as_the_exchange_is_answered(widgets) -> None:
    headers = widgets.headers("widgets:read")
    for n in range(20):
        requests.get(f"{widgets.url}/widgets/{n + 1000}", headers=headers, timeout=10)
        items = widgets.sim("GET", "/traffic?limit=100").json()["items"]
        assert len(items) == n + 1 and items[-1]["path"] == f"/widgets/{n + 1000}"


def _log(tmp_path: Path) -> tuple[TrafficLog, Database, object]:
    metadata = MetaData()
    tables = core_tables(metadata, "t")
    db = Database(f"sqlite:///{tmp_path / 't.db'}", metadata)
    db.create_all()
    return TrafficLog(db, tables.traffic), db, tables.traffic


def _entry(path: str) -> dict[str, object]:
    return {
        "at": datetime.now(UTC),
        "method": "GET",
        "path": path,
        "query": "",
        "status": 200,
        "duration_ms": 1.0,
        "errors": [],
    }


def test_the_traffic_log_keeps_order_and_close_writes_what_is_queued(tmp_path: Path) -> None:
    log, db, table = _log(tmp_path)
    for n in range(50):
        log.append(_entry(f"/x/{n}"))
    log.close()
    with db.session() as s:
        paths = s.execute(select(table.c.path).order_by(table.c.seq)).scalars().all()
    assert paths == [f"/x/{n}" for n in range(50)]
    log.append(_entry("/after-close"))  # a late exchange during shutdown is dropped, not an error
    log.flush()
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(table)).scalar() == 50


def test_the_writer_thread_stores_entries_without_being_asked(tmp_path: Path) -> None:
    log, db, table = _log(tmp_path)
    log.append(_entry("/soon"))
    deadline = time.monotonic() + 5
    count = 0
    while time.monotonic() < deadline and not count:
        with db.session() as s:
            count = s.execute(select(func.count()).select_from(table)).scalar()
        time.sleep(0.02)
    assert count == 1
    log.discard()
    log.close()


def test_discard_drops_what_is_queued_and_a_failed_write_breaks_nothing(tmp_path: Path) -> None:
    log, db, table = _log(tmp_path)
    log._closed = True  # no writer thread: this test decides when writes happen
    with log._lock:
        log._pending.append(_entry("/dropped"))
    log.discard()
    log.flush()
    with log._lock:
        log._pending.append({"no_such_column": 1})
    log.flush()  # logged, not raised: the log must never break the exchange it records
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(table)).scalar() == 0


def test_a_cached_token_still_expires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issuer = Issuer(load_or_create_key(tmp_path / "key.json"), "interop-local-issuer")
    token = issuer.issue("c", ["widgets:read"], ttl_seconds=60)
    assert issuer.verify(token).client_id == "c"
    assert issuer.verify(token).client_id == "c"  # from the cache
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(Problem) as caught:
        issuer.verify(token)
    assert caught.value.status == 401
