"""Per-app simulator context: the one place a request finds its config, database, clock, spec.

Stored in `app.extensions["interop"]`, never in a module global, so several simulators can
live in one process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app, g

from simulators.core.auth import Client, Issuer, Principal
from simulators.core.clock import Clock
from simulators.core.config import SimConfig
from simulators.core.db import Database
from simulators.core.state import SharedState
from simulators.core.tables import CoreTables
from simulators.core.traffic import TrafficLog
from simulators.core.validation import SpecValidator

T = TypeVar("T")


@dataclass(frozen=True)
class PopulationSource:
    """A system's seeded population (loaded by simulators/core/seeding.py): `version` of the
    generator (part of the stored marker), `prepare(config)` -> the folder of generated files,
    `load(ctx, folder)` -> rows in the system's tables. The system builds it (simulators/seeded.py),
    so the core never imports the population layer."""

    version: str
    prepare: Callable[[SimConfig], Path]
    load: Callable[[SimulatorContext, Path], None]


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
    population: PopulationSource | None = None
    # The system's own typed state (its tables, clients, locks): see `system_state`.
    state_of_system: object = None
    # Run after `/_sim/reset` put the core back (e.g. to forget a client of a peer that may have moved).
    reset_hooks: list[Callable[[SimulatorContext], None]] = field(default_factory=list)
    # Untyped per-system values (kept for code not yet moved to `state_of_system`).
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def system(self) -> str:
        return self.config.system

    def system_state(self, kind: type[T]) -> T:
        """This system's typed state, checked to be a `kind` (each system defines its own class)."""
        value = self.state_of_system
        if not isinstance(value, kind):
            raise TypeError(f"{self.system} keeps no {kind.__name__} (it has {type(value).__name__})")
        return value

    def close(self) -> None:
        """At shutdown, after the server stopped: write the queued traffic log, release the database."""
        self.traffic.close()
        self.db.dispose()


def sim() -> SimulatorContext:
    """The context of the simulator handling the current request."""
    context: SimulatorContext = current_app.extensions["interop"]
    return context


def principal() -> Principal:
    """The verified caller of the current request (set by the auth hook)."""
    p: Principal | None = g.get("principal")
    if p is None:
        raise RuntimeError("no authenticated principal on this request")
    return p
