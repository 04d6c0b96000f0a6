"""`interop up` end to end: real child processes on real ports, clean shutdown on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import requests

from simulators.core.server import ServerStopped, port_in_use, wait_for_health


def _free_base_port() -> int:
    """Three consecutive free ports."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base < 65000 and not any(port_in_use(base + i) for i in range(3)):
            return base
    raise RuntimeError("no three consecutive free ports")


def test_up_serves_every_system_and_stops_cleanly(tmp_path):
    base = _free_base_port()
    env = {**os.environ, "INTEROP_HOME": str(tmp_path), "PACT_DO_NOT_TRACK": "true"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "up",
            "--population",
            "50",
            "--base-port",
            str(base),
            "--no-console",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        urls = [f"http://127.0.0.1:{base + i}" for i in range(3)]
        deadline = time.monotonic() + 120
        for url in urls:
            try:
                wait_for_health(
                    url, deadline - time.monotonic(), alive=lambda: proc.poll() is None, ok_only=True
                )
            except ServerStopped:
                raise AssertionError(proc.stderr.read()) from None
        systems = [requests.get(u + "/health").json()["system"] for u in urls]
        assert systems == ["records", "custody", "intelligence"]
        r = requests.get(urls[0] + "/nominals")
        assert r.status_code == 401 and r.headers["Content-Type"] == "application/problem+json"
        # A token from the CLI works on every system.
        token = subprocess.run(
            [sys.executable, "-m", "harness.cli", "token", "--scopes", "records:read custody:read"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        h = {"Authorization": f"Bearer {token}"}
        assert requests.get(urls[0] + "/nominals?surname=smith", headers=h).status_code == 200
        assert requests.get(urls[1] + "/custody-records", headers=h).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped" in err
    assert not any(port_in_use(base + i) for i in range(3))
