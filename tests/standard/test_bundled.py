"""The bundled documents (contracts/bundled/) are current, self-contained, and what simulators serve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.standard.bundled import expected
from simulators.core.config import SYSTEMS
from simulators.core.spec import bundled_path, load_spec
from tests.simkit import start_system


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref" and isinstance(v, str)] + [
            r for v in node.values() for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.parametrize("system", SYSTEMS)
def test_bundled_document_is_current(system: str) -> None:
    """Regenerated in memory from contracts/openapi, it equals the checked-in file (`make standard`)."""
    assert bundled_path(system).read_text() == expected(system), (
        f"run `make standard`: {system}.json is stale"
    )


@pytest.mark.parametrize("system", SYSTEMS)
def test_bundled_document_is_self_contained(system: str) -> None:
    document = json.loads(bundled_path(system).read_text())
    external = [r for r in _refs(document) if not r.startswith("#/")]
    assert external == []
    for ref in _refs(document):  # every local reference resolves
        node: Any = document
        for part in ref[2:].split("/"):
            node = node[part]
    schemes = document["components"]["securitySchemes"]
    used = {name for requirement in document.get("security", []) for name in requirement}
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict):
                used |= {name for requirement in op.get("security", []) for name in requirement}
    assert used and used <= set(schemes)


@pytest.mark.parametrize("system", SYSTEMS)
def test_load_spec_reads_the_bundled_file(system: str) -> None:
    assert load_spec(system) == json.loads(bundled_path(system).read_text())


def test_simulator_serves_exactly_the_bundled_document(tmp_path: Path) -> None:
    sim = start_system("custody", tmp_path / "custody", population=0)
    try:
        served = requests.get(sim.url + "/openapi.json", timeout=10)
    finally:
        sim.stop()
    assert served.status_code == 200
    assert served.json() == json.loads(bundled_path("custody").read_text())


def test_toy_standard_without_bundled_folder_is_bundled_on_load(tmp_path: Path, monkeypatch) -> None:
    """A contracts folder with sources only (a toy standard in tests) still loads, bundled."""
    source = Path(__file__).resolve().parents[2] / "contracts" / "openapi"
    (tmp_path / "openapi").mkdir()
    for name in ("records.yaml", "common.yaml"):
        (tmp_path / "openapi" / name).write_text((source / name).read_text())
    monkeypatch.setenv("INTEROP_CONTRACTS_DIR", str(tmp_path))
    assert load_spec("records") == json.loads(expected("records"))
