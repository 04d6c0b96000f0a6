"""The records management system (RMS) simulator: `create_app(config)`."""

from __future__ import annotations

from flask import Flask

from simulators.core.app import create_simulator_app
from simulators.core.bulk import bulk_blueprint
from simulators.core.config import SimConfig
from simulators.core.events import events_blueprint
from simulators.records.api_nominals import bp as nominals_bp
from simulators.records.api_occurrences import bp as occurrences_bp
from simulators.records.api_peers import bp as peers_bp
from simulators.records.bulk import RECORDS_BULK
from simulators.records.loader import load_population
from simulators.records.tables import records_tables
from simulators.seeded import seeded_population


def create_app(config: SimConfig | None = None) -> Flask:
    """The records simulator; `config=None` means `SimConfig.for_system("records")`."""
    config = config or SimConfig.for_system("records")
    tables = records_tables()
    return create_simulator_app(
        config,
        metadata=tables.metadata,
        blueprints=[
            nominals_bp,
            occurrences_bp,
            peers_bp,
            bulk_blueprint(RECORDS_BULK),
            events_blueprint({"nominal": "/nominals/{id}", "occurrence": "/occurrences/{id}"}),
        ],
        population=seeded_population(load_population),
        system_state=tables,
    )
