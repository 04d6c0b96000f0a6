"""The one list of systems: a typed record per system, and everything that lists systems reads it.

A system is a name, a default port, the module whose `create_app(config)` builds it, and what the
rest of the range needs to know about it (its OpenAPI document, the clients that call it, its
quirk hooks, the harness module with its provider states). Adding a system is one package plus
one `register(System(...))` (ARCHITECTURE.md, "Adding a system").

This module imports nothing of ours, so every layer may read it: the core, the systems and the
harness. What belongs to a higher layer (the app factory, the provider-state handlers) is held as
an import path and resolved only by the layer that may import it.

`SYSTEMS` and `DEFAULT_PORTS` are live views: a system registered after they were imported (a test's
fourth system) is in them at once. Systems outside this repository are registered by importing
their module: `INTEROP_SYSTEM_MODULES=package.module,...` (read on first use, in every process,
so the children `interop up` starts know them too).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, overload


@dataclass(frozen=True)
class ClientGrant:
    """Scopes a client of the shared token endpoint holds at this system (created if unknown)."""

    client_id: str
    scopes: tuple[str, ...]
    description: str = ""
    secret: str = ""  # default "<client_id>-secret", like the documented local clients

    @property
    def client_secret(self) -> str:
        return self.secret or f"{self.client_id}-secret"


@dataclass(frozen=True)
class System:
    """Everything the range needs to know about one system."""

    name: str
    port: int
    # The module whose `create_app(config)` builds the simulator (resolved by `create_app` below).
    app_module: str
    summary: str = ""
    # Its OpenAPI document when it is not one of the standard's (`contracts/openapi/<name>.yaml`).
    document: Path | None = None
    # Whether it loads the seeded population (then `interop up` generates it before starting).
    uses_population: bool = True
    # Clients of the default clients file that get scopes here (and clients it adds).
    clients: tuple[ClientGrant, ...] = ()
    # Quirk hooks: the field "drop-required" leaves out, the read "ignore-auth" leaves open.
    dropped_field: str | None = None
    unguarded_operation: str | None = None
    # The harness module registering this role's provider states (harness/contracts/states.py).
    provider_states: str | None = None
    # For a system registered from outside this repository: the module that registers it when
    # imported, so the child processes `interop up` starts know it too (`child_env`).
    registered_by: str | None = None

    @property
    def in_standard(self) -> bool:
        """Whether its document is one of the standard's (`contracts/openapi/<name>.yaml`)."""
        return self.document is None

    def create_app(self, config: Any) -> Any:
        """Build this system's Flask app from a `SimConfig` (imports its package now)."""
        return importlib.import_module(self.app_module).create_app(config)


_REGISTRY: dict[str, System] = {}
_version = [0]
_plugins_loaded = [False]
PLUGINS_ENV = "INTEROP_SYSTEM_MODULES"


class RegistryError(Exception):
    """A module `INTEROP_SYSTEM_MODULES` names cannot be imported (the CLI says so in one line)."""


def _all() -> dict[str, System]:
    """The registry, after importing the modules `INTEROP_SYSTEM_MODULES` names (once)."""
    if not _plugins_loaded[0]:
        _plugins_loaded[0] = True  # before importing: a plugin module may read the registry
        for module in os.environ.get(PLUGINS_ENV, "").split(","):
            if not module.strip():
                continue
            try:
                importlib.import_module(module.strip())
            except Exception as exc:
                _plugins_loaded[0] = False
                raise RegistryError(f"{PLUGINS_ENV}: cannot import {module.strip()!r}: {exc}") from exc
    return _REGISTRY


def register(system: System) -> System:
    """Add (or replace) a system; returns it. Names are lower-case words, used in env variables."""
    if not system.name.isidentifier() or system.name != system.name.lower():
        raise ValueError(f"a system name is a lower-case identifier; got {system.name!r}")
    clash = next((s for s in _REGISTRY.values() if s.port == system.port and s.name != system.name), None)
    if clash is not None:
        raise ValueError(f"port {system.port} of {system.name!r} is already {clash.name!r}'s")
    _REGISTRY[system.name] = system
    _version[0] += 1
    return system


def unregister(name: str) -> None:
    """Remove a system (tests that registered one)."""
    if _REGISTRY.pop(name, None) is not None:
        _version[0] += 1


def version() -> int:
    """Changes whenever the registry does: a key for caches of what is derived from it."""
    _all()
    return _version[0]


def get(name: str) -> System:
    found = _all().get(name)
    if found is None:
        raise KeyError(f"unknown system {name!r}; choose from {', '.join(_REGISTRY)}")
    return found


def find(name: str) -> System | None:
    return _all().get(name)


def systems() -> tuple[System, ...]:
    """Every registered system, in registration order (the built-in three first)."""
    return tuple(_all().values())


def child_env() -> dict[str, str]:
    """`INTEROP_SYSTEM_MODULES` for a child process: the modules registering every system known
    here beyond the built-in ones (`System.registered_by`), after those already given."""
    given = [m.strip() for m in os.environ.get(PLUGINS_ENV, "").split(",") if m.strip()]
    added = [s.registered_by for s in systems() if s.registered_by and s.registered_by not in given]
    return {PLUGINS_ENV: ",".join(dict.fromkeys(given + added))} if given or added else {}


class _Names(Sequence[str]):
    """The registered system names, read at each use."""

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return tuple(_all())[index]

    def __len__(self) -> int:
        return len(_all())

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(_all()))

    def __contains__(self, name: object) -> bool:
        return name in _all()

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Sequence) else other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: Sequence[str]) -> tuple[str, ...]:
        return tuple(self) + tuple(other)

    def __repr__(self) -> str:
        return repr(tuple(self))


class _Ports(MutableMapping[str, int]):
    """Each registered system's default port, read at each use. Setting one re-registers the
    system with that port (a test pointing a role's default at its own server)."""

    def __getitem__(self, name: str) -> int:
        return _all()[name].port

    def __setitem__(self, name: str, port: int) -> None:
        register(replace(get(name), port=port))

    def __delitem__(self, name: str) -> None:
        raise TypeError("a system's port cannot be removed; unregister the system instead")

    def __len__(self) -> int:
        return len(_all())

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(_all()))

    def __repr__(self) -> str:
        return repr(dict(self))


class FieldView(Mapping[str, Any]):
    """One field of every registered system that sets it (not None), by system name, read at each use."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _values(self) -> dict[str, Any]:
        values = {s.name: getattr(s, self._name) for s in _all().values()}
        return {k: v for k, v in values.items() if v is not None}

    def __getitem__(self, system: str) -> Any:
        return self._values()[system]

    def __len__(self) -> int:
        return len(self._values())

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __repr__(self) -> str:
        return repr(self._values())


SYSTEMS: Sequence[str] = _Names()
DEFAULT_PORTS: MutableMapping[str, int] = _Ports()


# --- the built-in systems ------------------------------------------------------------------------

register(
    System(
        "records",
        8101,
        "simulators.records",
        "Records management (RMS): nominals, occurrences, links",
        dropped_field="surname",
        unguarded_operation="GET /nominals/{nominal_id}",
        provider_states="harness.contracts.state_records",
    )
)
register(
    System(
        "custody",
        8102,
        "simulators.custody",
        "Custody: PACE custody records with a detention clock",
        dropped_field="relevant_time",
        unguarded_operation="GET /custody-records/{custody_id}",
        provider_states="harness.contracts.state_custody",
    )
)
register(
    System(
        "intelligence",
        8103,
        "simulators.intelligence",
        "Intelligence: 3x5x2-graded reports, sanitised and original text",
        dropped_field="grading",
        unguarded_operation="GET /reports/{report_id}",
        provider_states="harness.contracts.state_intelligence",
    )
)

BUILT_IN = tuple(_REGISTRY)  # the systems of this repository (registered above)


def main(argv: list[str] | None = None) -> int:
    """For shell scripts (deploy/entrypoint.sh): `names`, `ports`, `port NAME`, `has NAME`."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else ""
    try:
        if command == "names" and len(args) == 1:
            print(" ".join(SYSTEMS))
            return 0
        if command == "ports" and len(args) == 1:
            print(" ".join(str(s.port) for s in systems()))
            return 0
        if command in ("port", "has") and len(args) == 2:
            system = find(args[1])
            if system is None:
                return 1
            if command == "port":
                print(system.port)
            return 0
    except RegistryError as exc:
        print(exc, file=sys.stderr)
        return 2
    print("usage: python -m simulators.core.registry names | ports | port NAME | has NAME", file=sys.stderr)
    return 2


if __name__ == "__main__":
    # The package's own module, not this `__main__` copy: systems registered on import go there.
    from simulators.core import registry as _registry

    raise SystemExit(_registry.main())
