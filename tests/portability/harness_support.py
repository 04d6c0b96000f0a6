"""Helpers of the portability suite and migrate tests: a records product with quirks on demand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.simkit import RunningSim, start_system


@contextmanager
def records_product(home: Path, population: int = 20) -> Iterator[RunningSim]:
    """A records simulator with a small seeded world, standing in for a vendor's product."""
    sim = start_system("records", home, population=population)
    try:
        yield sim
    finally:
        sim.stop(check_responses=False)


@contextmanager
def quirks(sim: Any, *names: str) -> Iterator[None]:
    """The product behaves with these quirks (simulators/core/quirks.py) inside the block."""
    sim.sim("PUT", "/quirks", json={"active": list(names)}).raise_for_status()
    try:
        yield
    finally:
        sim.sim("PUT", "/quirks", json={"active": []}).raise_for_status()
