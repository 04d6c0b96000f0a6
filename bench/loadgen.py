"""A small HTTP load generator in its own process: keep-alive connections, one thread each.

Used when wrk is not installed, and always for rate-limited runs (wrk cannot pace; wrk2 is not
in Debian). Two modes:

* closed loop (`rate` None): every connection sends its next request as soon as the last one is
  answered, for `duration` seconds or `max_requests` requests: the peak rate;
* paced (`rate` set): request i is due at start + i/rate, whichever connection is free takes it,
  and its latency is counted from when it was *due*, not when it was sent, so a server that falls
  behind shows it in the percentiles (no coordinated omission, as wrk2 measures).

Run: ``python -m bench.loadgen PLAN.json`` prints one JSON `LoadResult` on stdout.
"""

from __future__ import annotations

import http.client
import itertools
import json
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class LoadPlan:
    """What to send: requests are (method, path, JSON body or None), cycled; headers go on every one."""

    host: str
    port: int
    requests: list[tuple[str, str, str | None]]
    headers: dict[str, str] = field(default_factory=dict)
    duration: float = 5.0
    connections: int = 16
    rate: float | None = None
    max_requests: int = 200_000
    timeout: float = 10.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LoadPlan:
        data = dict(data)
        data["requests"] = [tuple(r) for r in data["requests"]]
        return cls(**data)


@dataclass
class LoadResult:
    """What one run measured. Latencies in milliseconds; `errors` are connection failures and timeouts."""

    tool: str
    requests: int = 0
    duration_s: float = 0.0
    non_2xx: int = 0
    errors: int = 0
    p50_ms: float | None = None
    p90_ms: float | None = None
    p99_ms: float | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    rate: float | None = None
    capped: bool = False
    note: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def failures(self) -> int:
        return self.non_2xx + self.errors

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "rps": self.rps}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LoadResult:
        data = {k: v for k, v in data.items() if k != "rps"}
        return cls(**data)


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of already sorted values."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), int(-(-q * len(sorted_values) // 100))))
    return sorted_values[rank - 1]


class _Worker(threading.Thread):
    def __init__(self, plan: LoadPlan, index: int, shared: _Shared) -> None:
        super().__init__(daemon=True, name=f"load-{index}")
        self.plan = plan
        self.index = index
        self.shared = shared
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors = 0
        self.conn: http.client.HTTPConnection | None = None

    def _send(self, method: str, path: str, body: str | None) -> int | None:
        headers = self.plan.headers
        if body is not None:
            headers = {**headers, "Content-Type": "application/json"}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    self.plan.host, self.plan.port, timeout=self.plan.timeout
                )
            try:
                self.conn.request(
                    method, path, body=body.encode() if body is not None else None, headers=headers
                )
                response = self.conn.getresponse()
                response.read()
                if response.will_close:
                    self.conn.close()
                    self.conn = None
                return response.status
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                # A keep-alive connection the server closed between requests: retry once on a new one.
                if attempt == 2:
                    return None
        return None

    def run(self) -> None:
        plan, shared = self.plan, self.shared
        reqs = plan.requests
        while True:
            i = shared.next_index()
            if i is None:
                break
            due = shared.start + i / plan.rate if plan.rate else None
            if due is not None:
                if due > shared.deadline:
                    break
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            sent = time.perf_counter()
            if sent > shared.deadline + (plan.timeout if due is not None else 0):
                break
            method, path, body = reqs[i % len(reqs)]
            status = self._send(method, path, body)
            done = time.perf_counter()
            if status is None:
                self.errors += 1
            else:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                self.latencies.append((done - (due if due is not None else sent)) * 1000)
            if due is None and done > shared.deadline:
                break
        if self.conn is not None:
            self.conn.close()


class _Shared:
    def __init__(self, plan: LoadPlan) -> None:
        self.counter = itertools.count()
        self.lock = threading.Lock()
        self.max_requests = plan.max_requests
        self.start = time.perf_counter()
        self.deadline = self.start + plan.duration
        self.capped = False

    def next_index(self) -> int | None:
        with self.lock:
            i = next(self.counter)
        if i >= self.max_requests:
            self.capped = True
            return None
        return i


def run_plan(plan: LoadPlan) -> LoadResult:
    """Send the plan's load from this process's threads and measure it."""
    shared = _Shared(plan)
    workers = [_Worker(plan, n, shared) for n in range(plan.connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - shared.start
    latencies = sorted(x for w in workers for x in w.latencies)
    statuses: dict[str, int] = {}
    for w in workers:
        for code, n in w.statuses.items():
            statuses[str(code)] = statuses.get(str(code), 0) + n
    answered = sum(statuses.values())
    return LoadResult(
        tool="python",
        requests=answered,
        duration_s=elapsed,
        non_2xx=sum(n for code, n in statuses.items() if not code.startswith("2")),
        errors=sum(w.errors for w in workers),
        p50_ms=percentile(latencies, 50),
        p90_ms=percentile(latencies, 90),
        p99_ms=percentile(latencies, 99),
        statuses=statuses,
        rate=plan.rate,
        capped=shared.capped,
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bench.loadgen PLAN.json", file=sys.stderr)
        return 2
    plan = LoadPlan.from_json(json.loads(Path(args[0]).read_text(encoding="utf-8")))
    print(json.dumps(run_plan(plan).to_json()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
