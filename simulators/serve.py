"""Serve one simulator: what `interop up` runs per system.

    python -m simulators.serve records --port 8101 [--host 127.0.0.1] [--threads 8]
                                       [--server auto|granian|waitress] [--workers N]

The server was chosen on measurement (`python -m bench.servers`, docs/benchmarks.md): granian
(a Rust HTTP server, WSGI interface) answered the records simulator's by-id reads ~1.4x faster
than waitress on the same threads, and the bare endpoint ~2.4x. `auto` (the default) uses granian
when it is installed and waitress otherwise (an image built before granian was added).

With `--workers N` (granian only) N processes serve the one port; the population is loaded once
here, before any worker starts, and each worker builds its app from the same `INTEROP_*`
variables. Clock, quirks and faults live in the shared state table (simulators/core/state.py)
and every worker writes the one traffic log, so the workers behave as one system.

Configuration comes from `INTEROP_*` variables (set by `interop up`). Stops cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import sys
from typing import Any

from simulators.core import registry
from simulators.core.config import SYSTEMS, SimConfig
from simulators.core.db import DatabaseError
from simulators.core.traffic import WORKERS_VAR

GIL_SWITCH_SECONDS = 0.001
SERVERS = ("auto", "granian", "waitress")
# What simulators/wsgi.py's `create()` reads in each granian worker.
SYSTEM_VAR = "INTEROP_SERVE_SYSTEM"
BASE_URL_VAR = "INTEROP_SERVE_BASE_URL"


def build_app(system: str, **overrides: Any) -> Any:
    return registry.get(system).create_app(SimConfig.for_system(system, **overrides))


def choose_server(requested: str) -> str:
    """granian when asked for or (auto) installed; else waitress."""
    if requested == "auto":
        return "granian" if importlib.util.find_spec("granian") is not None else "waitress"
    return requested


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.serve")
    parser.add_argument("system", choices=SYSTEMS)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--server", choices=SERVERS, default="auto")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    server = choose_server(args.server)
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be from 1 to 64")
    if args.workers > 1 and server != "granian":
        parser.error("--workers above 1 needs granian (pip install granian)")
    logging.basicConfig(level=logging.WARNING, format=f"[{args.system}] %(levelname)s %(message)s")
    # A request that releases the GIL for SQLite (holding the write lock) waited up to the default
    # 5 ms to get it back from threads parsing other requests; 1 ms keeps that queue moving
    # (measured: writes +20-30%, reads +10-25% at peak under wrk).
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    base_url = f"http://{args.host}:{args.port}"
    try:
        app = build_app(args.system, base_url=base_url)
    except DatabaseError as exc:
        print(f"{args.system}: {exc}", file=sys.stderr)
        return 2
    if server == "granian":
        app.extensions["interop"].close()  # the population is in place; the workers build their own
        return _serve_granian(args, base_url)
    return _serve_waitress(app, args)


def _serve_granian(args: argparse.Namespace, base_url: str) -> int:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    os.environ.update({SYSTEM_VAR: args.system, BASE_URL_VAR: base_url, WORKERS_VAR: str(args.workers)})
    print(f"{args.system} listening on {base_url} (granian, {args.workers} worker(s))", flush=True)
    Granian(
        "simulators.wsgi:create",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        factory=True,
        websockets=False,
        log_level=LogLevels.error,  # not its "8 threads on 2 cores" advice at every start
    ).serve()
    return 0


def _serve_waitress(app: Any, args: argparse.Namespace) -> int:
    from waitress.server import create_server

    # "Task queue depth is N" on every queued request under a load test: noise that costs CPU.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="interop")

    def _stop(_signum: int, _frame: Any) -> None:
        server.close()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"{args.system} listening on http://{args.host}:{args.port} (waitress)", flush=True)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        app.extensions["interop"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
