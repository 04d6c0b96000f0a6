"""The state-change endpoint the harness serves to the pact verifier.

The verifier POSTs `{"state": ..., "params": ..., "action": "setup" | "teardown"}` before (and
after) each interaction; the endpoint sets the state up on the target through its standard API
(harness/contracts/states.py) and answers with the values the interaction's ProviderState
generators need, e.g. `{"nominal_id": "..."}`. That is how ids that only exist at verification
time reach the requests: a Python state handler cannot hand values back to the verifier, a URL can.
Teardown is a no-op (the standard has no deletes); set-ups are written to run again safely.

A set-up that fails is answered 200 with no values and kept in `calls` with its reason: the
verifier retries a failed state change five times with back-off (half a minute per interaction)
and would then report only "state change failed"; the suite reports the reason itself.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.contracts.states import set_up
from harness.contracts.target_api import StateError, TargetApi
from simulators.core.server import ServerThread

PATH = "/provider-states"


@dataclass
class StateCall:
    state: str
    params: dict[str, Any]
    action: str
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


class StateServer:
    """A loopback HTTP endpoint that sets provider states up on one target, for one role."""

    def __init__(self, api: TargetApi, role: str) -> None:
        self.api = api
        self.role = role
        self.calls: list[StateCall] = []
        self._lock = threading.Lock()
        self._server: ServerThread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the state server is not running"
        return self._server.url + PATH

    def start(self) -> StateServer:
        self._server = ServerThread(self.wsgi, threads=2)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def take_calls(self) -> list[StateCall]:
        with self._lock:
            calls, self.calls = self.calls, []
        return calls

    def handle(self, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict) or not isinstance(body.get("state", ""), str):
            return 400, {"error": "expected a JSON object with state, params and action"}
        call = StateCall(
            str(body.get("state") or ""), dict(body.get("params") or {}), str(body.get("action") or "setup")
        )
        if call.action == "setup":
            try:
                call.values = set_up(self.api, self.role, call.state, call.params)
            except StateError as exc:
                call.error = str(exc)
            except Exception as exc:  # a harness bug must still read as a finding, not a hang
                call.error = f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.calls.append(call)
        return 200, call.values

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return _respond(start_response, 404, {"error": "not found"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
        except (ValueError, OSError):
            return _respond(start_response, 400, {"error": "the body is not JSON"})
        status, answer = self.handle(body)
        return _respond(start_response, status, answer)


def _respond(start_response: Callable[..., Any], status: int, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}[status]
    start_response(
        f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]
