"""Settings every worker shares (clock, quirks, faults) and the batched traffic log.

Two simulator apps on one database stand in for two worker processes: a `/_sim` change made
through one must show on the other's very next request, although each request reads the
settings once and keeps them for the rest of that request.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
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
from simulators.core.server import free_port, wait_for_health
from simulators.core.state import SharedState
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
        log._pending.append((_entry("/dropped"), None))
    log.discard()
    log.flush()
    with log._lock:
        log._pending.append(({"no_such_column": 1}, None))
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


def _two_states(tmp_path: Path) -> tuple[SharedState, SharedState]:
    """Two `SharedState`s on one SQLite file, as two worker processes would hold them."""
    states = []
    for _ in range(2):
        metadata = MetaData()
        tables = core_tables(metadata, "t")
        db = Database(f"sqlite:///{tmp_path / 't.db'}", metadata)
        db.create_all()
        states.append(SharedState(db, tables.state))
    return states[0], states[1]


def test_settings_are_read_again_only_after_a_change(tmp_path: Path, monkeypatch) -> None:
    a, b = _two_states(tmp_path)
    reads = []
    real_read = b._read
    monkeypatch.setattr(b, "_read", lambda: reads.append(1) or real_read())
    assert b.get("faults") is None and b.get("quirks") is None and b.get("clock") is None
    assert len(reads) == 1  # the unchanged table is not queried again
    a.put("faults", {"down": True})
    assert b.get("faults") == {"down": True} and len(reads) == 2  # the stamp moved: read again
    assert b.get("faults") == {"down": True} and len(reads) == 2
    for n in range(20):  # changes in quick succession (within one timer tick) are each seen
        a.put("clock", {"offset_seconds": n})
        assert b.get("clock") == {"offset_seconds": n}


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("granian") is None, reason="granian is not installed")
def test_two_worker_processes_behind_one_port_act_as_one_system(tmp_path: Path) -> None:
    """`python -m simulators.serve --workers 2` (what `interop up --workers 2` runs): every
    request on a fresh connection may reach either process; all see one clock, one fault plan
    and one traffic log."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "INTEROP_HOME": str(tmp_path),
        "INTEROP_POPULATION": "30",
        "PACT_DO_NOT_TRACK": "true",
    }
    cmd = [sys.executable, "-m", "simulators.serve", "records", "--port", str(port), "--workers", "2"]
    with open(tmp_path / "serve.log", "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_health(url, 120, alive=lambda: proc.poll() is None, ok_only=True)
        deadline = time.monotonic() + 30
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_children(proc.pid)) == 2
        key = Issuer.from_key_file(tmp_path / "issuer-key.json")
        headers = {"Authorization": f"Bearer {key.issue('c', ['records:read'])}"}

        def fresh(method: str, path: str, **kw: object) -> requests.Response:
            with requests.Session() as s:  # a new connection each time: either worker may answer
                return s.request(method, url + path, timeout=10, **kw)

        assert fresh("PUT", "/_sim/clock", json={"now": "2025-03-01T09:00:00Z", "frozen": True}).ok
        assert {fresh("GET", "/_sim/clock").json()["now"] for _ in range(12)} == {"2025-03-01T09:00:00+00:00"}
        assert fresh("PUT", "/_sim/faults", json={"down": True}).ok
        assert {fresh("GET", "/nominals?surname=Smith", headers=headers).status_code for _ in range(12)} == {
            503
        }
        assert fresh("PUT", "/_sim/faults", json={}).ok
        assert fresh("DELETE", "/_sim/traffic").status_code in (200, 204)
        for n in range(12):
            fresh("GET", f"/nominals/missing-{n}", headers=headers)
        items = fresh("GET", "/_sim/traffic?limit=100").json()["items"]
        assert sorted(i["path"] for i in items) == sorted(f"/nominals/missing-{n}" for n in range(12))
    finally:
        proc.terminate()
        proc.wait(20)
