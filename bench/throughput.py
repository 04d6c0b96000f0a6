"""Simulator throughput and latency under load, against a minimal Flask endpoint on the same server.

Four workloads, each over loopback from a separate process (wrk when installed, else the Python
generator in bench/loadgen.py):

* read a nominal by id (records, `GET /nominals/{id}`), ids sampled from the population;
* search nominals by name (records, `GET /nominals?surname=&forename=`), names of real people;
* read a custody record with its detention clock (custody, `GET /custody-records/{id}`);
* create a custody event (custody, `POST /custody-records/{id}/property`) on open records that
  are first booked in through the API.

Each gets a warm-up, a closed-loop peak run (requests/s, p50, p99) and a paced run at half that
peak (p99, measured from when each request was due). The baseline's peak is measured before and
after the workloads and averaged, so a machine that gets busier during the run skews both sides.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

from bench.loadgen import LoadPlan, LoadResult
from bench.results import Figure, at_least, below, ratio_of
from bench.wrk import run_wrk, wrk_path
from simulators.core.auth import Issuer
from simulators.population import read_records

PART = "throughput"
REPO = Path(__file__).resolve().parent.parent
P99_TARGET_MS = 50.0
HALF = 0.5


@dataclass
class LoadOptions:
    """How hard and how long: every run is bounded by `duration` seconds and `max_requests`."""

    duration: float = 5.0
    warmup: float = 1.0
    connections: int = 16
    tool: str = "auto"  # auto | wrk | python
    sample: int = 2000
    pool: int = 100
    seed: int = 1
    max_requests: int = 200_000


@dataclass
class Workload:
    """One kind of request: where it goes, what it sends, and its ratio target."""

    key: str
    title: str
    system: str
    requests: list[tuple[str, str, str | None]]
    scopes: list[str]
    target_ratio: float
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class WorkloadResult:
    workload: str
    peak: LoadResult
    paced: LoadResult | None
    warmup_failures: int = 0


def _sample(population_dir: Path, kind: str, n: int, rng: random.Random) -> list[dict]:
    """A reservoir sample of `n` records of one kind (the files are read once, streamed)."""
    out: list[dict] = []
    for i, rec in enumerate(read_records(population_dir, kind)):
        if i < n:
            out.append(rec)
        else:
            j = rng.randint(0, i)
            if j < n:
                out[j] = rec
    return out


def _officer(rank: str) -> dict[str, str]:
    return {
        "name": "PS Bench Runner" if rank == "sergeant" else "PC Bench Runner",
        "collar_number": "4512",
        "rank": rank,
    }


def book_in_pool(custody_url: str, token: str, nominal_ids: list[str], now: datetime) -> list[str]:
    """Open one custody record per nominal through the API (POST /custody-records); their ids."""
    opened = []
    headers = {"Authorization": f"Bearer {token}"}
    with requests.Session() as session:
        for nominal_id in nominal_ids:
            body = {
                "station": {"code": "LS", "name": "Leeds District Custody Suite"},
                "arrest": {
                    "arrested_at": (now - timedelta(hours=2)).isoformat(),
                    "location": "Briggate, Leeds",
                    "reason": "Suspected theft from a shop; necessary to allow the prompt and effective "
                    "investigation of the offence",
                    "officer": {"name": "PC Amy Walsh", "collar_number": "4512"},
                },
                "arrived_at": (now - timedelta(hours=1)).isoformat(),
                "offences": [{"cjs_code": "TH68010", "title": "Theft from a shop"}],
                "detainee": {"nominal_id": nominal_id},
                "booked_in_by": _officer("sergeant"),
            }
            r = session.post(custody_url + "/custody-records", json=body, headers=headers, timeout=30)
            if r.status_code != 201:
                raise RuntimeError(f"booking a detainee in failed: {r.status_code} {r.text[:300]}")
            opened.append(r.json()["custody_id"])
    return opened


def build_workloads(
    urls: dict[str, str], population_dir: Path, key_file: Path, options: LoadOptions
) -> list[Workload]:
    """The four workloads, with request lists drawn from the population (seeded)."""
    rng = random.Random(options.seed)
    nominals = _sample(population_dir, "nominals", options.sample + options.pool, rng)
    custody = _sample(population_dir, "custody_records", options.sample, rng)
    # Detainees for the write pool come off the front; reads use the rest (or all, for a tiny population).
    pool_nominals = [n["nominal_id"] for n in nominals[: options.pool]]
    nominals = nominals[options.pool :] or nominals
    if not nominals or not custody:
        raise RuntimeError(
            f"the population in {population_dir} has no nominals or no custody records to read"
        )
    issuer = Issuer.from_key_file(key_file)
    write_token = issuer.issue("interop-bench", ["custody:read", "custody:write"])
    clock = requests.get(urls["custody"] + "/_sim/clock", timeout=10).json()
    now = datetime.fromisoformat(clock["now"]).astimezone(UTC)
    pool = book_in_pool(urls["custody"], write_token, pool_nominals, now)
    property_body = json.dumps(
        {
            "recorded_by": _officer("sergeant"),
            "items": [
                {
                    "description": "Mobile phone",
                    "quantity": 1,
                    "disposition": "retained",
                    "bag_number": "A123456",
                }
            ],
        }
    )
    searches = []
    for n in nominals:
        query = {"surname": n["surname"]}
        if n.get("forenames"):
            query["forename"] = n["forenames"][0]
        searches.append(("GET", "/nominals?" + urlencode(query), None))
    return [
        Workload(
            "read_nominal",
            "read nominal by id",
            "records",
            [("GET", f"/nominals/{n['nominal_id']}", None) for n in nominals],
            ["records:read"],
            0.5,
        ),
        Workload("search_name", "search nominals by name", "records", searches, ["records:read"], 0.25),
        Workload(
            "read_custody",
            "read custody record + clock",
            "custody",
            [("GET", f"/custody-records/{c['custody_id']}", None) for c in custody],
            ["custody:read"],
            0.5,
        ),
        Workload(
            "write_custody",
            "create custody event (property)",
            "custody",
            [("POST", f"/custody-records/{cid}/property", property_body) for cid in pool],
            ["custody:write"],
            0.2,
        ),
    ]


def _plan(
    url: str,
    reqs: list[tuple[str, str, str | None]],
    headers: dict[str, str],
    duration: float,
    options: LoadOptions,
    rate: float | None = None,
) -> LoadPlan:
    parts = urlsplit(url)
    return LoadPlan(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 80,
        requests=reqs,
        headers=headers,
        duration=duration,
        connections=options.connections,
        rate=rate,
        max_requests=options.max_requests,
    )


def run_python(plan: LoadPlan) -> LoadResult:
    """The Python generator in a child process (never in the benchmark's own process)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="interop-load-", delete=False) as f:
        json.dump(plan.to_json(), f)
        plan_file = f.name
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bench.loadgen", plan_file],
            capture_output=True,
            text=True,
            timeout=plan.duration + plan.timeout + 60,
            cwd=REPO,
        )
    finally:
        Path(plan_file).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed: {proc.stderr.strip()[-500:]}")
    return LoadResult.from_json(json.loads(proc.stdout))


def choose_tool(requested: str) -> str:
    """wrk when asked for or when installed (auto), else the Python generator."""
    if requested == "wrk" and wrk_path() is None:
        raise RuntimeError("--loadgen wrk: wrk is not installed (apt-get install wrk)")
    if requested == "auto":
        return "wrk" if wrk_path() else "python"
    return requested


def peak_run(plan: LoadPlan, tool: str) -> LoadResult:
    return run_wrk(plan) if tool == "wrk" else run_python(plan)


def preflight(url: str, reqs: list[tuple[str, str, str | None]], headers: dict[str, str], title: str) -> None:
    """Send the first requests once and fail loudly on a non-2xx: a broken workload measures nothing."""
    for method, path, body in reqs[:3]:
        hdrs = dict(headers)
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        r = requests.request(method, url + path, data=body, headers=hdrs, timeout=30)
        if not 200 <= r.status_code < 300:
            raise RuntimeError(f"{title}: {method} {path} answered {r.status_code}: {r.text[:300]}")


def measure_one(
    url: str,
    reqs: list[tuple[str, str, str | None]],
    headers: dict[str, str],
    title: str,
    options: LoadOptions,
    tool: str,
    log: Callable[[str], None],
) -> WorkloadResult:
    """Warm-up, peak, then paced at half the peak."""
    preflight(url, reqs, headers, title)
    warm = None
    if options.warmup > 0:
        warm = run_python(_plan(url, reqs, headers, options.warmup, options))
    peak = peak_run(_plan(url, reqs, headers, options.duration, options), tool)
    log(f"  {title}: {peak.rps:,.0f} req/s peak ({peak.tool}), p99 {_ms(peak.p99_ms)}")
    paced = None
    if peak.rps > 0:
        paced = run_python(_plan(url, reqs, headers, options.duration, options, rate=peak.rps * HALF))
        log(
            f"  {title}: p99 {_ms(paced.p99_ms)} at {paced.rate:,.0f} req/s (half peak); "
            f"sent {paced.rps:,.0f} req/s"
        )
    return WorkloadResult(title, peak, paced, warm.failures if warm else 0)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} ms"


def measure_throughput(
    urls: dict[str, str],
    baseline_url: str,
    baseline_path: str,
    population_dir: Path,
    key_file: Path,
    options: LoadOptions,
    log: Callable[[str], None],
) -> list[Figure]:
    """Every throughput figure: baseline, then each workload's rate, latencies and errors."""
    tool = choose_tool(options.tool)
    log(
        f"load generator: {'wrk' if tool == 'wrk' else 'Python (bench/loadgen.py)'} for peak runs, "
        "Python for paced runs"
    )
    workloads = build_workloads(urls, population_dir, key_file, options)
    issuer = Issuer.from_key_file(key_file)
    base_reqs = [("GET", baseline_path, None)]
    before = measure_one(baseline_url, base_reqs, {}, "baseline (before)", options, tool, log)
    results: dict[str, WorkloadResult] = {}
    for w in workloads:
        headers = {"Authorization": f"Bearer {issuer.issue('interop-bench', w.scopes)}", **w.headers}
        results[w.key] = measure_one(urls[w.system], w.requests, headers, w.title, options, tool, log)
    after_peak = peak_run(_plan(baseline_url, base_reqs, {}, options.duration, options), tool)
    log(f"  baseline (after): {after_peak.rps:,.0f} req/s peak")
    base_rps = (before.peak.rps + after_peak.rps) / 2
    figures = _baseline_figures(before, after_peak, base_rps, tool)
    for w in workloads:
        figures.extend(_workload_figures(w, results[w.key], before, base_rps))
    return figures


def _baseline_figures(before: WorkloadResult, after: LoadResult, base_rps: float, tool: str) -> list[Figure]:
    note = (
        f'minimal Flask {{"ok": true}}, same server and threads; before {before.peak.rps:,.0f}, '
        f"after {after.rps:,.0f}; peak by {tool}, paced by Python"
    )
    failures = before.peak.failures + after.failures + (before.paced.failures if before.paced else 0)
    return [
        Figure(PART, "baseline: requests/s", base_rps, "req/s", note=note),
        Figure(
            PART,
            "baseline: p50 / p99 at peak",
            before.peak.p50_ms,
            "ms",
            note=f"p99 {_ms(before.peak.p99_ms)}",
        ),
        Figure(
            PART,
            "baseline: p99 at half peak",
            before.paced.p99_ms if before.paced else None,
            "ms",
            note=f"paced at {before.paced.rate:,.0f} req/s" if before.paced and before.paced.rate else "",
        ),
        Figure(PART, "baseline: errors", failures, "", target="0", met=failures == 0),
    ]


def _workload_figures(w: Workload, r: WorkloadResult, base: WorkloadResult, base_rps: float) -> list[Figure]:
    paced_p99 = r.paced.p99_ms if r.paced else None
    failures = r.peak.failures + (r.paced.failures if r.paced else 0) + r.warmup_failures
    statuses = {**r.peak.statuses}
    if r.paced:
        for k, v in r.paced.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
    bad = {k: v for k, v in statuses.items() if not k.startswith("2")}
    ratio = ratio_of(r.peak.rps, base_rps)
    capped = "; request cap reached" if r.peak.capped or (r.paced and r.paced.capped) else ""
    return [
        Figure(
            PART,
            f"{w.title}: requests/s",
            r.peak.rps,
            "req/s",
            base_rps,
            ratio,
            f">= {w.target_ratio}x",
            at_least(ratio, w.target_ratio),
            note=f"{w.system}, {r.peak.requests:,} requests{capped}",
        ),
        Figure(
            PART,
            f"{w.title}: p50 at peak",
            r.peak.p50_ms,
            "ms",
            base.peak.p50_ms,
            ratio_of(r.peak.p50_ms, base.peak.p50_ms),
        ),
        Figure(
            PART,
            f"{w.title}: p99 at peak",
            r.peak.p99_ms,
            "ms",
            base.peak.p99_ms,
            ratio_of(r.peak.p99_ms, base.peak.p99_ms),
        ),
        Figure(
            PART,
            f"{w.title}: p99 at half peak",
            paced_p99,
            "ms",
            base.paced.p99_ms if base.paced else None,
            ratio_of(paced_p99, base.paced.p99_ms if base.paced else None),
            f"< {P99_TARGET_MS:.0f} ms",
            below(paced_p99, P99_TARGET_MS),
            note=f"paced at {r.paced.rate:,.0f} req/s" if r.paced and r.paced.rate else "",
        ),
        Figure(
            PART,
            f"{w.title}: errors",
            failures,
            "",
            target="0",
            met=failures == 0,
            note=("statuses " + ", ".join(f"{k}: {v}" for k, v in sorted(bad.items()))) if bad else "",
        ),
    ]
