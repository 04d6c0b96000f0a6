"""The `interop` command: version, token, and one clear line + exit 2 for bad usage."""

from __future__ import annotations

import socket
import subprocess
import sys

from simulators.core.auth import Issuer

INTEROP = [sys.executable, "-m", "harness.cli"]


def run(*args: str, home=None, timeout: float = 60):  # type: ignore[no-untyped-def]
    env = None
    if home is not None:
        import os

        env = {**os.environ, "INTEROP_HOME": str(home)}
    return subprocess.run([*INTEROP, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_version_and_help():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("interop ")
    h = run("--help")
    assert h.returncode == 0 and "token" in h.stdout and "up" in h.stdout


def test_token_prints_only_a_token_every_simulator_accepts(tmp_path):
    r = run("token", "--scopes", "records:read custody:write", home=tmp_path)
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert r.stdout.count("\n") == 1 and token.count(".") == 2
    principal = Issuer.from_key_file(tmp_path / "issuer-key.json").verify(token)
    assert principal.scopes == {"records:read", "custody:write"}


def _one_clear_line(r) -> None:  # type: ignore[no-untyped-def]
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("interop: error:"), r.stderr


def test_bad_usage_is_one_line_and_exit_2(tmp_path):
    _one_clear_line(run("token", "--scopes", "records:delete", home=tmp_path))
    _one_clear_line(run("up", "--no-such-option"))
    _one_clear_line(run("no-such-command"))
    _one_clear_line(run("up", "--systems", "records,payroll", home=tmp_path))
    _one_clear_line(run("up", "--db", "mysql://x/y", home=tmp_path))
    _one_clear_line(run("up", "--db", "postgresql://nobody:x@127.0.0.1:1/none", home=tmp_path))


def test_busy_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run("up", "--base-port", str(port), home=tmp_path)
    _one_clear_line(r)
    assert str(port) in r.stderr
