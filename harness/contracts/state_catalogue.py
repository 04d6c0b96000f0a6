"""The provider-state catalogue: each role's handlers register here with `@state(role, pattern, summary)`.

Kept apart from the dispatcher (states.py) so that the handler modules (state_<role>.py) import
this and the dispatcher imports them by the names in the system registry: no import cycle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.contracts.target_api import TargetApi

Handler = Callable[[TargetApi, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class StateDef:
    role: str
    pattern: re.Pattern[str]
    summary: str
    handler: Handler


REGISTRY: list[StateDef] = []


def state(role: str, pattern: str, summary: str) -> Callable[[Handler], Handler]:
    """Register a state handler for `role` whose name matches `pattern` (whole name)."""

    def register(handler: Handler) -> Handler:
        REGISTRY.append(StateDef(role, re.compile(pattern, re.IGNORECASE), summary, handler))
        return handler

    return register
