"""Our reference implementation of a role, started embedded, for checking a vendor's pact."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from harness.embedded import embedded_ecosystem


@contextmanager
def reference_target(role: str) -> Iterator[str]:
    """Yield the URL of our simulator for `role` (with its peers running, as it needs them)."""
    with embedded_ecosystem() as eco:
        yield eco.urls[role]
