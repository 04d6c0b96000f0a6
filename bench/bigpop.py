"""A large force's population: 1,000,000 people generated, loaded and searched (`--parts bigpop`).

Optional (minutes, gigabytes of disk): `python -m bench --parts bigpop [--bigpop-people N]`.

1. generation: the real generator writes the population into the run's cache, in a child process
   (its wall time and its peak RSS, with the generator's worker processes counted);
2. load: the three simulators start on it as `interop up --population N` starts them, each loading
   its share into SQLite; the wall time until every one answers /health;
3. peak RSS of each simulator (`VmHWM`, the largest of its processes) after the load and searches;
4. name search (`GET /nominals?surname=&forename=`) at peak and paced at half the peak: p99.

Targets (issue 21): generated in < 60 s, loaded in < 5 min, each simulator < 500 MB peak,
name-search p99 < 50 ms at half peak.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from bench.memory import peak_rss_tree_mb
from bench.results import Figure, below
from bench.throughput import (
    HALF,
    P99_TARGET_MS,
    LoadOptions,
    _plan,
    _sample,
    choose_tool,
    peak_run,
    run_python,
)
from harness.ecosystem import Ecosystem, EcosystemSpec
from simulators.core.auth import Issuer
from simulators.core.config import SYSTEMS
from simulators.core.server import free_port
from simulators.population import PopulationSpec
from simulators.population.io import MANIFEST

PART = "bigpop"
REPO = Path(__file__).resolve().parent.parent
GENERATE_TARGET_S = 60.0
LOAD_TARGET_S = 300.0
RSS_TARGET_MB = 500.0
START_TIMEOUT_S = 3600.0

_GENERATE = """
import json, resource, sys, time
from pathlib import Path
from simulators.population import PopulationSpec, ensure_population
t = time.perf_counter()
spec = PopulationSpec(seed=int(sys.argv[1]), people=int(sys.argv[2]))
folder = ensure_population(spec, Path(sys.argv[3]))
seconds = time.perf_counter() - t
usage = resource.getrusage
rss = max(usage(resource.RUSAGE_SELF).ru_maxrss, usage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": seconds, "peak_rss_mb": rss * 1024 / 1e6, "folder": str(folder)}))
"""


def generate(people: int, seed: int, cache: Path) -> dict:
    """Generate (or find cached) in a child process; its seconds, peak RSS and folder."""
    proc = subprocess.run(
        [sys.executable, "-c", _GENERATE, str(seed), str(people), str(cache)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=START_TIMEOUT_S,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"generating {people:,} people failed: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_bigpop(
    people: int, seed: int, home: Path, options: LoadOptions, log: Callable[[str], None]
) -> list[Figure]:
    cache = home / "population"
    cached = (cache / PopulationSpec(seed=seed, people=people).cache_key() / MANIFEST).is_file()
    log(f"  generating {people:,} people")
    gen = generate(people, seed, cache)
    log(f"  generated in {gen['seconds']:.1f} s (peak RSS {gen['peak_rss_mb']:.0f} MB)")
    figures = [
        Figure(
            PART,
            f"generate {people:,} people",
            None if cached else gen["seconds"],
            "s",
            target=f"< {GENERATE_TARGET_S:.0f} s",
            met=None if cached else below(gen["seconds"], GENERATE_TARGET_S),
            note="not measured: already in the cache (--home); remove its population folder to measure"
            if cached
            else f"peak RSS {gen['peak_rss_mb']:.0f} MB (the generator and its worker processes)",
        )
    ]
    spec = EcosystemSpec(ports={s: free_port() for s in SYSTEMS}, home=home, population=people, seed=seed)
    log(f"  loading {people:,} people into the three simulators (SQLite)")
    t = time.perf_counter()
    eco = Ecosystem(spec)
    eco.start(timeout=START_TIMEOUT_S)  # not `with`: its start waits only the default 120 s
    try:
        load_s = time.perf_counter() - t
        log(f"  loaded in {load_s:.0f} s")
        figures.append(
            Figure(
                PART,
                f"load {people:,} people",
                load_s,
                "s",
                target=f"< {LOAD_TARGET_S:.0f} s",
                met=below(load_s, LOAD_TARGET_S),
                note="three simulators in parallel, as `interop up`",
            )
        )
        figures.extend(_search(spec.url("records"), Path(gen["folder"]), home, seed, options, log))
        for system, proc in eco.procs.items():
            value = peak_rss_tree_mb(proc.pid)
            figures.append(
                Figure(
                    PART,
                    f"peak RSS {system}",
                    value,
                    "MB",
                    target=f"< {RSS_TARGET_MB:.0f} MB",
                    met=below(value, RSS_TARGET_MB),
                    note=f"VmHWM with {people:,} people, after the load and the searches",
                )
            )
    finally:
        eco.stop()
    return figures


def _search(
    url: str, folder: Path, home: Path, seed: int, options: LoadOptions, log: Callable[[str], None]
) -> list[Figure]:
    rng = random.Random(seed)
    searches = []
    for n in _sample(folder, "nominals", options.sample, rng):
        query = {"surname": n["surname"]}
        if n.get("forenames"):
            query["forename"] = n["forenames"][0]
        searches.append(("GET", "/nominals?" + urlencode(query), None))
    token = Issuer.from_key_file(home / "issuer-key.json").issue("interop-bench", ["records:read"])
    headers = {"Authorization": f"Bearer {token}"}
    if options.warmup > 0:
        run_python(_plan(url, searches, headers, options.warmup, options))
    peak = peak_run(_plan(url, searches, headers, options.duration, options), choose_tool(options.tool))
    paced = run_python(_plan(url, searches, headers, options.duration, options, rate=peak.rps * HALF))
    log(f"  name search: {peak.rps:,.0f} req/s peak; p99 {paced.p99_ms or 0:.1f} ms at half peak")
    failures = peak.failures + paced.failures
    return [
        Figure(
            PART, "name search: requests/s", peak.rps, "req/s", note=f"p99 at peak {peak.p99_ms or 0:.1f} ms"
        ),
        Figure(
            PART,
            "name search: p99 at half peak",
            paced.p99_ms,
            "ms",
            target=f"< {P99_TARGET_MS:.0f} ms",
            met=below(paced.p99_ms, P99_TARGET_MS) if not failures else False,
            note=f"paced at {paced.rate or 0:,.0f} req/s; {failures} failures",
        ),
    ]
