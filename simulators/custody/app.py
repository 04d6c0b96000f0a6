"""The custody simulator: PACE custody records with a detention clock, on the shared core."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from simulators.core.app import create_simulator_app
from simulators.core.bulk import bulk_blueprint
from simulators.core.config import SimConfig
from simulators.core.events import events_blueprint
from simulators.custody import actions, booking, later_actions, outbox, sim_outbox
from simulators.custody.bulk import CUSTODY_BULK
from simulators.custody.loader import load_population
from simulators.custody.store import RECORD_HREF
from simulators.custody.tables import custody_tables
from simulators.seeded import seeded_population


def create_app(
    config: SimConfig | None = None, *, records_client_factory: Callable[[SimConfig], Any] | None = None
) -> Flask:
    """Build the custody simulator. `records_client_factory` replaces the records client (tests only)."""
    config = config or SimConfig.for_system("custody")
    booking.configured_prefix(config)  # a bad force prefix fails at start, not at the first booking
    tabs = custody_tables()
    extras: dict[str, Any] = {
        "custody_outbox_lock": threading.Lock(),
        "custody_worker_lock": threading.Lock(),
    }
    if records_client_factory is not None:
        extras["records_client_factory"] = records_client_factory
    app = create_simulator_app(
        config,
        metadata=tabs.metadata,
        blueprints=[
            booking.bp,
            actions.bp,
            later_actions.bp,
            sim_outbox.bp,
            bulk_blueprint(CUSTODY_BULK),
            events_blueprint({"custody_record": RECORD_HREF}),
        ],
        population=seeded_population(load_population),
        system_state=tabs,
        reset_hooks=[_forget_records_client],
        extras=extras,
    )
    if outbox.pending(app.extensions["interop"]):
        outbox.ensure_worker(app)  # outcomes left undelivered by an earlier run
    return app


def _forget_records_client(ctx: Any) -> None:
    """After a reset, build the records client again (the peer may have moved)."""
    ctx.extras.pop("records_client", None)
