"""`make bench`: every benchmark in one run, in an order that reuses what the last one built.

1. population generation (bench/population.py), written straight into the run's population cache;
   then the load suite's generator, one process against a master and two workers (bench/load_scaling.py);
2. the simulators started as `interop up` starts them, loading that population into SQLite;
3. throughput and latency against a minimal Flask endpoint (bench/throughput.py);
4. peak memory of each simulator after the load runs (bench/memory.py);
5. what the web console adds to a simulator's CPU per request (bench/console_overhead.py);
6. `interop verify` per role and suite, and the fuzz suite against Schemathesis alone
   (bench/harness_timing.py);
7. bulk export and import of the records system, rates and peak memory (bench/bulk.py), on the
   database the simulators loaded.

Everything runs on 127.0.0.1 free ports in a temporary INTEROP_HOME unless `--home` is given.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from bench import population as population_bench
from bench.bulk import measure_bulk
from bench.console_overhead import measure_console_overhead
from bench.harness_timing import HarnessOptions, measure_harness
from bench.load_scaling import measure_load_scaling
from bench.memory import peak_rss_tree_mb, serving_pid
from bench.minimal import PATH as MINIMAL_PATH
from bench.minimal import MinimalServer
from bench.prism import measure_prism
from bench.results import BenchReport, Figure, at_least, below
from bench.throughput import LoadOptions, choose_tool, measure_throughput
from bench.workers import measure_workers
from harness.ecosystem import Ecosystem, EcosystemSpec

PARTS = ("population", "loadgen", "throughput", "prism", "workers", "memory", "console", "harness", "bulk")
# Parts run only when asked for (`--parts bigpop`): a large force's population takes many minutes.
OPTIONAL_PARTS = ("bigpop",)
MEMORY_TARGET_MB = 300.0
START_TIMEOUT_S = 900.0


@dataclass
class BenchOptions:
    """What to run and how big. The defaults are what `make bench` measures."""

    people: int = 100_000
    naive_people: int = 2_000
    seed: int = 1
    parts: tuple[str, ...] = PARTS
    home: Path | None = None
    results: Path | None = None
    load: LoadOptions = field(default_factory=LoadOptions)
    harness: HarnessOptions = field(default_factory=HarnessOptions)
    bigpop_people: int = 1_000_000


def default_results_path() -> Path:
    return Path(os.environ.get("INTEROP_HOME", ".interop")).resolve() / "bench" / "results.json"


def _population_figures(run: population_bench.PopulationRun) -> list[Figure]:
    part = "population"
    measured = run.people >= 100_000
    return [
        Figure(
            part,
            "generation: people/s",
            run.real_rate,
            "people/s",
            run.naive_rate,
            run.ratio,
            f">= {population_bench.TARGET_RATIO:.0f}x",
            at_least(run.ratio, population_bench.TARGET_RATIO),
            note=f"{run.workers}; naive baseline on {run.naive_people:,} people; per CPU second "
            f"{run.cpu_ratio:.1f}x",
        ),
        Figure(
            part,
            "generation: 100,000 people",
            run.projected_100k_s,
            "s",
            target=f"< {population_bench.TARGET_SECONDS_100K:.0f} s",
            met=below(run.projected_100k_s, population_bench.TARGET_SECONDS_100K),
            note=f"{run.real_records:,} records"
            if measured
            else f"projected from {run.people:,} people ({run.real_s:.1f} s)",
        ),
    ]


def _generate_population(options: BenchOptions, home: Path, log: Callable[[str], None]) -> list[Figure]:
    """Measure generation, leaving the population where the simulators will look for it."""
    from simulators.population import PopulationSpec

    cache = home / "population"
    cache.mkdir(parents=True, exist_ok=True)
    final = cache / PopulationSpec(seed=options.seed, people=options.people).cache_key()
    scratch = Path(tempfile.mkdtemp(prefix=".bench-", dir=cache))
    try:
        run = population_bench.measure(
            options.people, options.naive_people, options.seed, out_dir=scratch, log=log
        )
        if not final.exists():
            scratch.rename(final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    log(f"  real {run.real_rate:,.0f} people/s, naive {run.naive_rate:,.0f} people/s ({run.ratio:.1f}x)")
    return _population_figures(run)


def _memory_figures(eco: Ecosystem, minimal: MinimalServer, label: str) -> list[Figure]:
    """Peak RSS of each simulator process, against the minimal server's."""
    base = peak_rss_tree_mb(minimal.proc.pid) if minimal.proc else None
    figures = []
    for system, proc in eco.procs.items():
        value = peak_rss_tree_mb(proc.pid)
        figures.append(
            Figure(
                "memory",
                f"peak RSS {system}",
                value,
                "MB",
                base,
                value / base if value is not None and base else None,
                f"< {MEMORY_TARGET_MB:.0f} MB",
                below(value, MEMORY_TARGET_MB),
                note=label,
            )
        )
    return figures


def run_bench(options: BenchOptions, console: Console) -> BenchReport:
    """Run the chosen parts; the report holds every figure (and is written to results.json)."""
    from simulators.core.config import SYSTEMS
    from simulators.core.server import free_port

    report = BenchReport()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    own_home = options.home is None
    home = Path(tempfile.mkdtemp(prefix="interop-bench-home-")) if own_home else options.home
    assert home is not None
    home.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        console.print(f"[dim]{time.perf_counter() - started:6.1f}s[/] {msg}", highlight=False)

    report.context.update(
        {
            "people": options.people,
            "seed": options.seed,
            "parts": list(options.parts),
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg()[0],
        }
    )
    try:
        if "population" in options.parts:
            log("[bold]population generation[/]")
            t = time.perf_counter()
            report.add(_generate_population(options, home, log))
            timings["population"] = time.perf_counter() - t
        if "loadgen" in options.parts:
            log("[bold]load suite generator: one process vs master + 2 workers[/]")
            t = time.perf_counter()
            report.add(measure_load_scaling(log, steady_s=max(2.0, 2 * options.load.duration)))
            timings["loadgen"] = time.perf_counter() - t
        if "bigpop" in options.parts:
            from bench.bigpop import measure_bigpop

            log("[bold]a large force's population[/]")
            t = time.perf_counter()
            report.add(measure_bigpop(options.bigpop_people, options.seed, home, options.load, log))
            timings["bigpop"] = time.perf_counter() - t
        if not {"throughput", "prism", "workers", "memory", "console", "harness"} & set(options.parts):
            _bulk_part(options, home, report, timings, log, source_home=None)
            return report
        spec = EcosystemSpec(
            ports={s: free_port() for s in SYSTEMS}, home=home, population=options.people, seed=options.seed
        )
        log(f"[bold]starting the simulators[/] ({options.people:,} people) in {home}")
        t = time.perf_counter()
        eco = Ecosystem(spec)
        eco.start(timeout=START_TIMEOUT_S)
        try:
            with MinimalServer(free_port(), threads=spec.threads) as minimal:
                timings["simulators_start"] = time.perf_counter() - t
                report.add(
                    Figure(
                        "setup",
                        "simulators start",
                        timings["simulators_start"],
                        "s",
                        note=f"as `interop up`: {options.people:,} people loaded into SQLite by each system",
                    )
                )
                log(f"  simulators ready in {timings['simulators_start']:.1f} s")
                urls = {s: spec.url(s) for s in SYSTEMS}
                if "throughput" in options.parts:
                    log("[bold]throughput and latency[/]")
                    report.context["load_generator"] = choose_tool(options.load.tool)
                    t = time.perf_counter()
                    report.add(
                        measure_throughput(
                            urls,
                            minimal.url,
                            MINIMAL_PATH,
                            home / "population" / _cache_key(options),
                            home / "issuer-key.json",
                            options.load,
                            log,
                        )
                    )
                    timings["throughput"] = time.perf_counter() - t
                population_dir = home / "population" / _cache_key(options)
                if "prism" in options.parts:
                    log("[bold]against Prism[/] (the same workloads, back to back)")
                    t = time.perf_counter()
                    tool = choose_tool(options.load.tool)
                    report.add(
                        measure_prism(urls, population_dir, home / "issuer-key.json", options.load, tool, log)
                    )
                    timings["prism"] = time.perf_counter() - t
                if "workers" in options.parts:
                    log("[bold]worker processes[/]: records with 1, 2 and 1 workers")
                    t = time.perf_counter()
                    tool = choose_tool(options.load.tool)
                    report.add(
                        measure_workers(
                            home, options.people, options.seed, population_dir, options.load, tool, log
                        )
                    )
                    timings["workers"] = time.perf_counter() - t
                if "memory" in options.parts:
                    after = "after the load runs" if "throughput" in options.parts else "idle (no load runs)"
                    report.add(
                        _memory_figures(eco, minimal, f"VmHWM {after}; baseline: minimal Flask server")
                    )
                if "console" in options.parts:
                    log("[bold]web console overhead[/]")
                    t = time.perf_counter()
                    report.add(
                        measure_console_overhead(
                            urls, serving_pid(eco.procs["records"].pid), home, options.load, log
                        )
                    )
                    timings["console"] = time.perf_counter() - t
                if "harness" in options.parts:
                    log("[bold]harness[/]")
                    t = time.perf_counter()
                    report.add(measure_harness(urls, home, options.harness, log))
                    timings["harness"] = time.perf_counter() - t
                if "memory" in options.parts:
                    ends = {s: peak_rss_tree_mb(p.pid) for s, p in eco.procs.items()}
                    report.context["peak_rss_mb_at_end"] = ends
        finally:
            eco.stop()
        _bulk_part(options, home, report, timings, log, source_home=home)
    finally:
        timings["total"] = time.perf_counter() - started
        report.context["seconds"] = {k: round(v, 1) for k, v in timings.items()}
        if own_home:
            shutil.rmtree(home, ignore_errors=True)
    return report


def _bulk_part(
    options: BenchOptions,
    home: Path,
    report: BenchReport,
    timings: dict[str, float],
    log: Callable[[str], None],
    source_home: Path | None,
) -> None:
    """Bulk export and import (bench/bulk.py), reusing the simulators' loaded database when there is one."""
    if "bulk" not in options.parts:
        return
    log("[bold]bulk export and import[/]")
    t = time.perf_counter()
    report.add(measure_bulk(options.people, options.seed, home, log, source_home=source_home))
    timings["bulk"] = time.perf_counter() - t


def _cache_key(options: BenchOptions) -> str:
    from simulators.population import PopulationSpec

    return PopulationSpec(seed=options.seed, people=options.people).cache_key()
