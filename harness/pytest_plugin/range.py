"""The reference ecosystem as a vendor's tests drive it: URLs, tokens, typed clients, test support.

What the fixtures (harness/pytest_plugin/fixtures.py) hand to a test. The `/_sim` calls are the
simulators' test support (README, "Test-support endpoints"): not part of the standard, so a
vendor's product never needs them, but a vendor's *client* code is tested against simulators
that can be reset, given a quirk profile or a fault, have their clock moved, and show what the
client sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from harness.errors import InteropError
from simulators.clients.base import ServiceClient, token_source_for
from simulators.clients.custody import CustodyClient
from simulators.clients.intelligence import IntelligenceClient
from simulators.clients.records import RecordsClient

CLIENTS: dict[str, type[ServiceClient]] = {
    "records": RecordsClient,
    "custody": CustodyClient,
    "intelligence": IntelligenceClient,
}
ADMIN = "interop-admin"  # the local all-scopes client (simulators/core/default_clients.yaml)
TIMEOUT = 30.0
TRAFFIC_PAGE = 200


class RangeError(InteropError, AssertionError):
    """A test-support call to a simulator failed: said in one line, as a test failure."""


def secret_of(client_id: str) -> str:
    """The public test secret of a local client (simulators/core/default_clients.yaml)."""
    return f"{client_id}-secret"


@dataclass
class ReferenceEcosystem:
    """The reference simulators of one pytest session (or xdist worker), by system name."""

    urls: dict[str, str]
    seed: int = 1
    population: int = 0

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(self.urls)

    def url(self, system: str) -> str:
        try:
            return self.urls[system]
        except KeyError:
            raise ValueError(f"unknown system {system!r}; choose from {', '.join(self.urls)}") from None

    # ------------------------------------------------------------------ the standard API

    def token(
        self, scopes: str | list[str] = "", client_id: str = ADMIN, client_secret: str | None = None
    ) -> str:
        """An access token by client credentials (one local issuer: it works on every system)."""
        scope = scopes if isinstance(scopes, str) else " ".join(scopes)
        source = token_source_for(
            self.url(self.systems[0]), client_id, client_secret or secret_of(client_id), scope
        )
        return source.token(self.systems[0])

    def client(
        self, system: str, client_id: str = ADMIN, client_secret: str | None = None, scopes: str = ""
    ) -> ServiceClient:
        """The typed client of `system` (simulators/clients), getting its own tokens as `client_id`."""
        url = self.url(system)
        tokens = token_source_for(url, client_id, client_secret or secret_of(client_id), scopes)
        return CLIENTS[system](url, tokens, timeout=TIMEOUT)

    # ------------------------------------------------------------------ test support (/_sim)

    def sim(self, system: str, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """Call `/_sim{path}` on `system`; the JSON answer, or RangeError when it is refused."""
        url = f"{self.url(system)}/_sim{path}"
        try:
            resp = requests.request(method, url, json=body, params=params or None, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise RangeError(f"{method} {url} failed: {type(exc).__name__}: {exc}") from None
        if resp.status_code >= 300:
            raise RangeError(f"{method} {url} answered {resp.status_code}: {resp.text[:300]}")
        return resp.json() if resp.content else None

    def reset(self, *systems: str) -> None:
        """Back to the seeded population, real time, no faults or quirks, empty traffic log."""
        for system in systems or self.systems:
            self.sim(system, "POST", "/reset")

    def set_quirks(self, system: str, names: list[str] | tuple[str, ...]) -> list[str]:
        """Play a non-conformant product (docs/quirks.md); `[]` switches them off."""
        return list(self.sim(system, "PUT", "/quirks", {"active": list(names)})["active"])

    def set_faults(self, system: str, faults: dict[str, Any]) -> dict[str, Any]:
        """`{"down": true}`, `{"latency_ms": 500}`, `{"error_rate": 0.5}`; `{}` clears them."""
        return dict(self.sim(system, "PUT", "/faults", dict(faults)))

    def clear_traffic(self, *systems: str) -> None:
        for system in systems or self.systems:
            self.sim(system, "DELETE", "/traffic")

    def traffic(
        self, system: str, client_id: str | None = None, invalid_only: bool = False
    ) -> list[dict[str, Any]]:
        """Every exchange `system` logged (oldest first), of one client when `client_id` is given."""
        params: dict[str, Any] = {"limit": TRAFFIC_PAGE}
        if client_id:
            params["client"] = client_id
        if invalid_only:
            params["invalid_only"] = "true"
        items: list[dict[str, Any]] = []
        while True:
            page = self.sim(system, "GET", "/traffic", **params)
            items.extend(page.get("items", []))
            if not page.get("next_cursor"):
                return items
            params["cursor"] = page["next_cursor"]


class SimulatedClock:
    """The simulated time of every system at once (each simulator keeps its own clock)."""

    def __init__(self, eco: ReferenceEcosystem) -> None:
        self.eco = eco

    def now(self, system: str | None = None) -> datetime:
        described = self.eco.sim(system or self.eco.systems[0], "GET", "/clock")
        return datetime.fromisoformat(str(described["now"]).replace("Z", "+00:00"))

    def set(self, at: datetime | str, frozen: bool = True) -> None:
        now = at if isinstance(at, str) else at.isoformat()
        for system in self.eco.systems:
            self.eco.sim(system, "PUT", "/clock", {"now": now, "frozen": frozen})

    def advance(self, **units: float) -> None:
        """`advance(hours=6, minutes=1)`: days, hours, minutes, seconds."""
        for system in self.eco.systems:
            self.eco.sim(system, "POST", "/clock/advance", units)

    def reset(self) -> None:
        for system in self.eco.systems:
            self.eco.sim(system, "POST", "/clock/reset")
