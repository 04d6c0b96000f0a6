"""`make fuzz-deep`: the fuzz suite against each simulator at ten times the default budget, several seeds.

Not a pytest module (it takes tens of minutes): run as `python -m tests.hardening.fuzz_deep`.
It starts the three simulators in this process (harness/embedded.py, the same reference the
harness uses) and, for every role and seed, resets them to the seeded world and runs
`interop verify --role ROLE --suite fuzz` against them as a separate process, exactly as a
vendor would. Exit status 0 when no run has a finding (exit 0, or 3: inconclusive); the reports
are kept under `--report-dir` (default `interop-report/fuzz-deep/`). docs/hardening.md says what
it found.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from harness.embedded import embedded_ecosystem
from harness.fuzz.options import DEFAULT_MAX_EXAMPLES, DEFAULT_MAX_TIME_S
from simulators.core.config import SYSTEMS

BUDGET_FACTOR = 10
# `interop verify` exit 3: no finding, but some of what the role requires could not be judged (for
# fuzzing alone, typically PATCH operations never answered 2xx: a generated If-Match is never the
# current ETag). Reported, not a failure: fuzz-deep looks for findings.
INCONCLUSIVE = 3
DEFAULT_SEEDS = (1, 2, 3)


def _interop() -> str:
    return str(Path(sys.executable).with_name("interop"))


def _summary(report_dir: Path) -> str:
    """Verdict and findings of one run, from its report.json (one line)."""
    try:
        report = json.loads((report_dir / "report.json").read_text())
    except (OSError, ValueError):
        return "no report.json"
    findings = report.get("findings", [])
    titles = sorted({f"{f.get('check')} {f.get('operation')}" for f in findings if isinstance(f, dict)})
    return f"verdict={report.get('verdict')} findings={len(findings)} {'; '.join(titles)[:400]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", default=",".join(SYSTEMS))
    parser.add_argument("--seeds", default=",".join(map(str, DEFAULT_SEEDS)))
    parser.add_argument("--factor", type=int, default=BUDGET_FACTOR, help="times the default budget")
    parser.add_argument("--report-dir", type=Path, default=Path("interop-report/fuzz-deep"))
    parser.add_argument("--population", type=int, default=200)
    args = parser.parse_args(argv)
    roles = [r for r in args.roles.split(",") if r]
    seeds = [int(s) for s in args.seeds.split(",") if s]
    max_examples = DEFAULT_MAX_EXAMPLES * args.factor
    max_time = DEFAULT_MAX_TIME_S * args.factor
    failed: list[str] = []
    started = time.monotonic()
    with embedded_ecosystem(population=args.population) as eco:
        for role in roles:
            url = eco.urls[role]
            for seed in seeds:
                requests.post(url + "/_sim/reset", timeout=120).raise_for_status()
                out = args.report_dir / f"{role}-seed{seed}"
                cmd = [
                    _interop(), "verify", "--role", role, "--target", url, "--suite", "fuzz",
                    "--seed", str(seed), "--max-examples", str(max_examples), "--max-time", str(max_time),
                    "--report-dir", str(out),
                ]  # fmt: skip
                t0 = time.monotonic()
                code = subprocess.run(
                    cmd, stdout=subprocess.DEVNULL, env=os.environ.copy(), check=False
                ).returncode
                line = f"{role} seed {seed}: exit {code} in {time.monotonic() - t0:.0f} s; {_summary(out)}"
                print(line, flush=True)
                if code not in (0, INCONCLUSIVE):
                    failed.append(line)
    runs, took = len(roles) * len(seeds), time.monotonic() - started
    print(f"fuzz-deep: {runs} runs in {took:.0f} s, {len(failed)} with findings or errors")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
