"""Fixtures of the standard's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.embedded import EmbeddedEcosystem, embedded_ecosystem
from simulators.core.config import DEFAULT_POPULATION, DEFAULT_SEED
from tests.simkit import POPULATION_CACHE


@pytest.fixture(scope="module")
def default_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEcosystem]:
    """The three systems in the default seeded world (`interop up`), which the documents' examples name."""
    with embedded_ecosystem(
        home=tmp_path_factory.mktemp("default-world"),
        population=DEFAULT_POPULATION,
        seed=DEFAULT_SEED,
        config_overrides={"population_cache": POPULATION_CACHE},
    ) as eco:
        yield eco
