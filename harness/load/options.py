"""The load options of `interop verify` (bounds and checks), kept here so verify.py stays small."""

from __future__ import annotations

import re
from typing import Any

from harness.errors import InteropError
from harness.load.levels import load_levels

RATE_MAX = 100_000.0  # requests per second
USERS_MAX = 100_000
DURATION_MAX_S = 24 * 3600.0
RAMP_UP_MAX_S = 3600.0
WORKERS_MAX = 64
REMOTE_WORKERS_MAX = 1024
_BIND = re.compile(r"^(?P<host>[A-Za-z0-9.\-]+|\*|\[[0-9A-Fa-f:]+\]):(?P<port>[0-9]{1,5})$")


def load_options(
    *,
    rate: float | None,
    users: int | None,
    duration: float | None,
    ramp_up: float | None,
    service_levels: str | None,
    load_workers: int | None,
    remote_workers: int | None,
    master_bind: str | None,
) -> dict[str, Any]:
    """The options the load suite reads (RunContext.options); InteropError on a bad value, before
    anything starts."""
    if service_levels is not None:
        if not service_levels.strip():
            raise InteropError(
                "--service-levels: give a YAML file or KEY=VALUE pairs (p95=500,error_rate=0.01)"
            )
        from harness.load.workload import WORKLOADS

        names = sorted({op.name for ops in WORKLOADS.values() for op in ops})
        load_levels(service_levels, names)  # read and checked now: a bad file is exit 2, not a failed run
    if master_bind is not None:
        m = _BIND.match(master_bind)
        if not m or not 0 < int(m.group("port")) < 65536:
            raise InteropError(
                f"--load-master-bind: expected HOST:PORT (e.g. 0.0.0.0:5557); got {master_bind!r}"
            )
    return {
        k: v
        for k, v in {
            "rate": rate,
            "users": users,
            "duration": duration,
            "ramp_up": ramp_up,
            "service_levels": service_levels,
            "load_workers": load_workers,
            "load_remote_workers": remote_workers,
            "load_master_bind": master_bind,
        }.items()
        if v is not None
    }
