"""Fixtures for the scenario tests: one set of simulators shared by the tests that run scenarios.

Tests that use `scenario_env` carry `pytest.mark.xdist_group("scenarios")`, so they run on one
worker and the simulators start once (a few seconds). Each test leaves quirks, clock and faults
as it found them.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.wrappers import Request, Response

from harness.scenarios import Environment, scenario_environment
from simulators.core.server import ServerThread, free_port

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
CONTRACTS = REPO / "contracts" / "openapi"
SUPPORT = SCENARIOS / "support" / "sim-support.yaml"


def pytest_configure(config: pytest.Config) -> None:
    # Known without pytest-xdist too (`-p no:xdist`), where --strict-markers would refuse it.
    config.addinivalue_line("markers", "xdist_group(name): run on one xdist worker with the group")


@pytest.fixture(scope="session")
def scenario_env() -> Iterator[Environment]:
    """Reference simulators for every role, started in this process."""
    with scenario_environment(use_env=False) as env:
        yield env


def set_quirks(env: Environment, system: str, names: list[str]) -> None:
    r = requests.put(env[system].url + "/_sim/quirks", json={"active": names}, timeout=10)
    assert r.status_code == 200, r.text


SOURCES = f"""
sourceDescriptions:
  - {{name: records, url: {CONTRACTS / "records.yaml"}, type: openapi}}
  - {{name: custody, url: {CONTRACTS / "custody.yaml"}, type: openapi}}
  - {{name: intelligence, url: {CONTRACTS / "intelligence.yaml"}, type: openapi}}
  - {{name: custodySim, url: {SUPPORT}, type: openapi, x-interop-system: custody}}
"""


def write_scenario(
    folder: Path, name: str, workflows: str, *, sources: str = SOURCES, extra: str = ""
) -> Path:
    """An Arazzo file `name.arazzo.yaml` in `folder` with the standard's sources (absolute paths)."""
    text = "arazzo: 1.0.1\ninfo: {title: " + name + ", version: 1.0.0}\n" + sources
    text += (
        textwrap.dedent(extra)
        + "workflows:\n"
        + textwrap.indent(textwrap.dedent(workflows).strip("\n"), "  ")
    )
    path = folder / f"{name}.arazzo.yaml"
    path.write_text(text + "\n")
    return path


class Proxy:
    """A server on a free port that passes every request to `upstream` and counts them.

    `hide_sim`: answer 404 to `/_sim/...`, like a vendor product that offers no test support.
    """

    def __init__(self, upstream: str, *, hide_sim: bool = False) -> None:
        self.upstream = upstream
        self.hide_sim = hide_sim
        self.count = 0
        self.server = ServerThread(Request.application(self._handle), port=free_port())
        self.url = self.server.url

    def _handle(self, request: Request) -> Response:
        self.count += 1
        if self.hide_sim and request.path.startswith("/_sim/"):
            return Response('{"title": "Not Found"}', status=404, mimetype="application/problem+json")
        r = requests.request(
            request.method,
            self.upstream + request.full_path.rstrip("?"),
            data=request.get_data(),
            headers={k: v for k, v in request.headers if k.lower() != "host"},
            timeout=30,
        )
        drop = ("content-encoding", "transfer-encoding", "connection", "content-length")
        return Response(
            r.content,
            status=r.status_code,
            headers=[(k, v) for k, v in r.headers.items() if k.lower() not in drop],
        )

    def stop(self) -> None:
        self.server.stop()
