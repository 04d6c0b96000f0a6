"""Acting clients: `x-interop-client: case-file` means "with the scopes the case-file builder has".

The names and scopes come from the clients file every simulator uses (`INTEROP_CLIENTS_FILE`, else
simulators/core/default_clients.yaml), so a scenario says who is acting and the token carries
exactly what that consumer may do; `x-interop-scopes: [...]` gives a scope set directly.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from simulators.core import registry
from simulators.core.auth import load_clients


@functools.lru_cache(maxsize=4)
def _clients(path: str | None, registry_version: int) -> dict[str, tuple[str, ...]]:
    return {cid: c.scopes for cid, c in load_clients(Path(path) if path else None).items()}


def known_clients() -> dict[str, tuple[str, ...]]:
    """Client id -> the scopes it may ask for (the registry's systems add clients and scopes)."""
    return _clients(os.environ.get("INTEROP_CLIENTS_FILE") or None, registry.version())


def client_scopes(name: str) -> tuple[str, ...] | None:
    return known_clients().get(name)
