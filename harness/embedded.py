"""Reference simulators started inside this process, on free loopback ports.

Used when the harness needs our reference implementation of a role without `interop up`:
verifying a vendor's consumer pact (`interop verify --pact`), and scenarios with simulators
playing the roles the product under test does not.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulators.core import registry
from simulators.core.config import SYSTEMS, SimConfig
from simulators.core.server import ServerThread, reserve_socket


@dataclass
class EmbeddedEcosystem:
    urls: dict[str, str] = field(default_factory=dict)
    servers: dict[str, ServerThread] = field(default_factory=dict)

    def app(self, system: str) -> Any:
        return self.servers[system].app

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
            server.app.extensions["interop"].close()
        self.servers.clear()


@contextmanager
def embedded_ecosystem(
    systems: Sequence[str] = SYSTEMS,
    *,
    home: Path | None = None,
    population: int = 200,
    seed: int = 1,
    external: dict[str, str] | None = None,
    config_overrides: dict[str, Any] | None = None,
    host: str = "127.0.0.1",
) -> Iterator[EmbeddedEcosystem]:
    """Start `systems` in-process; `external` maps roles played elsewhere to their URLs. `host` is
    the address they listen on (a container on Docker's bridge reaches the host's gateway address,
    never its 127.0.0.1)."""
    external = dict(external or {})
    with tempfile.TemporaryDirectory(prefix="interop-embedded-") as tmp:
        root = Path(home) if home else Path(tmp)
        sockets = {s: reserve_socket(host) for s in systems if s not in external}
        urls = {s: f"http://{host}:{sock.getsockname()[1]}" for s, sock in sockets.items()}
        urls.update(external)
        eco = EmbeddedEcosystem(urls=dict(urls))
        try:
            for system in list(sockets):
                config = SimConfig.for_system(
                    system,
                    home=root,
                    db_url=f"sqlite:///{root / (system + '.db')}",
                    population=population,
                    seed=seed,
                    peers={s: u for s, u in urls.items() if s != system},
                    base_url=urls[system],
                    **(config_overrides or {}),
                )
                app = registry.get(system).create_app(config)
                eco.servers[system] = ServerThread(app, sock=sockets.pop(system))
            yield eco
        finally:
            eco.stop()
            for sock in sockets.values():  # reserved for systems that never started
                sock.close()
