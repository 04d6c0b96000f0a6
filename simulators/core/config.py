"""Simulator configuration: explicit arguments first, then `INTEROP_*` environment, then defaults.

No module-level state: every app gets its own `SimConfig`, so several simulators (or several
copies of one) can run in one process, as the tests do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# The system list and ports live in the registry; re-exported here, where callers have long read them.
from simulators.core.registry import DEFAULT_PORTS as DEFAULT_PORTS
from simulators.core.registry import SYSTEMS as SYSTEMS

DEFAULT_POPULATION = 2000
DEFAULT_SEED = 1


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() not in ("0", "false", "no", "off", "")


def default_home() -> Path:
    """Where keys, the embedded databases and the population cache live (`INTEROP_HOME`)."""
    return Path(os.environ.get("INTEROP_HOME", ".interop")).resolve()


@dataclass(frozen=True)
class SimConfig:
    """Everything a simulator needs to start. Build with `SimConfig.for_system(...)`."""

    system: str
    home: Path
    db_url: str
    seed: int = DEFAULT_SEED
    population: int = DEFAULT_POPULATION
    defect_rate: float | None = None
    load_population: bool = True
    # Where generated populations are cached (default: <home>/population).
    population_cache: Path | None = None
    base_url: str = ""
    # Other simulators this one calls, by system name -> base URL.
    peers: dict[str, str] = field(default_factory=dict)
    # "raise": a response that breaks the spec becomes a 500 problem (tests); "log": logged loudly;
    # "off": not checked (load tests).
    response_validation: str = "log"
    validate_requests: bool = True
    traffic_log: bool = True
    token_ttl_seconds: int = 3600
    # Credentials this simulator uses at its peers' token endpoints (default: "<system>-system").
    peer_client_id: str = ""
    peer_client_secret: str = ""
    peer_timeout: float = 5.0
    issuer: str = "interop-local-issuer"
    clients_file: Path | None = None
    key_file: Path | None = None
    # Vendor quirk profile this simulator starts with (see simulators/core/quirks.py).
    quirks: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_system(cls, system: str, **overrides: Any) -> SimConfig:
        """Config for `system` from overrides, then `INTEROP_*` variables, then defaults."""
        if system not in SYSTEMS:
            raise ValueError(f"unknown system {system!r}; expected one of {', '.join(SYSTEMS)}")
        home = Path(overrides.pop("home", None) or default_home())
        env = os.environ
        db_url = (
            overrides.pop("db_url", None) or env.get(f"INTEROP_{system.upper()}_DB") or env.get("INTEROP_DB")
        )
        if not db_url:
            db_url = f"sqlite:///{home / (system + '.db')}"
        peers = {
            s: env.get(f"INTEROP_{s.upper()}_URL", f"http://127.0.0.1:{DEFAULT_PORTS[s]}")
            for s in SYSTEMS
            if s != system
        }
        peers.update(overrides.pop("peers", {}) or {})
        values: dict[str, Any] = {
            "seed": int(env.get("INTEROP_SEED", DEFAULT_SEED)),
            "population": int(env.get("INTEROP_POPULATION", DEFAULT_POPULATION)),
            "response_validation": env.get("INTEROP_RESPONSE_VALIDATION", "log"),
            "validate_requests": _env_bool("INTEROP_VALIDATE_REQUESTS", True),
            "traffic_log": _env_bool("INTEROP_TRAFFIC_LOG", True),
            "token_ttl_seconds": int(env.get("INTEROP_TOKEN_TTL", 3600)),
        }
        quirks = env.get(f"INTEROP_{system.upper()}_QUIRKS", "")
        if quirks:
            values["quirks"] = tuple(q.strip() for q in quirks.split(",") if q.strip())
        if env.get("INTEROP_DEFECT_RATE"):
            values["defect_rate"] = float(env["INTEROP_DEFECT_RATE"])
        if env.get("INTEROP_CLIENTS_FILE"):
            values["clients_file"] = Path(env["INTEROP_CLIENTS_FILE"])
        values.update(overrides)
        return cls(system=system, home=home, db_url=db_url, peers=peers, **values)

    def with_(self, **changes: Any) -> SimConfig:
        """A copy with some values changed."""
        return replace(self, **changes)

    @property
    def peer_credentials(self) -> tuple[str, str]:
        client_id = self.peer_client_id or f"{self.system}-system"
        return client_id, self.peer_client_secret or f"{client_id}-secret"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or (self.home / "issuer-key.json")
