"""How long `interop verify` takes per role and suite, and what the harness adds to Schemathesis.

Each verification is the real command in a child process (`python -m harness.cli verify ...`),
timed from start to exit, against the simulators with the full population, at the default budget.
The fuzz suite's test cases per second are compared with Schemathesis's engine run directly on the
same document, target and configuration (bench/st_direct.py), also timed as a whole process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.results import Figure, at_least, below, ratio_of

PART = "harness"
REPO = Path(__file__).resolve().parent.parent
ROLE_TARGET_S = 60.0
MAX_OVERHEAD = 0.20
SUITES = ("contracts", "fuzz")


@dataclass
class HarnessOptions:
    roles: tuple[str, ...] = ("records", "custody", "intelligence")
    direct: bool = True
    max_examples: int | None = None  # None: the default budget
    max_time: float | None = None
    timeout: float = 300.0


@dataclass
class VerifyRun:
    suite: str
    wall_s: float | None
    exit_code: int | None
    test_cases: int | None = None
    note: str = ""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PACT_DO_NOT_TRACK": "true", "INTEROP_HOME": str(home), "PYTHONUNBUFFERED": "1"})
    return env


def available(suite: str) -> bool:
    """Whether the suite can be loaded in this checkout (suites are being written in parallel)."""
    from harness.suites import available_suites

    try:
        return suite in available_suites()
    except Exception:  # a half-written suite that fails to import is "not available" here
        return False


def budget_args(options: HarnessOptions) -> list[str]:
    """The fuzz budget options, passed the same to `interop verify` and to the direct baseline."""
    out = []
    if options.max_examples is not None:
        out += ["--max-examples", str(options.max_examples)]
    if options.max_time is not None:
        out += ["--max-time", str(options.max_time)]
    return out


def verify(role: str, url: str, suite: str, home: Path, options: HarnessOptions) -> VerifyRun:
    """`interop verify --role R --target URL --suite S` in a child process, timed end to end."""
    with tempfile.TemporaryDirectory(prefix=f"interop-bench-{role}-{suite}-") as tmp:
        cmd = [
            sys.executable,
            "-m",
            "harness.cli",
            "verify",
            "--role",
            role,
            "--target",
            url,
            "--suite",
            suite,
            "--report-dir",
            tmp,
        ]
        if suite == "fuzz":
            cmd += budget_args(options)
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, cwd=REPO, env=_env(home), capture_output=True, text=True, timeout=options.timeout
            )
        except subprocess.TimeoutExpired:
            return VerifyRun(suite, None, None, note=f"did not finish within {options.timeout:.0f} s")
        wall = time.perf_counter() - started
        # 0 conforms, 1 does not, 3 inconclusive (e.g. a pass cut short by a small --max-time): each
        # is a finished run whose time counts; 2 means the run never happened.
        if proc.returncode not in (0, 1, 3):
            tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or [""]
            return VerifyRun(suite, None, proc.returncode, note=f"exit {proc.returncode}: {tail[0][:160]}")
        report = json.loads(Path(tmp, "report.json").read_text(encoding="utf-8"))
    stats = next((s.get("stats") or {} for s in report.get("suites", []) if s.get("name") == suite), {})
    errors = sum(1 for f in report.get("findings", []) if f.get("severity") == "error")
    note = f"verdict {report.get('verdict')}, {errors} error finding(s)"
    if stats.get("stop_reason") and stats.get("stop_reason") != "completed":
        note += f", stopped: {stats['stop_reason']}"
    return VerifyRun(suite, wall, proc.returncode, stats.get("test_cases"), note)


def direct(role: str, url: str, home: Path, options: HarnessOptions) -> tuple[float | None, int | None, str]:
    """(wall s, test cases, note) of Schemathesis run directly with the fuzz suite's token scopes."""
    from harness.auth import TargetTokens
    from harness.fuzz.spec import fuzzable, role_scopes
    from simulators.core.spec import load_spec

    token = TargetTokens(url, home=home).token(role_scopes(fuzzable(load_spec(role))))
    env = _env(home)
    if token:
        env["INTEROP_BENCH_TOKEN"] = token
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.st_direct",
                "--role",
                role,
                "--base-url",
                url,
                *budget_args(options),
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=options.timeout,
        )
    except subprocess.TimeoutExpired:
        return None, None, f"did not finish within {options.timeout:.0f} s"
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        return None, None, f"failed: {proc.stderr.strip().splitlines()[-1:] or ''}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return (
        wall,
        int(out["test_cases"]),
        f"engine {out['engine_s']:.1f} s of {wall:.1f} s, {out['stop_reason']}",
    )


def measure_harness(
    urls: dict[str, str], home: Path, options: HarnessOptions, log: Callable[[str], None]
) -> list[Figure]:
    """Wall time per role and suite, the per-role total, and the fuzz overhead against Schemathesis."""
    figures: list[Figure] = []
    present = {suite: available(suite) for suite in SUITES}
    for role in options.roles:
        url = urls[role]
        runs: dict[str, VerifyRun] = {}
        for suite in SUITES:
            if not present[suite]:
                figures.append(
                    Figure(
                        PART,
                        f"verify {role} --suite {suite}: wall time",
                        None,
                        "s",
                        note="suite not available in this checkout",
                    )
                )
                continue
            run = verify(role, url, suite, home, options)
            runs[suite] = run
            log(
                f"  verify {role} --suite {suite}: "
                + (f"{run.wall_s:.1f} s" if run.wall_s is not None else "failed")
                + f" ({run.note})"
            )
            figures.append(
                Figure(PART, f"verify {role} --suite {suite}: wall time", run.wall_s, "s", note=run.note)
            )
        walls = [r.wall_s for r in runs.values()]
        total = sum(w for w in walls if w is not None) if walls and None not in walls else None
        missing = [s for s in SUITES if not present[s]]
        figures.append(
            Figure(
                PART,
                f"verify {role}: contracts + fuzz",
                total,
                "s",
                target=f"< {ROLE_TARGET_S:.0f} s",
                met=below(total, ROLE_TARGET_S),
                note=f"{', '.join(missing)} not available: total without it" if missing else "",
            )
        )
        fuzz = runs.get("fuzz")
        if fuzz is None or not options.direct:
            continue
        d_wall, d_cases, d_note = direct(role, url, home, options)
        log(f"  schemathesis direct {role}: " + (f"{d_cases} cases in {d_wall:.1f} s" if d_wall else d_note))
        h_rate = fuzz.test_cases / fuzz.wall_s if fuzz.test_cases is not None and fuzz.wall_s else None
        d_rate = d_cases / d_wall if d_cases is not None and d_wall else None
        ratio = ratio_of(h_rate, d_rate)
        overhead = f"harness overhead {100 * (1 - ratio):.0f}%; " if ratio is not None else ""
        figures.append(
            Figure(
                PART,
                f"fuzz {role}: test cases/s",
                h_rate,
                "cases/s",
                d_rate,
                ratio,
                f">= {1 - MAX_OVERHEAD:.1f}x (overhead <= {MAX_OVERHEAD:.0%})",
                at_least(ratio, 1 - MAX_OVERHEAD),
                note=f"{overhead}harness {fuzz.test_cases} cases; direct {d_cases} cases ({d_note})",
            )
        )
    return figures
