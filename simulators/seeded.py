"""The standard seeded population as a system's `PopulationSource` (simulators/core/seeding.py).

In the systems layer, which may import the population layer, so the core does not have to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulators.core.config import SimConfig
from simulators.core.seeding import PopulationSource
from simulators.population import GENERATOR_VERSION, PopulationSpec, ensure_population


def population_folder(config: SimConfig) -> Path:
    """The generated population this config asks for (made and cached on first use)."""
    spec = PopulationSpec(seed=config.seed, people=config.population, defect_rate=config.defect_rate)
    return ensure_population(spec, config.population_cache or (config.home / "population"))


def seeded_population(load: Callable[[Any, Path], None]) -> PopulationSource:
    """The shared seeded world, loaded into a system's tables by its `load(ctx, folder)`."""
    return PopulationSource(version=GENERATOR_VERSION, prepare=population_folder, load=load)
