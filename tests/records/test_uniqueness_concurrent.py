"""PNC ID and CRO number uniqueness under concurrent writers from several simulator instances on one
database (issue 23, item 5): each instance has its own engine, connection pool and in-process write
lock, as a separate process would, so only the database (simulators/records/identifier_lock.py)
can keep two of them from both creating a nominal with the same identifier.

Many threads, each with its own HTTP connection and so its own database connection, claim the same
identifier at once through a barrier: exactly one wins (201) and every other is refused with the
documented problem (409, rule RMS-NOM-002 for a PNC ID, RMS-NOM-003 for a CRO number)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from simulators.core.db import _normalise_url
from tests.records.conftest import person, unique_cro, unique_pnc
from tests.simkit import RunningSim, start_system

INSTANCES = 3
WRITERS = 12
W = "records:read records:write"


def _instances(home: Path, db_url: str) -> Iterator[list[RunningSim]]:
    sims = []
    try:
        for i in range(INSTANCES):
            sims.append(
                start_system(
                    "records",
                    home / f"records-{i}",
                    db_url=db_url,
                    load_population=False,
                    peers={"intelligence": "http://127.0.0.1:9", "custody": "http://127.0.0.1:9"},
                )
            )
        yield sims
    finally:
        for sim in sims:
            sim.stop()


@pytest.fixture(scope="module")
def sqlite_sims(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[RunningSim]]:
    home = tmp_path_factory.mktemp("uniqueness")
    yield from _instances(home, f"sqlite:///{home / 'shared.db'}")


@pytest.fixture
def postgres_sims(tmp_path: Path, fresh_postgres: str) -> Iterator[list[RunningSim]]:
    yield from _instances(tmp_path, fresh_postgres)


def _race(sims: list[RunningSim], bodies: list[dict]) -> list[requests.Response]:
    """One creation per body, all at once (a barrier), spread over the instances, each writer on
    its own HTTP connection (so its own server thread and database connection)."""
    barrier = threading.Barrier(len(bodies))
    answers: list[requests.Response | None] = [None] * len(bodies)
    tokens = [sim.token(W) for sim in sims]

    def claim(i: int) -> None:
        sim, token = sims[i % len(sims)], tokens[i % len(sims)]
        with requests.Session() as own_connection:
            barrier.wait()
            answers[i] = own_connection.post(
                f"{sim.url}/nominals",
                json=bodies[i],
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert all(a is not None for a in answers), "a writer never got an answer"
    return answers  # type: ignore[return-value]


def same_pnc() -> tuple[str, list[dict]]:
    pnc = unique_pnc()
    return pnc, [person(pnc_id=pnc) for _ in range(WRITERS)]


def same_cro() -> tuple[str, list[dict]]:
    """Distinct PNC IDs, one CRO number: only the CRO check can refuse."""
    cro = unique_cro()
    return cro, [person(cro_number=cro) for _ in range(WRITERS)]


def _exactly_one_wins(answers: list[requests.Response], rule: str) -> None:
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * (WRITERS - 1), [(a.status_code, a.text[:200]) for a in answers]
    for a in answers:
        if a.status_code == 409:
            problem = a.json()
            assert a.headers["Content-Type"].startswith("application/problem+json")
            assert problem["rule"] == rule and problem["existing_nominal_id"]


def _active_holders(db_url: str, column: str, value: str) -> int:
    engine = create_engine(_normalise_url(db_url))
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(f"SELECT COUNT(*) FROM records_nominals WHERE {column} = :v AND merged_into IS NULL"),
                {"v": value},
            ).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("column", "rule", "claims"),
    [("pnc_id", "RMS-NOM-002", same_pnc), ("cro_number", "RMS-NOM-003", same_cro)],
)
def test_the_same_identifier_from_many_connections_sqlite(sqlite_sims, column, rule, claims) -> None:
    value, bodies = claims()
    _exactly_one_wins(_race(sqlite_sims, bodies), rule)
    assert _active_holders(sqlite_sims[0].app.extensions["interop"].db.url, column, value) == 1


@pytest.mark.postgres
def test_the_same_identifier_from_many_connections_postgres(postgres_sims, fresh_postgres) -> None:
    for column, rule, claims in (
        ("pnc_id", "RMS-NOM-002", same_pnc),
        ("cro_number", "RMS-NOM-003", same_cro),
    ):
        value, bodies = claims()
        _exactly_one_wins(_race(postgres_sims, bodies), rule)
        assert _active_holders(fresh_postgres, column, value) == 1
