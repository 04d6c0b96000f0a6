"""Where each role of a scenario answers: the product under test, given peers, or reference simulators.

Scenarios need all three systems. Each role is, in order: the target (`--target`, the product
under test), a peer given on the command line (`--peer ROLE=URL`) or by `INTEROP_<ROLE>_URL`
(origin "given"), else a reference simulator started by the harness for this run and wired to
the others (origin "reference"). Nothing is ever picked up because it happens to answer on a
default port: a role is played by what was asked for, and every report says which was which.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests

from harness.auth import TargetTokens
from harness.errors import InteropError
from simulators.core.config import SYSTEMS

TARGET, GIVEN, REFERENCE = "target", "given", "reference"


@dataclass
class Endpoint:
    role: str
    url: str
    tokens: Any  # harness.auth.TargetTokens
    origin: str  # target | given | reference
    # Where the product itself answers when `url` is the harness's recording proxy in front of it.
    public_url: str = ""

    @property
    def shown_url(self) -> str:
        """The URL reports and reproductions name."""
        return self.public_url or self.url

    @property
    def reference(self) -> bool:
        """A reference simulator the harness started for this run (its port is gone afterwards)."""
        return self.origin == REFERENCE

    def describe(self) -> str:
        return f"{self.shown_url} ({self.origin})"


@dataclass
class Environment:
    endpoints: dict[str, Endpoint] = field(default_factory=dict)

    def __getitem__(self, role: str) -> Endpoint:
        return self.endpoints[role]

    def describe(self) -> dict[str, str]:
        return {role: ep.describe() for role, ep in self.endpoints.items()}

    def roles(self) -> dict[str, dict[str, str]]:
        """`{role: {"url": ..., "origin": "target" | "given" | "reference"}}` for reports."""
        return {
            role: {"url": ep.shown_url, "origin": ep.origin} for role, ep in sorted(self.endpoints.items())
        }


def answers_as(url: str, role: str) -> bool:
    """True when `url` answers /health as the `role` system."""
    try:
        r = requests.get(url.rstrip("/") + "/health", timeout=2)
        return r.status_code == 200 and r.json().get("system") == role
    except (requests.RequestException, ValueError, AttributeError):
        return False


@contextmanager
def scenario_environment(
    given: dict[str, Endpoint] | None = None,
    *,
    use_env: bool = True,
    population: int = 60,
    config_overrides: dict[str, Any] | None = None,
) -> Iterator[Environment]:
    """Every role resolved; simulators started here for the rest are stopped on leaving."""
    endpoints = dict(given or {})
    for role in SYSTEMS:
        if role in endpoints:
            continue
        env_url = os.environ.get(f"INTEROP_{role.upper()}_URL") if use_env else None
        if env_url:
            if not answers_as(env_url, role):
                raise InteropError(
                    f"INTEROP_{role.upper()}_URL={env_url} does not answer as the {role} system"
                )
            endpoints[role] = Endpoint(role, env_url.rstrip("/"), TargetTokens(env_url), GIVEN)
    missing = tuple(r for r in SYSTEMS if r not in endpoints)
    if not missing:
        yield Environment(endpoints)
        return
    from harness.embedded import embedded_ecosystem

    overrides = {"extra": {"outbox_retry_seconds": 0.5}, **(config_overrides or {})}
    with embedded_ecosystem(
        missing,
        population=population,
        external={r: e.url for r, e in endpoints.items()},
        config_overrides=overrides,
    ) as eco:
        for role in missing:
            # The simulators' own issuer key, so a token can be had even when a quirk garbles /oauth/token.
            home = eco.app(role).extensions["interop"].config.resolved_key_file.parent
            endpoints[role] = Endpoint(
                role, eco.urls[role], TargetTokens(eco.urls[role], home=home), REFERENCE
            )
        yield Environment(endpoints)
