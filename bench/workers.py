"""Reads by id with `interop up --workers 2` against one worker, in the same run.

A simulator with N worker processes (simulators/serve.py, granian) serves one port; on this
2-core machine two processes can use both cores where one process's threads share one GIL.
The records simulator is started as `interop up --workers N` starts it (harness/ecosystem.py),
on the benchmark's loaded database, alone beside the running simulators, with 1, 2 and 1 workers
again (the two single-worker runs are averaged, so drift in the machine's load shows less).
Target: two workers >= 1.3x one. The note says how many cores the load generator had to share.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

from bench.results import Figure, at_least, ratio_of
from bench.throughput import LoadOptions, _plan, _sample, peak_run, run_python
from harness.ecosystem import Ecosystem, EcosystemSpec
from simulators.core.auth import Issuer
from simulators.core.config import SYSTEMS
from simulators.core.server import free_port

PART = "workers"
TARGET = 1.3


def _read_rate(
    home: Path,
    people: int,
    seed: int,
    workers: int,
    reqs: list,
    headers: dict,
    options: LoadOptions,
    tool: str,
) -> tuple[float, int]:
    spec = EcosystemSpec(
        systems=("records",),
        ports={s: free_port() for s in SYSTEMS},
        home=home,
        population=people,
        seed=seed,
        workers=workers,
    )
    with Ecosystem(spec) as eco:
        url = eco.spec.url("records")
        if options.warmup > 0:
            run_python(_plan(url, reqs, headers, options.warmup, options))
        result = peak_run(_plan(url, reqs, headers, options.duration, options), tool)
        return result.rps, result.failures


def measure_workers(
    home: Path,
    people: int,
    seed: int,
    population_dir: Path,
    options: LoadOptions,
    tool: str,
    log: Callable[[str], None],
) -> list[Figure]:
    from simulators.serve import choose_server

    if choose_server("auto") != "granian":
        return [
            Figure(
                PART, "read nominal by id: 2 workers", None, note="not available: granian is not installed"
            )
        ]
    nominals = _sample(population_dir, "nominals", options.sample, random.Random(seed))
    reqs = [("GET", f"/nominals/{n['nominal_id']}", None) for n in nominals]
    token = Issuer.from_key_file(home / "issuer-key.json").issue("interop-bench", ["records:read"])
    headers = {"Authorization": f"Bearer {token}"}
    rates: dict[int, list[float]] = {1: [], 2: []}
    failures = 0
    for workers in (1, 2, 1):
        rps, failed = _read_rate(home, people, seed, workers, reqs, headers, options, tool)
        rates[workers].append(rps)
        failures += failed
        log(f"  read nominal by id, {workers} worker(s): {rps:,.0f} req/s ({failed} failures)")
    one = sum(rates[1]) / len(rates[1])
    two = rates[2][0]
    ratio = ratio_of(two, one)
    loadgen = "wrk, 1 thread" if tool == "wrk" else "Python generator, 16 threads"
    return [
        *_against_prism(two, reqs, headers, options, tool, log),
        Figure(
            PART,
            "read nominal by id: 2 workers",
            two,
            "req/s",
            one,
            ratio,
            f">= {TARGET}x",
            at_least(ratio, TARGET) if not failures else False,
            note=f"records alone, granian; 1 worker: {', '.join(f'{r:,.0f}' for r in rates[1])}; "
            f"{os.cpu_count()} cores shared with the load generator ({loadgen}); {failures} failures",
        ),
    ]


def _against_prism(
    two: float, reqs: list, headers: dict, options: LoadOptions, tool: str, log: Callable[[str], None]
) -> list[Figure]:
    """Two workers' read rate against Prism's on the same reads, measured right after (bench/prism.py)."""
    from bench.prism import PRISM_VERSION, READ_TARGET, PrismServer, locate

    binary = locate()
    name = "read nominal by id, 2 workers: vs Prism"
    if binary is None:
        return [Figure(PART, name, None, note="not available: Prism is not installed")]
    server = PrismServer(binary, "records")
    try:
        if options.warmup > 0:
            run_python(_plan(server.url, reqs, headers, options.warmup, options))
        prism = peak_run(_plan(server.url, reqs, headers, options.duration, options), tool).rps
    finally:
        server.stop()
    log(f"  read nominal by id: Prism {prism:,.0f} req/s")
    ratio = ratio_of(two, prism)
    return [
        Figure(
            PART,
            name,
            two,
            "req/s",
            prism,
            ratio,
            f">= {READ_TARGET}x",
            at_least(ratio, READ_TARGET),
            note=f"Prism {PRISM_VERSION} mocking contracts/bundled/records.json, measured after the workers",
        )
    ]
