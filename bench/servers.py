"""Which WSGI server should serve the simulators: waitress, gunicorn (gthread) or granian, measured.

    python -m bench.servers [--people 20000] [--duration 5] [--rounds 2] [--workers 1,2]

Every server serves the same records simulator (same database, same `INTEROP_*` settings, built
by `simulators.wsgi:create` in each worker) and the minimal baseline endpoint, one at a time, in
interleaved rounds; wrk (or the Python generator) sends `GET /nominals/{id}` over 2,000 ids.
Printed: requests/s per server and worker count, and each against waitress with one process in
the same round. Used to choose the server (docs/benchmarks.md, "Choosing the server").
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import requests

from bench.loadgen import LoadPlan, LoadResult
from bench.throughput import choose_tool, peak_run, run_python
from simulators.core.auth import Issuer, load_or_create_key
from simulators.core.server import free_port, wait_for_health
from simulators.serve import BASE_URL_VAR, SYSTEM_VAR

REPO = Path(__file__).resolve().parent.parent
SERVERS = ("waitress", "gunicorn", "granian")
THREADS = 8


def minimal_app():  # type: ignore[no-untyped-def]
    """The baseline endpoint (bench/minimal.py) with the simulators' GIL switch interval."""
    from bench.minimal import create_app
    from simulators.serve import GIL_SWITCH_SECONDS

    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    return create_app()


def server_command(server: str, factory: str, port: int, workers: int) -> list[str]:
    """The server's own command line for `factory` (a `module:function` that returns the app)."""
    bind = f"127.0.0.1:{port}"
    bindir = Path(sys.executable).parent
    if server == "waitress":
        if workers != 1:
            raise ValueError("waitress runs one process")
        return [str(bindir / "waitress-serve"), f"--listen={bind}", f"--threads={THREADS}", "--call", factory]
    if server == "gunicorn":
        return [
            str(bindir / "gunicorn"),
            "-k",
            "gthread",
            f"--threads={THREADS}",
            f"--workers={workers}",
            f"--bind={bind}",
            "--log-level=warning",
            f"{factory}()",
        ]
    if server == "granian":
        return [
            str(bindir / "granian"),
            "--interface",
            "wsgi",
            "--factory",
            f"--workers={workers}",
            f"--blocking-threads={THREADS}",
            "--host=127.0.0.1",
            f"--port={port}",
            "--log-level=warning",
            "--no-ws",
            factory,
        ]
    raise ValueError(f"unknown server {server!r}")


@contextlib.contextmanager
def serving(cmd: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[None]:
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_health(url, 120, alive=lambda: proc.poll() is None, ok_only=False)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _env(home: Path, people: int, base_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "INTEROP_HOME": str(home),
            "INTEROP_POPULATION": str(people),
            "INTEROP_SEED": "1",
            "PACT_DO_NOT_TRACK": "true",
            SYSTEM_VAR: "records",
            BASE_URL_VAR: base_url,
        }
    )
    return env


def prepare(home: Path, people: int) -> list[str]:
    """Load the records population once; 2,000 nominal ids to read."""
    code = "import simulators.wsgi as w; w.create().extensions['interop'].close()"
    subprocess.run([sys.executable, "-c", code], env=_env(home, people), cwd=REPO, check=True)
    load_or_create_key(home / "issuer-key.json")
    with contextlib.closing(sqlite3.connect(home / "records.db")) as db:
        rows = db.execute("SELECT nominal_id FROM records_nominals ORDER BY nominal_id LIMIT 2000")
        return [r[0] for r in rows]


def measure(
    server: str,
    workers: int,
    target: str,
    home: Path,
    people: int,
    ids: list[str],
    duration: float,
    tool: str,
) -> LoadResult:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    if target == "minimal":
        factory, reqs, headers = "bench.servers:minimal_app", [("GET", "/ok", None)], {}
    else:
        token = Issuer.from_key_file(home / "issuer-key.json").issue("interop-bench", ["records:read"])
        factory, headers = "simulators.wsgi:create", {"Authorization": f"Bearer {token}"}
        reqs = [("GET", f"/nominals/{i}", None) for i in ids]
    cmd = server_command(server, factory, port, workers)
    with serving(cmd, _env(home, people, url), url, home / f"{server}.log"):
        first = requests.get(url + reqs[0][1], headers=headers, timeout=30)
        if first.status_code != 200:
            raise RuntimeError(f"{server}: {reqs[0][1]} answered {first.status_code}: {first.text[:200]}")
        plan = LoadPlan(host="127.0.0.1", port=port, requests=reqs, headers=headers, duration=duration)
        run_python(LoadPlan(host="127.0.0.1", port=port, requests=reqs, headers=headers, duration=1.0))
        return peak_run(plan, tool)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.servers", description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=20_000)
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--servers", default=",".join(SERVERS))
    p.add_argument("--workers", default="1", help="comma-separated worker counts (waitress: 1 only)")
    p.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    a = p.parse_args(argv)
    tool = choose_tool(a.loadgen)
    servers = [s for s in a.servers.split(",") if s]
    worker_counts = [int(w) for w in a.workers.split(",") if w]
    home = Path(tempfile.mkdtemp(prefix="interop-bench-servers-"))
    try:
        ids = prepare(home, a.people)
        results: dict[tuple[str, int, str], list[float]] = {}
        for rnd in range(a.rounds):
            for target in ("minimal", "read"):
                for server in servers:
                    for workers in worker_counts:
                        if server == "waitress" and workers != 1:
                            continue
                        r = measure(server, workers, target, home, a.people, ids, a.duration, tool)
                        results.setdefault((server, workers, target), []).append(r.rps)
                        print(
                            f"round {rnd + 1} {target:8} {server:9} x{workers}: {r.rps:8,.0f} req/s "
                            f"p99 {r.p99_ms or 0:.1f} ms failures {r.failures}",
                            flush=True,
                        )
        print(f"\nmean over {a.rounds} rounds ({tool}, 16 connections, {os.cpu_count()} cores):")
        for target in ("minimal", "read"):
            base = results.get(("waitress", 1, target))
            base_mean = sum(base) / len(base) if base else None
            for (server, workers, t), values in sorted(results.items()):
                if t != target:
                    continue
                mean = sum(values) / len(values)
                vs = f"{mean / base_mean:.2f}x waitress" if base_mean else ""
                print(f"  {target:8} {server:9} x{workers}: {mean:8,.0f} req/s  {vs}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
