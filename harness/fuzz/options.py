"""The fuzzing budget: what `--max-examples`, `--seed`, `--workers` and `--max-time` mean, and the defaults.

Two orthogonal limits. `--max-examples` says how much to test: one pass over every phase
(examples, coverage, fuzzing, stateful) with that many generated examples per operation.
`--max-time` says how long it may take: Schemathesis shares the time out between phases and
operations, and the pass is cut short when it runs out (reported in the stats and as a warning).

The defaults finish in about a minute per role on two cores: a fast product gets the whole
pass well inside it; a slow one is cut at 60 s. Two runs with the same seed against a target in
the same state send the same requests, as long as the pass fits in the time budget (the seed
is fixed by default: the project's rule is "fixed seed, fixed output"; pass `--seed` to explore).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from harness.errors import InteropError

DEFAULT_MAX_EXAMPLES = 15
DEFAULT_SEED = 1
DEFAULT_WORKERS = 1
DEFAULT_MAX_TIME_S = 60.0
# Schemathesis stops generating when the budget is spent; a request in flight may still take up
# to REQUEST_TIMEOUT_S. Past the budget plus this grace we stop the engine ourselves.
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
    `workers`: operations fuzzed concurrently; more than one trades determinism for speed (and
    only helps when the target serves requests in parallel).
    `max_time`: seconds the pass may take; it is cut short when they run out.
    """

    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = DEFAULT_SEED
    workers: int = DEFAULT_WORKERS
    max_time: float = DEFAULT_MAX_TIME_S
    request_timeout: float = REQUEST_TIMEOUT_S

    @classmethod
    def from_mapping(cls, options: dict[str, Any]) -> FuzzOptions:
        """Options as `interop verify` passes them in `RunContext.options` (absent means default)."""
        values = {
            k: options[k]
            for k in ("max_examples", "seed", "workers", "max_time")
            if options.get(k) is not None
        }
        out = cls(**values)
        if out.max_examples < 1:
            raise InteropError("--max-examples must be at least 1")
        if not 1 <= out.workers <= 16:
            raise InteropError("--workers must be from 1 to 16")
        if out.max_time <= 0:
            raise InteropError("--max-time must be a positive number of seconds")
        return out

    @property
    def engine_max_time(self) -> int:
        """Schemathesis takes whole seconds."""
        return max(1, math.ceil(self.max_time))

    @property
    def hard_deadline_s(self) -> float:
        """After this many seconds the run is stopped whatever it is doing."""
        return self.max_time + GRACE_S

    def describe(self) -> dict[str, Any]:
        return {
            "max_examples": self.max_examples,
            "seed": self.seed,
            "workers": self.workers,
            "max_time": self.max_time,
        }
