"""The load process: `python -m harness.load.process CONFIG.json RESULT.json`.

Builds a Locust Environment with `InteropUser`, runs it with a LocalRunner, or with a MasterRunner
and `workers` local worker processes (plus any remote ones that connect: `remote_workers`), for
ramp-up + steady-state seconds at the configured pace, and writes every per-second window,
the generator's CPU samples and Locust's own CPU warnings to RESULT.json.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from typing import Any

import gevent
import psutil
from locust.env import Environment

from harness.load import users
from harness.load.sched import runqueue_wait_s

CPU_SAMPLE_S = 1.0
WORKER_WAIT_S = 60.0


def sample_cpu(samples: list[list[float]]) -> None:
    """Forever, once a second: this process's CPU use (percent of one core), its requests in
    flight (how many users were waiting on the product) and the share of the second it spent
    waiting for a CPU (-1 when unknown)."""
    proc = psutil.Process()
    proc.cpu_percent(None)
    area, at = users.IN_FLIGHT.area(), time.monotonic()
    queued = runqueue_wait_s()
    while True:
        gevent.sleep(CPU_SAMPLE_S)
        now_area, now = users.IN_FLIGHT.area(), time.monotonic()
        span = max(now - at, 1e-3)
        waiting = (now_area - area) / span
        now_queued = runqueue_wait_s()
        starved = -1.0 if queued is None or now_queued is None else (now_queued - queued) / span
        area, at, queued = now_area, now, now_queued
        samples.append([time.time(), proc.cpu_percent(None), round(waiting, 2), round(starved, 3)])


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """The whole load; local worker processes never outlive it, whatever happens."""
    children: list[subprocess.Popen[bytes]] = []
    try:
        return _run(cfg, children)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()


def _run(cfg: dict[str, Any], children: list[subprocess.Popen[bytes]]) -> dict[str, Any]:
    user_cls = users.configure(cfg)
    env = Environment(user_classes=[user_cls], host=cfg["target_url"])
    env.events.request.add_listener(users.on_request)  # type: ignore[no-untyped-call]  # locust's hooks are untyped
    expected = int(cfg["workers"]) + int(cfg.get("remote_workers", 0))
    me = "master" if expected else "local"
    cpu: dict[str, list[list[float]]] = {me: []}
    gevent.spawn(sample_cpu, cpu[me])
    sampled = users.SAMPLED
    if expected:
        host, _, port = str(cfg.get("master_bind", "127.0.0.1:0")).rpartition(":")
        port_n = int(port) or _free_port()
        runner: Any = env.create_master_runner(master_bind_host=host or "127.0.0.1", master_bind_port=port_n)
        acks: set[str] = set()
        runner.register_message("interop_ack", lambda msg, **_kw: acks.add(str(msg.node_id)))

        def on_report(client_id: str, data: dict[str, Any]) -> None:
            users.RECORDER.merge(data.get("interop", []))
            cpu.setdefault(f"worker {client_id[-8:]}", []).extend(data.get("interop_cpu", []))
            sampled.update(data.get("interop_sampled", {}))

        env.events.worker_report.add_listener(on_report)  # type: ignore[no-untyped-call]  # locust's hooks are untyped
        for _ in range(int(cfg["workers"])):
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "harness.load.worker",
                        "--master-host",
                        "127.0.0.1",
                        "--master-port",
                        str(port_n),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = time.time() + WORKER_WAIT_S
        while len(runner.clients.ready) < expected:
            if time.time() > deadline:
                raise SystemExit(f"only {len(runner.clients.ready)} of {expected} load workers connected")
            gevent.sleep(0.2)
        runner.send_message("interop_config", cfg)
        while len(acks) < expected:
            if time.time() > deadline:
                raise SystemExit(f"only {len(acks)} of {expected} load workers took the configuration")
            gevent.sleep(0.1)
    else:
        runner = env.create_local_runner()
    ramp, duration = float(cfg["ramp_up"]), float(cfg["duration"])
    started = time.time()
    runner.start(int(cfg["users"]), spawn_rate=max(1.0, cfg["users"] / max(ramp, 0.5)))
    gevent.sleep(ramp + duration)
    runner.stop()
    if expected:
        gevent.sleep(3.5)  # workers report every 3 s: the last windows of the steady state arrive
    warned = bool(runner.cpu_warning_emitted or getattr(runner, "worker_cpu_warning_emitted", False))
    runner.quit()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return {
        "mode": "distributed" if expected else "local",
        "workers": expected,
        "users": cfg["users"],
        "rate": cfg["rate"],
        "started": started,
        "steady": [math.ceil(started + ramp), math.floor(started + ramp + duration)],
        "windows": users.RECORDER.drain(),
        "cpu": cpu,
        "locust_cpu_warning": warned,
        "sampled": dict(sampled),
    }


def _free_port() -> int:
    from simulators.core.server import free_port

    return free_port()


def main() -> None:
    cfg_path, out_path = sys.argv[1], sys.argv[2]
    with open(cfg_path, encoding="utf-8") as fh:
        cfg = json.load(fh)
    result = run(cfg)
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
