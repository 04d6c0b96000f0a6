"""Start real simulators on free ports for tests, and check that they kept to the standard.

`start_system("records", tmp_path)` builds the app with response validation set to "raise" (a
response that breaks the spec becomes a 500 and the test fails), serves it with waitress on a
free 127.0.0.1 port, and on `stop()` fails if the traffic log holds any response that broke
the spec.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from simulators.core.config import SimConfig
from simulators.core.server import ServerThread

POPULATION_CACHE = Path(os.environ.get("INTEROP_TEST_POPULATION_CACHE", "/tmp/interop-test-population"))


@dataclass
class RunningSim:
    system: str
    server: ServerThread
    app: Any
    peers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ctx(self) -> Any:
        return self.app.extensions["interop"]

    def token(self, scopes: str | list[str], client_id: str = "test-client", ttl: int | None = None) -> str:
        if isinstance(scopes, str):
            scopes = scopes.split()
        return self.ctx.issuer.issue(client_id, scopes, ttl_seconds=ttl)

    def headers(self, scopes: str | list[str], **kw: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(scopes, **kw)}"}

    def get(self, path: str, scopes: str = "", **kw: Any) -> requests.Response:
        return requests.get(
            self.url + path, headers=self.headers(scopes) if scopes else None, timeout=10, **kw
        )

    def post(self, path: str, scopes: str = "", **kw: Any) -> requests.Response:
        hdrs = {**(self.headers(scopes) if scopes else {}), **kw.pop("headers", {})}
        return requests.post(self.url + path, headers=hdrs, timeout=10, **kw)

    def sim(self, method: str, path: str, **kw: Any) -> requests.Response:
        """Call a /_sim/ test-support endpoint."""
        return requests.request(method, self.url + "/_sim" + path, timeout=10, **kw)

    def invalid_responses(self) -> list[dict[str, Any]]:
        self.ctx.traffic.flush()
        t = self.ctx.tables.traffic
        with self.ctx.db.session() as s:
            rows = s.execute(select(t).where(t.c.response_valid.is_(False))).all()
        return [dict(r._mapping) for r in rows]

    def stop(self, check_responses: bool = True) -> None:
        self.server.stop()
        bad = self.invalid_responses() if check_responses else []
        self.ctx.close()
        assert not bad, f"{self.system} sent responses that break its spec: " + "; ".join(
            f"{b['method']} {b['path']} -> {b['status']}: {b['errors']}" for b in bad[:5]
        )


def make_config(
    system: str, home: Path, *, population: int = 60, seed: int = 1, **overrides: Any
) -> SimConfig:
    home.mkdir(parents=True, exist_ok=True)
    values: dict[str, Any] = {
        "home": home,
        "db_url": overrides.pop("db_url", None) or f"sqlite:///{home / (system + '.db')}",
        "population": population,
        "seed": seed,
        "response_validation": "raise",
        "population_cache": POPULATION_CACHE,
        "key_file": home.parent / "issuer-key.json" if overrides.pop("shared_key", True) else None,
    }
    values.update(overrides)
    if values["key_file"] is None:
        values.pop("key_file")
    return SimConfig.for_system(system, **values)


def start_system(system: str, home: Path, *, app_factory: Any = None, **overrides: Any) -> RunningSim:
    """Start `system` (or `app_factory(config)`) on a free port."""
    config = make_config(system, home, **overrides)
    if app_factory is None:
        app_factory = importlib.import_module(f"simulators.{system}").create_app
    app = app_factory(config)
    return RunningSim(system, ServerThread(app), app, dict(config.peers))
