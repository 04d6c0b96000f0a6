"""The fuzzing budget: what `--max-examples`, `--seed`, `--workers` and `--max-time` mean, and the defaults.

The defaults are chosen so one role finishes in about a minute on two cores against a simulator,
and so that two runs without options send the same requests (a fixed default seed: the
project's rule is "fixed seed, fixed output"; pass `--seed` to explore other inputs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from harness.errors import InteropError

DEFAULT_MAX_EXAMPLES = 15
DEFAULT_SEED = 1
DEFAULT_WORKERS = 1
# Without --max-time one pass runs to completion; this only stops a target that makes it crawl.
DEFAULT_TIME_CAP_S = 300.0
# With --max-time, Schemathesis keeps generating until the budget is spent; allow the last
# requests in flight and the auth probes to finish before we pull the plug.
GRACE_S = 30.0
REQUEST_TIMEOUT_S = 10.0
# The token endpoint is in every document; a few examples show it answers RFC 6749 errors
# without flooding it with credential guesses.
TOKEN_ENDPOINT_MAX_EXAMPLES = 5


@dataclass(frozen=True)
class FuzzOptions:
    """One run's budget.

    `max_examples`: generated examples per operation and phase (Hypothesis `max_examples`).
    `seed`: the same seed sends the same requests to a target in the same state (with one worker).
    `workers`: operations fuzzed concurrently; more than one trades determinism for speed.
    `max_time`: when given, keep generating new inputs until this many seconds have passed, and
    stop by then; when not given, one pass over every phase, stopped at a safety cap.
    """

    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = DEFAULT_SEED
    workers: int = DEFAULT_WORKERS
    max_time: float | None = None
    request_timeout: float = REQUEST_TIMEOUT_S

    @classmethod
    def from_mapping(cls, options: dict[str, Any]) -> FuzzOptions:
        """Options as `interop verify` passes them in `RunContext.options` (absent means default)."""
        values = {k: options[k] for k in ("max_examples", "seed", "workers", "max_time") if options.get(k) is not None}
        out = cls(**values)
        if out.max_examples < 1:
            raise InteropError("--max-examples must be at least 1")
        if not 1 <= out.workers <= 16:
            raise InteropError("--workers must be from 1 to 16")
        if out.max_time is not None and out.max_time <= 0:
            raise InteropError("--max-time must be a positive number of seconds")
        return out

    @property
    def engine_max_time(self) -> int | None:
        """Schemathesis takes whole seconds."""
        return None if self.max_time is None else max(1, math.ceil(self.max_time))

    @property
    def hard_deadline_s(self) -> float:
        """After this many seconds the run is stopped whatever it is doing."""
        return DEFAULT_TIME_CAP_S if self.max_time is None else self.max_time + GRACE_S

    def describe(self) -> dict[str, Any]:
        return {"max_examples": self.max_examples, "seed": self.seed, "workers": self.workers,
                "max_time": self.max_time}
