"""The fuzz suite's parts: curl reproductions send the exact bytes, forged tokens, scopes, options,
where one pass of the engine ends."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from harness.engine.operations import operations
from harness.errors import InteropError
from harness.fuzz.auth import forge
from harness.fuzz.curl import SentRequest, to_curl
from harness.fuzz.engine import ends_one_pass
from harness.fuzz.options import DEFAULT_MAX_TIME_S, FuzzOptions
from harness.fuzz.spec import fuzzable, role_scopes, wrong_scopes
from tests.harness.fuzz_fixtures.gadgets_app import gadgets_spec

needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers.items()),
                "body": self.rfile.read(length) if length else b"",
            }
        )
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()


def _run(command: str, **env: str) -> None:
    r = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env={**os.environ, **env}, timeout=30
    )
    assert r.returncode == 0, r.stderr


BODIES = [
    b'{"name": "O\'Brien $HOME `id` \\"q\\" \xc3\xa9"}',
    b"@/etc/passwd",  # curl must not read a file
    b"line one\r\nline two\n",
    b"\x00\xff\xfe binary \x80 % \\ '",  # NUL and invalid UTF-8: sent through printf
]


@needs_curl
@pytest.mark.parametrize("body", BODIES)
def test_curl_sends_exactly_the_recorded_bytes(echo: Any, body: bytes) -> None:
    url, seen = echo
    token = "eyJhbGciOiJFUzI1NiJ9.eyJzY29wZSI6InJlY29yZHM6cmVhZCJ9.c2lnbmF0dXJl"
    req = SentRequest(
        "PATCH",
        url + "/a/[b]/{c}?q=%20x&q=%5B1%5D",
        {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/merge-patch+json",
            "If-Match": 'W/"3"',
            "User-Agent": "schemathesis",
            "X-Odd": "it's $(not) run",
        },
        body,
    )
    command = to_curl(req, {token: "$TOKEN"})
    assert token not in command and "User-Agent" not in command
    _run(command, TOKEN=token)
    got = seen[-1]
    assert got["method"] == "PATCH" and got["path"] == "/a/[b]/{c}?q=%20x&q=%5B1%5D"
    assert got["body"] == body
    assert got["headers"]["Authorization"] == f"Bearer {token}"
    assert got["headers"]["If-Match"] == 'W/"3"' and got["headers"]["X-Odd"] == "it's $(not) run"
    assert got["headers"]["Content-Type"] == "application/merge-patch+json"


@needs_curl
def test_curl_without_a_content_type_sends_none(echo: Any) -> None:
    url, seen = echo
    _run(to_curl(SentRequest("POST", url + "/x", {}, b"a=1")))
    assert seen[-1]["body"] == b"a=1" and "Content-Type" not in seen[-1]["headers"]


@needs_curl
def test_a_forged_token_is_rebuilt_from_TOKEN_in_the_shell(echo: Any) -> None:
    url, seen = echo
    token = "header.claims.0123456789abcdefghijklmnopqrstuvwxyz"
    forged, expression = forge(token)
    assert forged != token and forged[:-8] == token[:-8]
    _run(
        to_curl(SentRequest("GET", url + "/y", {"Authorization": f"Bearer {forged}"}), {forged: expression}),
        TOKEN=token,
    )
    assert seen[-1]["headers"]["Authorization"] == f"Bearer {forged}"
    assert forge("short")[0] == "not-a-valid-token"


def test_scopes_come_from_the_document() -> None:
    spec = gadgets_spec()
    ops = {op.label: op for op in operations(spec)}
    assert role_scopes(spec) == ["gadgets:read", "gadgets:write"]
    assert not ops["GET /health"].secured and ops["GET /gadgets"].secured
    assert wrong_scopes(ops["POST /gadgets"], spec, "gadgets") == ["gadgets:read"]
    assert wrong_scopes(ops["GET /gadgets"], spec, "gadgets") == ["gadgets:write"]
    spec["paths"]["/gadgets"]["get"]["security"] = [{"oauth2": ["gadgets:read", "gadgets:write"]}]
    assert wrong_scopes(operations(spec)[2], spec, "custody") == ["records:read"]


def test_test_support_paths_are_never_fuzzed() -> None:
    spec = gadgets_spec()
    spec["paths"]["/_sim/reset"] = {"post": {"responses": {"200": {"description": "ok"}}}}
    assert "/_sim/reset" not in fuzzable(spec)["paths"] and "/gadgets" in fuzzable(spec)["paths"]


def test_options_defaults_and_bad_values() -> None:
    default = FuzzOptions.from_mapping({})
    assert (default.seed, default.workers, default.max_time) == (1, 1, DEFAULT_MAX_TIME_S)
    given = FuzzOptions.from_mapping(
        {"max_examples": 3, "seed": 9, "workers": 2, "max_time": 12.5, "other": 1}
    )
    assert (given.max_examples, given.seed, given.workers, given.engine_max_time) == (3, 9, 2, 13)
    for bad in ({"max_examples": 0}, {"workers": 17}, {"max_time": 0}):
        with pytest.raises(InteropError):
            FuzzOptions.from_mapping(bad)


def test_one_pass_ends_at_a_second_full_round_of_fuzzing_or_stateful() -> None:
    from schemathesis.engine.events import Phase, PhaseName, PhaseStarted

    def started(name: PhaseName, operations: frozenset[str] | None = None) -> PhaseStarted:
        return PhaseStarted(phase=Phase(name=name), payload=None, operations=operations)

    seen: set[str] = set()
    first_pass = [
        started(PhaseName.EXAMPLES),
        started(PhaseName.COVERAGE),
        started(PhaseName.COVERAGE, frozenset({"GET /gadgets"})),  # a catch-up round: part of the pass
        started(PhaseName.FUZZING),
        started(PhaseName.FUZZING, frozenset({"GET /gadgets"})),
        started(PhaseName.STATEFUL_TESTING),
        started(PhaseName.COVERAGE),
    ]
    assert not any(ends_one_pass(event, seen) for event in first_pass)
    assert seen == {"fuzzing", "stateful"}
    assert ends_one_pass(started(PhaseName.FUZZING), seen)
    assert ends_one_pass(started(PhaseName.STATEFUL_TESTING), {"stateful"})
    assert not ends_one_pass(started(PhaseName.STATEFUL_TESTING), {"fuzzing"})
