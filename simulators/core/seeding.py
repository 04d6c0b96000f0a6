"""Loading a system's seeded population into its tables, once, and again on `/_sim/reset`.

The core never imports the population layer: a system hands `create_simulator_app` a
`PopulationSource` (simulators/seeded.py builds the standard one), which says what the population
is made from, where its generated files are, and how this system loads them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from simulators.core.context import PopulationSource, SimulatorContext

__all__ = ["POPULATION_KEY", "PopulationSource", "ensure_population_loaded", "population_marker"]

POPULATION_KEY = "population"


def population_marker(ctx: SimulatorContext) -> dict[str, Any]:
    """What the stored population was made from: a start with any of it changed loads again."""
    assert ctx.population is not None
    return {
        "seed": ctx.config.seed,
        "people": ctx.config.population,
        "defect_rate": ctx.config.defect_rate,
        "version": ctx.population.version,
        "schema": ctx.db.schema_fingerprint(),
    }


def ensure_population_loaded(ctx: SimulatorContext, force: bool = False) -> dict[str, Any]:
    """Load the seeded population once; reuse it on the next start when nothing changed.

    `force` (`/_sim/reset`) empties the tables and loads again. A start that finds a population
    made under another schema recreates this system's tables first: `create_all` adds no column
    or index to a table that already exists, so a database from an older schema would keep it.
    """
    source = ctx.population
    if source is None:
        raise RuntimeError(f"{ctx.system} has no seeded population")
    marker = population_marker(ctx)
    state = ctx.tables.state
    row = None
    if not force:
        with ctx.db.session() as s:
            row = s.execute(select(state.c.value).where(state.c.key == POPULATION_KEY)).first()
        if row and row[0] == marker:
            return marker
    folder = source.prepare(ctx.config)
    if row and row[0].get("schema") != marker["schema"]:
        ctx.db.drop_all()
        ctx.db.create_all()
    else:
        ctx.db.truncate_all()
    source.load(ctx, folder)
    ctx.db.analyze()
    ctx.state.put(POPULATION_KEY, marker)
    return marker
