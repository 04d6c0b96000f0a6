"""Per-app simulator context: the one place a request finds its config, database, clock, spec.

Stored in `app.extensions["interop"]`, never in a module global, so several simulators can
live in one process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g

from simulators.core.auth import Client, Issuer, Principal
from simulators.core.clock import Clock
from simulators.core.config import SimConfig
from simulators.core.db import Database
from simulators.core.state import SharedState
from simulators.core.tables import CoreTables
from simulators.core.traffic import TrafficLog
from simulators.core.validation import SpecValidator

PopulationLoader = Callable[["SimulatorContext", Any], None]


@dataclass
class SimulatorContext:
    config: SimConfig
    db: Database
    clock: Clock
    state: SharedState
    traffic: TrafficLog
    tables: CoreTables
    spec: dict[str, Any]
    validator: SpecValidator
    issuer: Issuer
    clients: dict[str, Client]
    loader: PopulationLoader | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def system(self) -> str:
        return self.config.system

    def close(self) -> None:
        """At shutdown, after the server stopped: write the queued traffic log, release the database."""
        self.traffic.close()
        self.db.dispose()


def sim() -> SimulatorContext:
    """The context of the simulator handling the current request."""
    return current_app.extensions["interop"]


def principal() -> Principal:
    """The verified caller of the current request (set by the auth hook)."""
    p = g.get("principal")
    if p is None:
        raise RuntimeError("no authenticated principal on this request")
    return p
