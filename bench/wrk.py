"""Peak-rate runs with wrk (Debian package `wrk`), when it is installed.

wrk is a C load generator: on a two-core machine it takes far less CPU from the server under test
than a Python generator would, so the peak figures are the server's, not the generator's. The
plan's requests are written into a Lua script that cycles through them on every connection.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.loadgen import LoadPlan, LoadResult

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_script(plan: LoadPlan, threads: int) -> str:
    """A wrk script: the plan's requests in a table, each connection thread cycling from its own offset."""
    rows = []
    for method, path, body in plan.requests:
        rows.append(
            "{"
            + ", ".join(
                [_lua_string(method), _lua_string(path), _lua_string(body) if body is not None else "nil"]
            )
            + "}"
        )
    headers = dict(plan.headers)
    if any(body is not None for _m, _p, body in plan.requests):
        headers["Content-Type"] = "application/json"
    header_rows = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    cap = max(1, plan.max_requests // max(1, threads))
    table = ",\n".join(rows)
    return f"""
local reqs = {{
{table}
}}
local headers = {{ {header_rows} }}
local counter = 0
local cap = {cap}
local next_thread = 0

function setup(thread)
  thread:set("offset", next_thread * 7919)
  next_thread = next_thread + 1
end

function init(args)
  counter = tonumber(offset) or 0
end

function request()
  counter = counter + 1
  if counter - (tonumber(offset) or 0) > cap then
    wrk.thread:stop()
  end
  local r = reqs[(counter % #reqs) + 1]
  return wrk.format(r[1], r[2], headers, r[3])
end
"""


def _ms(number: str, unit: str) -> float:
    return float(number) * _UNITS_MS[unit]


def parse_output(text: str, duration: float) -> LoadResult:
    """Requests, non-2xx, socket errors and latency percentiles from `wrk --latency` output."""
    result = LoadResult(tool="wrk")
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    if m:
        result.requests = int(m.group(1))
        result.duration_s = _ms(m.group(2), m.group(3)) / 1000
    else:
        result.duration_s = duration
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result.non_2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        result.errors = sum(int(g) for g in m.groups())
    for q, attr in (("50", "p50_ms"), ("90", "p90_ms"), ("99", "p99_ms")):
        m = re.search(rf"^\s*{q}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
        if m:
            setattr(result, attr, _ms(m.group(1), m.group(2)))
    return result


def run_wrk(plan: LoadPlan, threads: int = 1) -> LoadResult:
    """A closed-loop peak run of `plan` with wrk (the plan's rate is ignored: wrk cannot pace)."""
    exe = wrk_path()
    if exe is None:
        raise FileNotFoundError("wrk is not installed")
    with tempfile.TemporaryDirectory(prefix="interop-wrk-") as tmp:
        script = Path(tmp, "plan.lua")
        script.write_text(lua_script(plan, threads), encoding="utf-8")
        cmd = [
            exe,
            f"-t{threads}",
            f"-c{max(plan.connections, threads)}",
            f"-d{max(1, round(plan.duration))}s",
            f"--timeout={max(1, round(plan.timeout))}s",
            "--latency",
            "-s",
            str(script),
            f"http://{plan.host}:{plan.port}",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=plan.duration + plan.timeout + 30)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    result = parse_output(proc.stdout, plan.duration)
    if result.requests == 0 and "requests in" not in proc.stdout:
        raise RuntimeError(f"could not read wrk's output: {proc.stdout.strip()[:300]}")
    return result
