"""Serve one simulator in this process with waitress: what `interop up` runs per system.

    python -m simulators.serve records --port 8101 [--host 127.0.0.1] [--threads 8]

Configuration comes from `INTEROP_*` variables (set by `interop up`). Stops cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import Any

from waitress.server import create_server

from simulators.core import registry
from simulators.core.config import SYSTEMS, SimConfig
from simulators.core.db import DatabaseError

GIL_SWITCH_SECONDS = 0.001


def build_app(system: str, **overrides: Any) -> Any:
    return registry.get(system).create_app(SimConfig.for_system(system, **overrides))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.serve")
    parser.add_argument("system", choices=SYSTEMS)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format=f"[{args.system}] %(levelname)s %(message)s")
    # "Task queue depth is N" on every queued request under a load test: noise that costs CPU.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # A request that releases the GIL for SQLite (holding the write lock) waited up to the default
    # 5 ms to get it back from threads parsing other requests; 1 ms keeps that queue moving
    # (measured: writes +20-30%, reads +10-25% at peak under wrk).
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    try:
        app = build_app(args.system, base_url=f"http://{args.host}:{args.port}")
    except DatabaseError as exc:
        print(f"{args.system}: {exc}", file=sys.stderr)
        return 2
    server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="interop")

    def _stop(_signum: int, _frame: Any) -> None:
        server.close()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"{args.system} listening on http://{args.host}:{args.port}", flush=True)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        app.extensions["interop"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
