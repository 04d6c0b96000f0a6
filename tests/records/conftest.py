"""Fixtures for the records tests: a real records simulator, and stub intelligence/custody peers."""

from __future__ import annotations

import itertools
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from flask import Flask, jsonify, request

from simulators.core.server import ServerThread
from simulators.domain.identifiers import make_cro_number, make_pnc_id
from tests.simkit import RunningSim, start_system

R, W = "records:read", "records:write"
_serials = itertools.count(random.Random(uuid.uuid4().int).randrange(1, 9_000_000))


def unique_pnc(year: int = 2019) -> str:
    return make_pnc_id(year, next(_serials))


def unique_cro(year: int = 2019) -> str:
    return make_cro_number(next(_serials) % 999_999 + 1, year)


def person(**overrides: Any) -> dict[str, Any]:
    """A valid new-nominal payload (4+1 complete) with a unique PNC ID."""
    body: dict[str, Any] = {
        "pnc_id": unique_pnc(),
        "surname": "Testperson",
        "forenames": ["Alex"],
        "sex": "unknown",
        "date_of_birth": "1990-05-06",
        "address": {"line1": "1 Test Street", "town": "Leeds", "postcode": "LS1 1AA"},
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@dataclass
class PeerStub:
    """A stand-in for the intelligence and custody systems, controllable per test."""

    held: set[str] = field(default_factory=set)
    custody: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    intelligence_status: int = 200
    custody_status: int = 200
    delay: float = 0.0
    calls: list[str] = field(default_factory=list)
    server: ServerThread | None = None

    def reset(self) -> None:
        self.held.clear()
        self.custody.clear()
        self.intelligence_status = self.custody_status = 200
        self.delay = 0.0
        self.calls.clear()

    def app(self) -> Flask:
        app = Flask("peer-stub")

        def problem(status: int):  # type: ignore[no-untyped-def]
            resp = jsonify({"type": "urn:x", "title": "down", "status": status, "detail": "stub failure"})
            resp.status_code = status
            resp.mimetype = "application/problem+json"
            return resp

        @app.post("/oauth/token")
        def token():  # type: ignore[no-untyped-def]
            return jsonify(
                {"access_token": "stub-token", "token_type": "Bearer", "expires_in": 3600, "scope": ""}
            )

        @app.get("/nominals/<nominal_id>/indicator")
        def indicator(nominal_id: str):  # type: ignore[no-untyped-def]
            self.calls.append(f"indicator {nominal_id}")
            time.sleep(self.delay)
            if self.intelligence_status != 200:
                return problem(self.intelligence_status)
            return jsonify({"nominal_id": nominal_id, "intelligence_held": nominal_id in self.held})

        @app.get("/custody-records")
        def custody_records():  # type: ignore[no-untyped-def]
            nominal_id = request.args.get("nominal_id", "")
            self.calls.append(f"custody {nominal_id}")
            time.sleep(self.delay)
            if self.custody_status != 200:
                return problem(self.custody_status)
            items = self.custody.get(nominal_id, [])
            return jsonify(
                {
                    "items": items,
                    "limit": 200,
                    "next_cursor": None,
                    "links": {"self": request.full_path, "next": None},
                }
            )

        return app


class Api:
    """Calls the running records simulator with tokens of the given scopes."""

    def __init__(self, sim: RunningSim) -> None:
        self.sim = sim
        self.url = sim.url

    def call(self, method: str, path: str, scopes: str | None = None, **kw: Any) -> requests.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if scopes is None:
            scopes = R if method == "GET" else W
        if scopes:
            headers.setdefault("Authorization", f"Bearer {self.sim.token(scopes)}")
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kw)

    def get(self, path: str, scopes: str | None = None, **kw: Any) -> requests.Response:
        return self.call("GET", path, scopes, **kw)

    def post(self, path: str, body: Any = None, scopes: str | None = None, **kw: Any) -> requests.Response:
        return self.call("POST", path, scopes, json=body, **kw)

    def patch(
        self,
        path: str,
        body: Any,
        etag: str | None,
        scopes: str | None = None,
        content_type: str = "application/merge-patch+json",
        **kw: Any,
    ) -> requests.Response:
        headers = {"Content-Type": content_type, **kw.pop("headers", {})}
        if etag is not None:
            headers["If-Match"] = etag
        import json

        return self.call("PATCH", path, scopes, data=json.dumps(body), headers=headers, **kw)

    def create(self, **overrides: Any) -> dict[str, Any]:
        resp = self.post("/nominals", person(**overrides))
        assert resp.status_code == 201, resp.text
        return resp.json()

    def occurrence(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "type": "crime",
            "classification": {"code": "8N"},
            "summary": "Assault",
            "occurred_from": "2025-03-04T22:10:00Z",
            "occurred_to": "2025-03-04T22:20:00Z",
            "location": {"line1": "3 High Street", "town": "Leeds", "postcode": "LS1 1AA"},
        }
        body.update(overrides)
        resp = self.post("/occurrences", {k: v for k, v in body.items() if v is not None})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def events(self, types: str = "") -> list[dict[str, Any]]:
        out, after = [], None
        while True:
            params = {
                "limit": 200,
                **({"type": types} if types else {}),
                **({"after": after} if after else {}),
            }
            page = self.get("/events", params=params).json()
            out.extend(page["items"])
            if not page["items"]:
                return out
            after = page["next_cursor"]


@pytest.fixture(scope="module")
def peers() -> Iterator[PeerStub]:
    stub = PeerStub()
    stub.server = ServerThread(stub.app())
    yield stub
    stub.server.stop()


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory, peers: PeerStub) -> Iterator[RunningSim]:
    assert peers.server is not None
    home = tmp_path_factory.mktemp("records") / "records"
    sim = start_system(
        "records", home, population=60, peers={"intelligence": peers.server.url, "custody": peers.server.url}
    )
    yield sim
    for client in sim.ctx.extras.get("peer_clients", {}).values():
        client.http.close()  # keep-alive connections would hold the peer stub's server open
    sim.stop()


@pytest.fixture
def api(records: RunningSim, peers: PeerStub) -> Api:
    peers.reset()
    return Api(records)
