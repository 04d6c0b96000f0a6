"""What the web console adds to a simulator's request cost (`make bench`, part `console`).

The same paced read (`GET /nominals/{id}` on records, a fixed rate well under the peak) is sent
three ways: with no console, with the console running but no page open, and with the traffic page
open (a client on `/traffic/stream`, so the console polls the systems' traffic logs and streams
every exchange). The console runs in its own process, as it runs in `interop up`'s process beside
the simulators. The cost is the records process's CPU time per answered request (from
/proc/PID/stat): it counts what the console makes the simulator do (its `/_sim/traffic` reads),
and unlike a peak rate it does not move when the machine is busy with something else. The three
are interleaved, twice, so a machine that gets busier during the part weighs on each of them.

Run alone: ``python -m bench --parts console --people 2000``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.loadgen import LoadResult
from bench.results import Figure, below, ratio_of
from bench.throughput import LoadOptions, _plan, preflight, run_python
from harness.console.settings import ConsoleSettings
from simulators.core.auth import Issuer
from simulators.core.server import free_port

PART = "console"
TARGET_RATIO = 1.05  # the console adds under 5% to a simulator's CPU per request
CYCLES = 2
RATE = 150.0  # requests/s: well under a 2-core machine's peak, so every run sends the same load
POLL_S = ConsoleSettings.poll_seconds
REPO = Path(__file__).resolve().parent.parent


@dataclass
class CostRun:
    """One paced run: requests answered and the records process's CPU seconds meanwhile."""

    label: str
    load: LoadResult
    cpu_s: float

    @property
    def cpu_ms_per_request(self) -> float | None:
        answered = self.load.requests - self.load.failures
        return self.cpu_s * 1000 / answered if answered > 0 else None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of `pid` so far; None where /proc is not available (not Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ConsoleProcess:
    """The console served from a child process (`python -m bench.console_overhead SETTINGS`)."""

    def __init__(self, urls: dict[str, str], home: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = {"systems": urls, "home": str(home), "port": self.port}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.console_overhead", json.dumps(settings)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/reports", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the console did not start: {(self.proc.stderr.read() or '')[-500:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()  # type: ignore[union-attr]
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class TrafficWatcher:
    """A client with the traffic page open: reads `/traffic/stream` and discards it, as a browser would."""

    def __init__(self, console_url: str) -> None:
        self.events = 0
        self._stop = threading.Event()
        requests.get(console_url + "/traffic", timeout=30)  # the page itself, then its stream
        self._response = requests.get(console_url + "/traffic/stream", stream=True, timeout=30)
        self._thread = threading.Thread(target=self._read, daemon=True, name="bench-traffic-watcher")
        self._thread.start()

    def _read(self) -> None:
        try:
            for line in self._response.iter_lines():
                if line.startswith(b"event: exchange"):
                    self.events += 1
                if self._stop.is_set():
                    return
        except (requests.RequestException, OSError, AttributeError):
            return  # closed by stop() while reading: what http.client raises then varies

    def stop(self) -> None:
        self._stop.set()
        self._response.close()


def _cost_run(label: str, url: str, reqs: list, headers: dict, pid: int, options: LoadOptions) -> CostRun:
    before = cpu_seconds(pid)
    load = run_python(_plan(url, reqs, headers, options.duration, options, rate=RATE))
    after = cpu_seconds(pid)
    cpu = (after - before) if before is not None and after is not None else float("nan")
    return CostRun(label, load, cpu)


def measure_console_overhead(
    urls: dict[str, str],
    records_pid: int,
    home: Path,
    options: LoadOptions,
    log: Callable[[str], None],
) -> list[Figure]:
    if cpu_seconds(records_pid) is None:
        note = "needs /proc (Linux) to read the simulator's CPU time"
        return [Figure(PART, name, None, "ms", note=note) for name in _NAMES]
    issuer = Issuer.from_key_file(home / "issuer-key.json")
    headers = {"Authorization": f"Bearer {issuer.issue('interop-bench', ['records:read'])}"}
    page = requests.get(urls["records"] + "/nominals?limit=200", headers=headers, timeout=30).json()
    reqs = [("GET", f"/nominals/{n['nominal_id']}", None) for n in page.get("items", [])]
    if not reqs:
        raise RuntimeError("records holds no nominals to read")
    preflight(urls["records"], reqs, headers, "console overhead: read nominal")
    if options.warmup > 0:
        run_python(_plan(urls["records"], reqs, headers, options.warmup, options, rate=RATE))

    def run(label: str) -> CostRun:
        r = _cost_run(label, urls["records"], reqs, headers, records_pid, options)
        log(
            f"  {label}: {_ms(r.cpu_ms_per_request)} CPU per read ({r.load.requests:,} reads at {RATE:.0f}/s)"
        )
        return r

    runs: dict[str, list[CostRun]] = {"none": [], "idle": [], "watched": []}
    streamed = 0
    for _ in range(CYCLES):  # interleaved, so a machine that gets busier weighs on every side
        runs["none"].append(run("no console"))
        console = ConsoleProcess(urls, home)
        try:
            runs["idle"].append(run("console running, no page open"))
            watcher = TrafficWatcher(console.url)
            try:
                runs["watched"].append(run("console running, traffic page open"))
            finally:
                watcher.stop()
            streamed += watcher.events
        finally:
            console.stop()
    log(f"  the traffic page received {streamed:,} exchanges")
    return _figures(runs, streamed)


_NAMES = (
    "read nominal: simulator CPU per request, no console",
    "read nominal: with the console, no page open",
    "read nominal: with the console's traffic page open",
)


def mean_cost(runs: list[CostRun]) -> float | None:
    """CPU per request over several runs: total CPU over total answered requests."""
    answered = sum(r.load.requests - r.load.failures for r in runs)
    return sum(r.cpu_s for r in runs) * 1000 / answered if answered > 0 else None


def _figures(runs: dict[str, list[CostRun]], streamed: int) -> list[Figure]:
    base = mean_cost(runs["none"])
    failures = sum(r.load.failures for group in runs.values() for r in group)
    each = ", ".join(_ms(r.cpu_ms_per_request) for r in runs["none"])
    out = [
        Figure(
            PART,
            _NAMES[0],
            base,
            "ms",
            note=f"records process, paced at {RATE:.0f} req/s; {len(runs['none'])} runs ({each}) "
            f"interleaved with the others; {failures} failed requests in all runs",
        )
    ]
    notes = {
        "idle": "console in its own process, nobody watching: it sends the systems nothing",
        "watched": f"the console reads each traffic log every {POLL_S:g} s; "
        f"{streamed:,} exchanges streamed to the page",
    }
    for name, key in ((_NAMES[1], "idle"), (_NAMES[2], "watched")):
        cost = mean_cost(runs[key])
        ratio = ratio_of(cost, base)
        target = f"< {TARGET_RATIO:.2f}x"
        out.append(
            Figure(PART, name, cost, "ms", base, ratio, target, below(ratio, TARGET_RATIO), note=notes[key])
        )
    return out


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f} ms"


def _serve(settings_json: str) -> None:
    """Child process: serve the console until the parent closes our standard input."""
    from harness.console import ConsoleServer, ConsoleSettings

    raw = json.loads(settings_json)
    server = ConsoleServer(ConsoleSettings(systems=raw["systems"], home=Path(raw["home"]), port=raw["port"]))
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    _serve(sys.argv[1])
