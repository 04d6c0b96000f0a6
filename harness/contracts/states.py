"""The provider states the harness can set up, by role, and the dispatcher that runs one.

A state is found by its name (a pattern, case- and space-insensitive; named groups become
parameters) and set up through the role's standard API by its handler, which returns the values
the interaction's ProviderState generators use (`nominal_id`, `occurrence_id`, `custody_id`,
`report_id`, `after`, ...). The catalogue is the documented vocabulary for vendors writing pacts
against the standard (docs/contracts.md). Each role's handlers live in the module its registry
entry names (`System.provider_states`, e.g. state_records.py) and register in state_catalogue.py.
"""

from __future__ import annotations

import importlib
from typing import Any

from harness.contracts.state_catalogue import REGISTRY, Handler, StateDef, state
from harness.contracts.target_api import StateError, TargetApi
from simulators.core import registry

__all__ = ["Handler", "StateDef", "UnknownState", "catalogue", "find", "set_up", "state"]


class UnknownState(StateError):
    """No handler for this state name in this role."""


def _normalise(name: str) -> str:
    return " ".join(name.split())


def _loaded() -> list[StateDef]:
    """The catalogue, after importing each registered system's handler module (they register)."""
    for system in registry.systems():
        if system.provider_states:
            importlib.import_module(system.provider_states)
    return REGISTRY


def find(role: str, name: str) -> tuple[StateDef, dict[str, str]] | None:
    text = _normalise(name)
    for definition in _loaded():
        if definition.role != role:
            continue
        found = definition.pattern.fullmatch(text)
        if found:
            return definition, {k: v for k, v in found.groupdict().items() if v is not None}
    return None


def set_up(api: TargetApi, role: str, name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Put the target into state `name`; returns the provider-state values (raises StateError)."""
    if not _normalise(name):
        return {}
    hit = find(role, name)
    if hit is None:
        known = "; ".join(d.summary for d in catalogue(role))
        raise UnknownState(
            f"the harness cannot set up provider state {name!r} for a {role} system (it knows: {known})"
        )
    definition, groups = hit
    return definition.handler(api, {**groups, **(params or {})})


def catalogue(role: str) -> list[StateDef]:
    return [d for d in _loaded() if d.role == role]
