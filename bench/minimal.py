"""The throughput baseline: a minimal Flask JSON endpoint served exactly as a simulator is.

Same server (granian, or waitress where granian is not installed: simulators/serve.py), same
threads, its own child process like each simulator under `interop up`; it answers `GET /ok`
with `{"ok": true}` and does nothing else, so the ratio of a simulator's rate to this one's is
what the simulator's own work costs.

Run: ``python -m bench.minimal --port N [--threads 8]``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from flask import Flask, jsonify
from waitress.server import create_server

from simulators.serve import GIL_SWITCH_SECONDS, choose_server

PATH = "/ok"
REPO = Path(__file__).resolve().parent.parent


def create_app() -> Flask:
    app = Flask("interop.bench.minimal")

    @app.get(PATH)
    def ok():  # type: ignore[no-untyped-def]
        return jsonify(ok=True)

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.minimal")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="[minimal] %(levelname)s %(message)s")
    if choose_server("auto") == "granian":  # the simulators' server: the comparison stays fair
        from granian import Granian
        from granian.constants import Interfaces
        from granian.log import LogLevels

        Granian(
            "bench.servers:minimal_app",
            address=args.host,
            port=args.port,
            interface=Interfaces.WSGI,
            blocking_threads=args.threads,
            factory=True,
            websockets=False,
            log_level=LogLevels.error,
        ).serve()
        return 0
    sys.setswitchinterval(GIL_SWITCH_SECONDS)  # the simulators' setting (simulators/serve.py)
    server = create_server(
        create_app(), host=args.host, port=args.port, threads=args.threads, ident="interop"
    )

    def _stop(_signum: int, _frame: Any) -> None:
        server.close()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with contextlib.suppress(SystemExit):
        server.run()
    return 0


class MinimalServer:
    """The baseline server in a child process; a context manager so it always stops."""

    def __init__(self, port: int, host: str = "127.0.0.1", threads: int = 8) -> None:
        self.host, self.port, self.threads = host, port, threads
        self.proc: subprocess.Popen[bytes] | None = None
        # Like a simulator under `interop up`, its output (waitress's queue warnings) goes to a log file.
        self.log_path = Path(tempfile.gettempdir(), f"interop-bench-minimal-{port}.log")

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> MinimalServer:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.minimal",
                    "--host",
                    self.host,
                    "--port",
                    str(self.port),
                    "--threads",
                    str(self.threads),
                ],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace").strip().splitlines()[-1:]
                raise RuntimeError(f"the minimal baseline server exited with {self.proc.returncode}: {tail}")
            try:
                if requests.get(self.url + PATH, timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("the minimal baseline server did not answer within 30 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_path.unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
