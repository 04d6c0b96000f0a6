"""Fixtures: the intelligence simulator on a real server, with a stub records system as its peer."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.intelligence.stub_records import StubRecords
from tests.simkit import RunningSim, start_system

READ = "intelligence:read"
RESTRICTED = "intelligence:read:restricted"
WRITE = "intelligence:write"
AUDIT = "intelligence:audit"
INDICATOR = "intelligence:indicator"


@pytest.fixture(scope="module")
def records_stub() -> Iterator[StubRecords]:
    stub = StubRecords()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def intel(tmp_path_factory: pytest.TempPathFactory, records_stub: StubRecords) -> Iterator[RunningSim]:
    home: Path = tmp_path_factory.mktemp("intel")
    running = start_system("intelligence", home, population=60, peers={"records": records_stub.url})
    yield running
    close_peer_clients(running)
    running.stop()


def close_peer_clients(running: RunningSim) -> None:
    """Close the simulator's keep-alive connections to its peers (so their servers stop at once)."""
    client = running.ctx.extras.get("records_client")
    if client is not None:
        client.http.close()


@pytest.fixture
def fresh(intel: RunningSim, records_stub: StubRecords) -> RunningSim:
    """The simulator back at its seeded population, the stub records up and knowing no one."""
    assert intel.sim("POST", "/reset").status_code == 200
    records_stub.state.known.clear()
    records_stub.state.merged.clear()
    records_stub.state.down = False
    records_stub.state.lookups.clear()
    return intel


def nominal(stub: StubRecords) -> str:
    """A new nominal that the stub records system holds."""
    nid = str(uuid.uuid4())
    stub.state.known.add(nid)
    return nid


def new_report(subjects: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid submission (3x5x2 2B C, OFFICIAL-SENSITIVE)."""
    body: dict[str, Any] = {
        "source_type": "member_of_public",
        "grading": {
            "scheme": "3x5x2",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "C",
            "handling_conditions": "Not to be shared outside the force.",
        },
        "classification": "OFFICIAL-SENSITIVE",
        "original_text": "Mrs Jones at 14 Elm Road saw SUBJECT loading boxes into a white van.",
        "sanitised_text": "SUBJECT was seen loading boxes into a white van.",
        "subjects": [{"nominal_id": n, "role": "subject"} for n in (subjects or [])],
        "locations": [{"line1": "Elm Road", "town": "Leeds", "postcode": "ls6 2ab"}],
        "organisations": [{"name": "Eastside Crew", "type": "organised_crime_group"}],
    }
    body.update(overrides)
    return body


def call(
    sim: RunningSim, method: str, path: str, scopes: str = "", client_id: str = "test-client", **kw: Any
) -> requests.Response:
    headers = dict(kw.pop("headers", {}) or {})
    if scopes:
        headers["Authorization"] = f"Bearer {sim.token(scopes, client_id=client_id)}"
    return requests.request(method, sim.url + path, headers=headers, timeout=15, **kw)


def submit(sim: RunningSim, body: dict[str, Any], scopes: str = WRITE, **kw: Any) -> requests.Response:
    return call(sim, "POST", "/reports", scopes, json=body, **kw)
