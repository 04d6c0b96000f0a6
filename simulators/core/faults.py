"""Fault injection: make a simulator slow, flaky, throttled or down, to test how consumers cope.

Settings live in the shared state table (all workers agree). `latency_ms`, `error_rate` and `down`
apply to business operations only (never to /health or /_sim); `down` answers `status` (503, or 429
for throttling) with `Retry-After: retry_after_s`. Two faults hit authentication instead:
`token_failures` makes the next N token requests answer 503, and `expire_tokens` makes every token
issued so far expire at once (the consumer must fetch a new one on the 401), as an identity
provider's key rotation or a clock jump would.
"""

from __future__ import annotations

import random
import time
from typing import Any

from simulators.core.context import SimulatorContext
from simulators.core.problems import Problem

KEY = "faults"
DEFAULTS: dict[str, Any] = {
    "latency_ms": 0,
    "error_rate": 0.0,
    "down": False,
    "status": 503,
    "retry_after_s": 30,
    "operations": [],
    "token_failures": 0,
    "expire_tokens": False,
}
DOWN_STATUSES = {503: "service-unavailable", 429: "too-many-requests"}
EXPIRED_BEFORE = "tokens_expired_before"  # stored beside the settings: when expire_tokens was set


def get_faults(ctx: SimulatorContext) -> dict[str, Any]:
    stored = dict(ctx.state.get(KEY) or {})
    stored.pop(EXPIRED_BEFORE, None)
    return {**DEFAULTS, **stored}


def _int_in(merged: dict[str, Any], name: str, low: int, high: int) -> None:
    value = merged[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Problem("validation-error", f"{name} must be an integer from {low} to {high}")


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
    for flag in ("down", "expire_tokens"):
        if not isinstance(merged[flag], bool):
            raise Problem("validation-error", f"{flag} must be true or false")
    if merged["status"] not in DOWN_STATUSES or isinstance(merged["status"], bool):
        raise Problem("validation-error", "status must be 503 (unavailable) or 429 (throttled)")
    _int_in(merged, "retry_after_s", 0, 3600)
    _int_in(merged, "token_failures", 0, 100)
    ops = merged["operations"]
    if not isinstance(ops, list) or not all(isinstance(op, str) and len(op) <= 256 for op in ops):
        raise Problem(
            "validation-error", 'operations must be a list of operation labels, e.g. "GET /nominals"'
        )
    stored = dict(merged)
    if merged["expire_tokens"]:
        stored[EXPIRED_BEFORE] = time.time()
    ctx.state.put(KEY, stored)
    return merged


def token_failure(ctx: SimulatorContext) -> Problem | None:
    """The 503 a token request gets while `token_failures` lasts (each request uses one up)."""
    stored = dict(ctx.state.get(KEY) or {})
    left = int(stored.get("token_failures") or 0)
    if left <= 0:
        return None
    stored["token_failures"] = left - 1
    ctx.state.put(KEY, stored)
    return Problem(
        "service-unavailable",
        f"The {ctx.system} token endpoint is unavailable (simulated fault).",
        headers={"Retry-After": str(stored.get("retry_after_s", DEFAULTS["retry_after_s"]))},
    )


def token_expired(ctx: SimulatorContext, issued_at: float) -> bool:
    """Whether `expire_tokens` has expired a token issued at `issued_at` (epoch seconds)."""
    before = (ctx.state.get(KEY) or {}).get(EXPIRED_BEFORE)
    return before is not None and issued_at <= float(before)


def apply_faults(ctx: SimulatorContext, operation_label: str, rng: random.Random) -> None:
    """Called before a business operation runs; may sleep or raise a 503/500 problem."""
    faults = get_faults(ctx)
    ops = faults.get("operations") or []
    if ops and operation_label not in ops:
        return
    if faults["latency_ms"]:
        time.sleep(faults["latency_ms"] / 1000)
    if faults["down"]:
        status = int(faults["status"])
        what = "unavailable (simulated outage)" if status == 503 else "throttling callers (simulated)"
        raise Problem(
            DOWN_STATUSES[status],
            f"The {ctx.system} system is {what}; ask again after {faults['retry_after_s']} s.",
            headers={"Retry-After": str(faults["retry_after_s"])},
        )
    if faults["error_rate"] and rng.random() < faults["error_rate"]:
        raise Problem(
            "internal-error", f"The {ctx.system} system failed (simulated fault); nothing was changed."
        )
