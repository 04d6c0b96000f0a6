"""A stand-in records system for intelligence tests: the two endpoints the RecordsClient needs.

`POST /oauth/token` answers any client; `GET /nominals/{id}` answers from `state`: `known` ids,
`merged` (duplicate id -> survivor id), and `down` (every lookup answers 503).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, jsonify

from simulators.core.server import ServerThread


@dataclass
class RecordsState:
    known: set[str] = field(default_factory=set)
    merged: dict[str, str] = field(default_factory=dict)
    down: bool = False
    lookups: list[str] = field(default_factory=list)


def _problem(status: int, detail: str) -> Any:
    resp = jsonify({"type": "about:blank", "title": "stub", "status": status, "detail": detail})
    resp.status_code = status
    resp.mimetype = "application/problem+json"
    return resp


def stub_records_app(state: RecordsState) -> Flask:
    app = Flask("stub-records")

    @app.post("/oauth/token")
    def token():  # type: ignore[no-untyped-def]
        return jsonify(
            {"access_token": "stub-token", "token_type": "Bearer", "expires_in": 3600, "scope": ""}
        )

    @app.get("/nominals/<nominal_id>")
    def nominal(nominal_id: str):  # type: ignore[no-untyped-def]
        state.lookups.append(nominal_id)
        if state.down:
            return _problem(503, "records is down (stub)")
        nominal_id = state.merged.get(nominal_id, nominal_id)
        if nominal_id not in state.known:
            return _problem(404, "no such nominal")
        return jsonify({"nominal_id": nominal_id, "surname": "STUB", "forenames": ["Test"]})

    return app


class StubRecords:
    """The stub served on a free port."""

    def __init__(self) -> None:
        self.state = RecordsState()
        self.server = ServerThread(stub_records_app(self.state))
        self.url = self.server.url

    def stop(self) -> None:
        self.server.stop()
