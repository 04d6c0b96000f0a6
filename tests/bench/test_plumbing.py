"""The benchmark's moving parts on a tiny server: load generators, wrk's output, the table.

No timing assertions: these check that requests are sent, counted and reported, not how fast.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask, jsonify, request
from rich.console import Console

from bench.loadgen import LoadPlan, percentile, run_plan
from bench.results import BenchReport, Figure
from bench.throughput import run_python
from bench.wrk import lua_script, parse_output, run_wrk, wrk_path
from simulators.core.server import ServerThread

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:18101
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    67.65ms   81.25ms 548.61ms   91.54%
    Req/Sec   165.18     74.79   313.00     61.36%
  Latency Distribution
     50%  842.00us
     75%   72.78ms
     90%  130.81ms
     99%    1.20s
  743 requests in 5.08s, 478.89KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:    146.27
Transfer/sec:     94.28KB
"""


class Counting:
    """A tiny app that counts what it was sent, so a test can see which requests arrived."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.bodies: list[dict] = []
        self.lock = threading.Lock()
        app = Flask("counting")

        @app.route("/<name>", methods=["GET", "POST"])
        def hit(name: str):  # type: ignore[no-untyped-def]
            with self.lock:
                self.hits[f"{request.method} /{name}"] += 1
                if request.method == "POST":
                    self.bodies.append(request.get_json())
            if request.headers.get("Authorization") != "Bearer t":
                return jsonify(error="no token"), 401
            return jsonify(ok=True), 404 if name == "missing" else 200

        self.app = app


@pytest.fixture
def counting() -> Iterator[tuple[Counting, ServerThread]]:
    target = Counting()
    server = ServerThread(target.app)
    try:
        yield target, server
    finally:
        server.stop()


def _plan(server: ServerThread, reqs: list[tuple[str, str, str | None]], **kw: object) -> LoadPlan:
    return LoadPlan(
        host=server.host,
        port=server.port,
        requests=reqs,
        headers={"Authorization": "Bearer t"},
        duration=0.5,
        connections=2,
        **kw,
    )  # type: ignore[arg-type]


def test_parse_wrk_output_reads_counts_errors_and_percentiles() -> None:
    result = parse_output(WRK_OUTPUT, 5)
    assert (result.requests, result.non_2xx, result.errors) == (743, 7, 3)
    assert result.duration_s == pytest.approx(5.08)
    assert result.p50_ms == pytest.approx(0.842)
    assert result.p90_ms == pytest.approx(130.81)
    assert result.p99_ms == pytest.approx(1200.0)
    assert result.failures == 10


def test_percentile_is_nearest_rank() -> None:
    values = sorted(float(x) for x in range(1, 101))
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 50) is None


def test_python_generator_cycles_requests_and_counts_statuses(
    counting: tuple[Counting, ServerThread],
) -> None:
    target, server = counting
    body = json.dumps({"n": 1})
    result = run_plan(_plan(server, [("GET", "/a", None), ("POST", "/b", body), ("GET", "/missing", None)]))
    assert result.requests > 3
    assert target.hits["GET /a"] and target.hits["POST /b"] and target.hits["GET /missing"]
    assert target.bodies[0] == {"n": 1}
    assert result.non_2xx == result.statuses.get("404") > 0
    assert result.errors == 0 and result.p99_ms is not None


def test_python_generator_honours_the_request_cap(counting: tuple[Counting, ServerThread]) -> None:
    target, server = counting
    result = run_plan(_plan(server, [("GET", "/a", None)], max_requests=5))
    assert result.requests == 5 == target.hits["GET /a"]
    assert result.capped


def test_paced_run_sends_no_more_than_its_rate(counting: tuple[Counting, ServerThread]) -> None:
    target, server = counting
    result = run_plan(_plan(server, [("GET", "/a", None)], rate=20.0))
    assert 0 < result.requests <= 20 * 0.5 + 1
    assert result.rate == 20.0 and result.non_2xx == 0


def test_python_generator_runs_in_a_child_process(counting: tuple[Counting, ServerThread]) -> None:
    target, server = counting
    result = run_python(_plan(server, [("GET", "/a", None)], max_requests=10))
    assert result.tool == "python"
    assert result.requests == 10 == target.hits["GET /a"]


def test_lua_script_holds_every_request_and_header() -> None:
    plan = LoadPlan(
        host="127.0.0.1",
        port=1,
        requests=[("GET", '/a?x="1"', None), ("POST", "/b", '{"k": "v"}')],
        headers={"Authorization": "Bearer t"},
    )
    script = lua_script(plan, threads=1)
    assert '{"GET", "/a?x=\\"1\\"", nil}' in script
    assert '{"POST", "/b", "{\\"k\\": \\"v\\"}"}' in script
    assert '["Authorization"] = "Bearer t"' in script and '["Content-Type"] = "application/json"' in script


@pytest.mark.skipif(wrk_path() is None, reason="wrk is not installed (apt-get install wrk)")
def test_wrk_cycles_requests_with_headers(counting: tuple[Counting, ServerThread]) -> None:
    target, server = counting
    plan = _plan(server, [("GET", "/a", None), ("POST", "/b", '{"n": 2}')])
    plan.duration = 1
    result = run_wrk(plan)
    assert result.tool == "wrk" and result.requests > 2
    assert target.hits["GET /a"] and target.hits["POST /b"]
    assert result.non_2xx == 0 and target.bodies[0] == {"n": 2}


def test_table_marks_misses_and_shows_every_figure() -> None:
    report = BenchReport()
    report.add(
        [
            Figure("throughput", "read: requests/s", 120.0, "req/s", 1000.0, 0.12, ">= 0.5x", False),
            Figure("memory", "peak RSS records", 150.0, "MB", target="< 300 MB", met=True),
            Figure("harness", "verify x --suite contracts: wall time", None, "s", note="suite not available"),
        ]
    )
    console = Console(record=True, width=200)
    report.print(console)
    text = console.export_text()
    for f in report.figures:
        assert f.name in text
    assert "MISSED" in text and "not available" in text
    assert [f.name for f in report.misses] == ["read: requests/s"]
    assert report.to_json()["misses"] == ["read: requests/s"]
