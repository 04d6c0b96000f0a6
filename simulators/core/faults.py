"""Fault injection: make a simulator slow, flaky or down, to test how consumers cope.

Settings live in the shared state table (all workers agree) and apply to business operations
only (never to /health, /_sim or the token endpoint).
"""

from __future__ import annotations

import random
import time
from typing import Any

from simulators.core.context import SimulatorContext
from simulators.core.problems import Problem

KEY = "faults"
DEFAULTS: dict[str, Any] = {"latency_ms": 0, "error_rate": 0.0, "down": False, "operations": []}


def get_faults(ctx: SimulatorContext) -> dict[str, Any]:
    return {**DEFAULTS, **(ctx.state.get(KEY) or {})}


def set_faults(ctx: SimulatorContext, settings: dict[str, Any]) -> dict[str, Any]:
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise Problem("validation-error", f"unknown fault settings: {', '.join(sorted(unknown))}")
    merged = {**DEFAULTS, **settings}
    latency = merged["latency_ms"]
    if isinstance(latency, bool) or not isinstance(latency, int) or not 0 <= latency <= 60000:
        raise Problem("validation-error", "latency_ms must be an integer from 0 to 60000")
    if not isinstance(merged["error_rate"], int | float) or not 0 <= merged["error_rate"] <= 1:
        raise Problem("validation-error", "error_rate must be a number from 0 to 1")
    if not isinstance(merged["down"], bool):
        raise Problem("validation-error", "down must be true or false")
    ops = merged["operations"]
    if not isinstance(ops, list) or not all(isinstance(op, str) and len(op) <= 256 for op in ops):
        raise Problem(
            "validation-error", 'operations must be a list of operation labels, e.g. "GET /nominals"'
        )
    ctx.state.put(KEY, merged)
    return merged


def apply_faults(ctx: SimulatorContext, operation_label: str, rng: random.Random) -> None:
    """Called before a business operation runs; may sleep or raise a 503/500 problem."""
    faults = get_faults(ctx)
    ops = faults.get("operations") or []
    if ops and operation_label not in ops:
        return
    if faults["latency_ms"]:
        time.sleep(faults["latency_ms"] / 1000)
    if faults["down"]:
        raise Problem(
            "service-unavailable",
            f"The {ctx.system} system is unavailable (simulated outage).",
            headers={"Retry-After": "30"},
        )
    if faults["error_rate"] and rng.random() < faults["error_rate"]:
        raise Problem(
            "internal-error", f"The {ctx.system} system failed (simulated fault); nothing was changed."
        )
