"""`make bench` (`python -m bench`): every benchmark, one table of figures, ratios and targets.

Exit 0 when every target with a figure is met, 1 when one is missed, 2 when the benchmark itself
could not run. Figures also go to `<INTEROP_HOME>/bench/results.json` (default `.interop/`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from bench.harness_timing import HarnessOptions
from bench.results import BenchReport
from bench.runner import OPTIONAL_PARTS, PARTS, BenchOptions, default_results_path, run_bench
from bench.throughput import LoadOptions
from harness.errors import InteropError


def parse_args(argv: list[str] | None) -> BenchOptions:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=100_000, help="population size (default 100,000)")
    p.add_argument("--naive-people", type=int, default=2_000, help="people for the naive generator baseline")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated, from {', '.join(PARTS)} (default: all) and {', '.join(OPTIONAL_PARTS)}",
    )
    p.add_argument(
        "--bigpop-people", type=int, default=1_000_000, help="people of the bigpop part (default 1,000,000)"
    )
    p.add_argument(
        "--home",
        type=Path,
        help="INTEROP_HOME for the simulators (kept; reruns reuse the loaded "
        "population). Default: a temporary folder, removed at the end",
    )
    p.add_argument(
        "--results",
        type=Path,
        help="where to write results.json (default <INTEROP_HOME or .interop>/bench/results.json)",
    )
    p.add_argument("--duration", type=float, default=5.0, help="seconds per load run (peak and paced)")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up before each peak run")
    p.add_argument(
        "--connections", type=int, default=16, help="concurrent keep-alive connections per load run"
    )
    p.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="peak-rate load generator: wrk if installed (auto), or the Python one",
    )
    p.add_argument("--roles", default="records,custody,intelligence", help="roles to verify")
    p.add_argument("--no-direct", action="store_true", help="skip the Schemathesis-direct baseline")
    p.add_argument("--max-examples", type=int, help="fuzz budget (default: the harness's default budget)")
    p.add_argument("--max-time", type=float, help="fuzz time budget in seconds (default: the harness's)")
    a = p.parse_args(argv)
    parts = tuple(x.strip() for x in a.parts.split(",") if x.strip())
    unknown = [x for x in parts if x not in PARTS + OPTIONAL_PARTS]
    if unknown:
        p.error(f"unknown part {unknown[0]!r}; choose from {', '.join(PARTS + OPTIONAL_PARTS)}")
    return BenchOptions(
        people=a.people,
        naive_people=a.naive_people,
        seed=a.seed,
        parts=parts,
        home=a.home,
        results=a.results,
        bigpop_people=a.bigpop_people,
        load=LoadOptions(
            duration=a.duration, warmup=a.warmup, connections=a.connections, tool=a.loadgen, seed=a.seed
        ),
        harness=HarnessOptions(
            roles=tuple(r.strip() for r in a.roles.split(",") if r.strip()),
            direct=not a.no_direct,
            max_examples=a.max_examples,
            max_time=a.max_time,
        ),
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    # Piped (CI logs, `| tee`): wide enough that each figure stays on one line.
    console = Console() if sys.stdout.isatty() else Console(width=200)
    try:
        report: BenchReport = run_bench(options, console)
    except (RuntimeError, OSError, subprocess.SubprocessError, InteropError) as exc:
        console.print(f"[bold red]bench: {escape(str(exc))}[/]", highlight=False)
        return 2
    report.print(console)
    seconds = report.context.get("seconds", {})
    console.print(
        f"load generator: {report.context.get('load_generator', 'n/a')}; time per part: "
        + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items()),
        highlight=False,
    )
    results = options.results or default_results_path()
    report.write_json(results)
    console.print(f"results: {results}", highlight=False)
    return 1 if report.misses else 0


if __name__ == "__main__":
    sys.exit(main())
