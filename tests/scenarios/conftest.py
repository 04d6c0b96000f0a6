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

from harness.scenarios import Environment, scenario_environment

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
CONTRACTS = REPO / "contracts" / "openapi"
SUPPORT = SCENARIOS / "support" / "sim-support.yaml"


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
