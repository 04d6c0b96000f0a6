"""Runs the load process from the harness and reads back its figures."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import InteropError

DEFAULT_RATE = 50.0
USER_BUDGET_S = 0.5  # each user may wait this long for an answer before the asked rate suffers
MAX_USERS = 5000


@dataclass(frozen=True)
class LoadPlan:
    """The asked load: arrival rate (requests/s) kept by `users` users, ramp-up, steady seconds."""

    rate: float
    users: int
    ramp_up: float
    duration: float
    workers: int = 0
    remote_workers: int = 0
    master_bind: str = "127.0.0.1:0"
    sample_every: int = 10
    timeout: float = 10.0

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> LoadPlan:
        rate, users = options.get("rate"), options.get("users")
        if rate is None and users is not None:
            rate = float(users)  # a user acts about once a second, like an officer at a terminal
        rate = float(rate if rate is not None else DEFAULT_RATE)
        if users is None:
            users = min(MAX_USERS, max(1, math.ceil(rate * USER_BUDGET_S)))
        duration = float(options.get("duration") or 30.0)
        ramp = options.get("ramp_up")
        return cls(
            rate=rate,
            users=int(users),
            ramp_up=float(ramp) if ramp is not None else min(5.0, duration / 4),
            duration=duration,
            workers=int(options.get("load_workers") or 0),
            remote_workers=int(options.get("load_remote_workers") or 0),
            master_bind=str(options.get("load_master_bind") or "127.0.0.1:0"),
        )

    def describe(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "users": self.users,
            "ramp_up_s": self.ramp_up,
            "duration_s": self.duration,
            "workers": self.workers + self.remote_workers,
        }


def run_load(
    plan: LoadPlan, role: str, target_url: str, headers: dict[str, str], data: dict[str, Any], seed: int
) -> dict[str, Any]:
    """The load process's result (harness/load/process.py); InteropError when it could not run."""
    cfg = {
        "role": role,
        "target_url": target_url,
        "headers": headers,
        "data": data,
        "seed": seed,
        "rate": plan.rate,
        "users": plan.users,
        "per_user_rate": plan.rate / plan.users,
        "ramp_up": plan.ramp_up,
        "duration": plan.duration,
        "workers": plan.workers,
        "remote_workers": plan.remote_workers,
        "master_bind": plan.master_bind,
        "sample_every": plan.sample_every,
        "timeout": plan.timeout,
    }
    with tempfile.TemporaryDirectory(prefix="interop-load-") as tmp:
        cfg_path, out_path = Path(tmp) / "config.json", Path(tmp) / "result.json"
        cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
        limit = plan.ramp_up + plan.duration + 120
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "harness.load.process", str(cfg_path), str(out_path)],
                capture_output=True,
                text=True,
                timeout=limit,
            )
        except subprocess.TimeoutExpired:
            raise InteropError(f"the load process did not finish within {limit:g}s") from None
        if proc.returncode != 0 or not out_path.exists():
            lines = [ln for ln in (proc.stderr or "").strip().splitlines() if ln.strip()]
            raise InteropError(
                f"the load process failed: {lines[-1] if lines else f'exit {proc.returncode}'}"
            )
        return dict(json.loads(out_path.read_text(encoding="utf-8")))
