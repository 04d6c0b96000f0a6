"""`wait_for_health`: the one start-up wait (interop up, cmd: and docker: targets, tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulators.core.server import HealthTimeout, ServerStopped, ServerThread, free_port, wait_for_health


def _app(status: str) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(status, [("Content-Type", "application/json")])
        return [b'{"path": "%s"}' % environ["PATH_INFO"].encode()]

    return app


@pytest.fixture(scope="module")
def ready() -> Iterator[str]:
    with ServerThread(_app("200 OK"), threads=2) as server:
        yield server.url


@pytest.fixture(scope="module")
def loading() -> Iterator[str]:
    with ServerThread(_app("503 Service Unavailable"), threads=2) as server:
        yield server.url


def test_the_answer_of_health_ends_the_wait(ready: str) -> None:
    resp = wait_for_health(ready + "/", 5)
    assert resp.status_code == 200 and resp.json() == {"path": "/health"}


def test_any_status_is_an_answer_unless_only_200_will_do(loading: str) -> None:
    assert wait_for_health(loading, 5).status_code == 503
    with pytest.raises(HealthTimeout) as info:
        wait_for_health(loading, 0.3, ok_only=True, interval=0.05)
    assert info.value.last == "HTTP 503"
    assert "did not answer /health within" in str(info.value)


def test_nothing_listening_times_out_naming_the_last_failure() -> None:
    with pytest.raises(HealthTimeout) as info:
        wait_for_health(f"http://127.0.0.1:{free_port()}", 0.3, interval=0.05)
    assert info.value.last == "ConnectionError"


def test_a_stopped_server_ends_the_wait_at_once(ready: str) -> None:
    with pytest.raises(ServerStopped):
        wait_for_health(ready, 30, alive=lambda: False)
