"""A load worker: `python -m harness.load.worker --master-host HOST --master-port PORT`.

Connects to the master that `interop verify --suite load` runs, takes the workload's
configuration from it (Locust custom message `interop_config`), runs its share of the users and
sends its per-second windows and CPU samples with Locust's own reports. Start it on other hosts
for loads one machine cannot generate (docs/load.md).
"""

from __future__ import annotations

import argparse
from typing import Any

import gevent
from locust.env import Environment

from harness.load import users
from harness.load.process import sample_cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m harness.load.worker")
    parser.add_argument("--master-host", default="127.0.0.1")
    parser.add_argument("--master-port", type=int, default=5557)
    args = parser.parse_args(argv)
    env = Environment(user_classes=[users.InteropUser])
    env.events.request.add_listener(users.on_request)  # type: ignore[no-untyped-call]  # locust's hooks are untyped
    cpu: list[list[float]] = []
    gevent.spawn(sample_cpu, cpu)
    runner = env.create_worker_runner(args.master_host, args.master_port)

    def on_config(msg: Any, **_kw: Any) -> None:
        users.configure(msg.data)
        runner.send_message("interop_ack", None)

    def on_report(client_id: str, data: dict[str, Any]) -> None:
        data["interop"] = users.RECORDER.drain()
        data["interop_cpu"] = cpu[:]
        data["interop_sampled"] = dict(users.SAMPLED)
        cpu.clear()
        users.SAMPLED.clear()

    runner.register_message("interop_config", on_config)
    env.events.report_to_master.add_listener(on_report)  # type: ignore[no-untyped-call]  # locust's hooks are untyped
    runner.greenlet.join()


if __name__ == "__main__":
    main()
