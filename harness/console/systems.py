"""The console's calls to the running systems: health, and the `/_sim` test-support endpoints.

Every answer is data from a server the console does not control (a system may be a vendor's
product given with `--external`): failures become a short text, never an exception in a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from harness.errors import InteropError
from simulators.core.auth import SCOPES, Issuer

TIMEOUT_S = 5.0
ADMIN_CLIENT = "interop-console"


@dataclass
class SystemState:
    """One system as the ecosystem page shows it."""

    name: str
    url: str
    healthy: bool = False
    health: dict[str, Any] = field(default_factory=dict)
    clock: dict[str, Any] = field(default_factory=dict)
    quirks: list[str] = field(default_factory=list)
    available_quirks: list[dict[str, str]] = field(default_factory=list)
    faults: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def faults_text(self) -> str:
        """The faults that are on, in words ("none" when the system behaves)."""
        f = self.faults
        on = []
        if f.get("down"):
            on.append("down (503)")
        if f.get("latency_ms"):
            on.append(f"latency {f['latency_ms']} ms")
        if f.get("error_rate"):
            on.append(f"error rate {f['error_rate']}")
        if f.get("operations") and on:
            on.append("only on " + ", ".join(map(str, f["operations"])))
        return "; ".join(on) or "none"


class SimError(InteropError):
    """A system refused or did not answer a console action; the message is one line for the page."""


class Systems:
    """Talks to every system of the range; one HTTP session, short timeouts."""

    def __init__(self, urls: dict[str, str], home: Path) -> None:
        self.urls = dict(urls)
        self.home = home
        self._http = requests.Session()
        self._issuer: Issuer | None = None

    @property
    def names(self) -> list[str]:
        return list(self.urls)

    def url(self, system: str) -> str:
        if system not in self.urls:
            raise SimError(f"no system called {system!r}")
        return self.urls[system].rstrip("/")

    # tokens -----------------------------------------------------------------------------------
    def issuer(self) -> Issuer:
        if self._issuer is None:
            self._issuer = Issuer.from_key_file(self.home / "issuer-key.json")
        return self._issuer

    def token(self, scopes: list[str], ttl_seconds: int = 3600) -> str:
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown:
            raise SimError(f"unknown scope {unknown[0]!r}")
        if not scopes:
            raise SimError("choose at least one scope")
        return self.issuer().issue(ADMIN_CLIENT, scopes, ttl_seconds=ttl_seconds)

    # reads ------------------------------------------------------------------------------------
    def state(self, system: str) -> SystemState:
        st = SystemState(system, self.url(system))
        try:
            r = self._http.get(st.url + "/health", timeout=TIMEOUT_S)
            st.healthy = r.status_code == 200
            st.health = _json_object(r)
            st.clock = self._get(system, "/_sim/clock")
            quirks = self._get(system, "/_sim/quirks")
            st.quirks = [str(q) for q in quirks.get("active", []) if isinstance(q, str)]
            st.available_quirks = [q for q in quirks.get("available", []) if isinstance(q, dict)]
            st.faults = self._get(system, "/_sim/faults")
        except SimError as exc:
            st.error = str(exc)
        except requests.RequestException as exc:
            st.error = f"not answering: {type(exc).__name__}"
        return st

    def read(self, system: str, path: str) -> tuple[int, str]:
        """GET a path of the standard API with a full-scope token: (status, body text)."""
        if not path.startswith("/") or path.startswith("//"):
            raise SimError("the path must start with a single /")
        token = self.token(list(SCOPES))
        try:
            r = self._http.get(
                self.url(system) + path, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT_S
            )
        except requests.RequestException as exc:
            raise SimError(f"{system} did not answer: {type(exc).__name__}") from None
        return r.status_code, r.text[:200_000]

    def traffic(self, system: str, cursor: str | None, limit: int = 200) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._get(system, "/_sim/traffic", params=params)

    # actions ----------------------------------------------------------------------------------
    def set_quirks(self, system: str, names: list[str]) -> dict[str, Any]:
        return self._send("PUT", system, "/_sim/quirks", {"active": names})

    def set_faults(self, system: str, faults: dict[str, Any]) -> dict[str, Any]:
        return self._send("PUT", system, "/_sim/faults", faults)

    def set_clock(self, system: str, now: str, frozen: bool) -> dict[str, Any]:
        return self._send("PUT", system, "/_sim/clock", {"now": now, "frozen": frozen})

    def advance_clock(self, system: str, amounts: dict[str, float]) -> dict[str, Any]:
        return self._send("POST", system, "/_sim/clock/advance", amounts)

    def reset(self, system: str) -> dict[str, Any]:
        return self._send("POST", system, "/_sim/reset", None, timeout=120)

    # plumbing ---------------------------------------------------------------------------------
    def _get(self, system: str, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            r = self._http.get(self.url(system) + path, params=params, timeout=TIMEOUT_S)
        except requests.RequestException as exc:
            raise SimError(f"{system} did not answer {path}: {type(exc).__name__}") from None
        if r.status_code != 200:
            raise SimError(f"{system} answered {path} with {r.status_code}: {_detail(r)}")
        return _json_object(r)

    def _send(
        self, method: str, system: str, path: str, body: Any, timeout: float = TIMEOUT_S
    ) -> dict[str, Any]:
        try:
            r = self._http.request(method, self.url(system) + path, json=body, timeout=timeout)
        except requests.RequestException as exc:
            raise SimError(f"{system} did not answer {path}: {type(exc).__name__}") from None
        if not 200 <= r.status_code < 300:
            raise SimError(f"{system} refused {method} {path} ({r.status_code}): {_detail(r)}")
        return _json_object(r)

    def close(self) -> None:
        self._http.close()


def _json_object(r: requests.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _detail(r: requests.Response) -> str:
    body = _json_object(r)
    text = str(body.get("detail") or body.get("title") or r.text or r.reason)
    return " ".join(text.split())[:300]
