"""deploy/balancer.py (compose.scale.yaml's load balancer) without Docker: two local servers
behind it, fresh connections spread over both, keep-alive kept on one, a dead replica skipped."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from simulators.core.server import ServerThread, free_port, wait_for_port

BALANCER = Path(__file__).resolve().parents[2] / "deploy" / "balancer.py"


def _replica(name: str) -> ServerThread:
    app = Flask(name)
    app.add_url_rule("/who", "who", lambda: name)
    return ServerThread(app, threads=2)


@pytest.fixture
def balanced() -> Iterator[tuple[str, str, list[ServerThread]]]:
    replicas = [_replica("a"), _replica("b")]
    dead = free_port()  # nothing listens here: the balancer must skip it
    port, stats = free_port(), free_port()
    targets = ",".join([*(f"127.0.0.1:{r.port}" for r in replicas), f"127.0.0.1:{dead}"])
    cmd = [sys.executable, str(BALANCER), f"--route={port}={targets}", f"--stats={stats}", "--host=127.0.0.1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port("127.0.0.1", port)
        wait_for_port("127.0.0.1", stats)
        yield f"http://127.0.0.1:{port}", f"http://127.0.0.1:{stats}", replicas
    finally:
        proc.terminate()
        proc.wait(10)
        for r in replicas:
            r.stop()


def test_fresh_connections_reach_every_live_replica(balanced) -> None:  # type: ignore[no-untyped-def]
    url, stats, replicas = balanced
    seen = []
    for _ in range(6):
        with requests.Session() as s:
            seen.append(s.get(url + "/who", timeout=10).text)
    assert set(seen) == {"a", "b"}
    given = requests.get(stats + "/", timeout=10).json()
    (counts,) = given.values()
    live = {f"127.0.0.1:{r.port}" for r in replicas}
    assert {k for k, v in counts.items() if v} == live


def test_a_keep_alive_connection_stays_with_one_replica(balanced) -> None:  # type: ignore[no-untyped-def]
    url, _stats, _replicas = balanced
    with requests.Session() as s:
        answers = {s.get(url + "/who", timeout=10).text for _ in range(5)}
    assert len(answers) == 1
