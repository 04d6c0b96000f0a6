"""A fourth system, registered from tests/registry/ alone, gets everything the built-in three get:
start-up the way `interop up` and the embedded ecosystem do it, `/health`, tokens with its scopes
from the shared token endpoint, quirks, provider states, `interop verify --suite fuzz` with a
verdict, and a scenario step calling it (ARCHITECTURE.md, "Adding a system")."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness import cli
from harness.auth import TargetTokens
from harness.contracts.states import catalogue, set_up
from harness.contracts.target_api import TargetApi
from harness.ecosystem import Ecosystem, EcosystemSpec, parse_systems
from harness.embedded import embedded_ecosystem
from harness.scenarios import Endpoint, Environment, ScenarioRunner, load_scenario
from harness.standard.bundled import stale
from simulators.core import registry
from simulators.core.auth import SCOPES, load_clients
from simulators.core.config import DEFAULT_PORTS, SYSTEMS
from simulators.core.quirks import catalogue as quirk_catalogue
from simulators.core.server import free_port
from tests.registry import evidence_system

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

REPO = Path(__file__).resolve().parents[2]


def _token(url: str, client: str, scope: str | None = None) -> requests.Response:
    form = {"grant_type": "client_credentials", "client_id": client, "client_secret": f"{client}-secret"}
    if scope:
        form["scope"] = scope
    return requests.post(url + "/oauth/token", data=form, timeout=10)


@pytest.fixture(scope="module")
def evidence() -> Iterator[registry.System]:
    """The fourth system, in the registry only while this module runs."""
    system = evidence_system.register()
    try:
        yield system
    finally:
        registry.unregister(system.name)


@pytest.fixture(scope="module")
def served(evidence: registry.System, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Started in-process by harness.embedded, as `interop verify --pact` and scenarios start peers."""
    with embedded_ecosystem((evidence.name,), home=tmp_path_factory.mktemp("evidence")) as eco:
        yield eco.urls[evidence.name]


def test_everything_that_lists_systems_lists_it(evidence: registry.System) -> None:
    assert tuple(SYSTEMS) == ("records", "custody", "intelligence", "evidence")
    assert DEFAULT_PORTS["evidence"] == 8104
    assert parse_systems("records,evidence") == ("records", "evidence")
    # Its scope comes from its own OpenAPI document; its grants reach the default clients.
    assert SCOPES["evidence:read"] == "Read exhibits and their chain of custody"
    clients = load_clients()
    assert "evidence:read" in clients["vendor"].scopes and "records:read" in clients["vendor"].scopes
    assert clients["evidence-reader"].scopes == ("evidence:read",)
    # The generic quirks apply to it; the custody-only ones do not.
    names = {q["name"] for q in quirk_catalogue("evidence")}
    assert "drop-required" in names and "review-every-10h" not in names
    assert [d.summary for d in catalogue("evidence")] == ["exhibit EX-NNNN exists"]
    # Its document is its own: `make standard` does not bundle it into contracts/bundled/.
    assert "evidence" not in stale()


def test_gone_from_every_list_once_unregistered(evidence: registry.System) -> None:
    registry.unregister(evidence.name)
    try:
        assert "evidence" not in SYSTEMS and "evidence:read" not in SCOPES
        assert "evidence-reader" not in load_clients()
    finally:
        registry.register(evidence)


def test_a_module_that_cannot_be_imported_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(registry.PLUGINS_ENV, "no_such_module")
    monkeypatch.setattr(registry, "_plugins_loaded", [False])
    with pytest.raises(SystemExit) as exited:
        cli.main(["verify", "--role", "records", "--target", "http://127.0.0.1:9"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "interop: error: INTEROP_SYSTEM_MODULES: cannot import 'no_such_module': "
        "No module named 'no_such_module'"
    ]


def test_interop_up_serves_it_in_a_child_process(evidence: registry.System, tmp_path: Path) -> None:
    """`interop up --systems evidence`: the child learns of the system from INTEROP_SYSTEM_MODULES."""
    port = free_port()
    spec = EcosystemSpec(systems=("evidence",), ports={**DEFAULT_PORTS, "evidence": port}, home=tmp_path)
    with Ecosystem(spec) as eco:
        url = spec.url("evidence")
        health = requests.get(url + "/health", timeout=10)
        assert health.status_code == 200 and health.json()["system"] == "evidence"
        token = _token(url, "evidence-reader")
        assert token.status_code == 200 and token.json()["scope"] == "evidence:read"
        page = requests.get(
            url + "/exhibits", headers={"Authorization": f"Bearer {token.json()['access_token']}"}, timeout=10
        )
        assert [e["exhibit_ref"] for e in page.json()["items"]] == ["EX-0001", "EX-0002", "EX-0003"]
        assert eco.alive() == {"evidence": True}
    # No population was generated: the evidence system seeds its own exhibits.
    assert not (tmp_path / "population").exists()


def test_health_and_scoped_tokens(served: str) -> None:
    assert requests.get(served + "/health", timeout=10).json()["system"] == "evidence"
    reader = _token(served, "evidence-reader").json()["access_token"]
    records_only = _token(served, "records-reader").json()["access_token"]
    ask = lambda token: requests.get(  # noqa: E731
        served + "/exhibits/EX-0002", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert ask(reader).json()["description"] == "Laptop computer"
    refused = ask(records_only)
    assert refused.status_code == 403 and "evidence:read" in refused.json()["detail"]
    assert _token(served, "evidence-reader", "records:read").json()["error"] == "invalid_scope"


def test_its_quirk_hooks(served: str) -> None:
    reader = _token(served, "evidence-reader").json()["access_token"]
    r = requests.put(served + "/_sim/quirks", json={"active": ["drop-required", "ignore-auth"]}, timeout=10)
    assert r.status_code == 200, r.text
    try:
        body = requests.get(
            served + "/exhibits/EX-0001", headers={"Authorization": f"Bearer {reader}"}, timeout=10
        ).json()
        assert "handlers" not in body and body["exhibit_ref"] == "EX-0001"
        assert requests.get(served + "/exhibits/EX-0001", timeout=10).status_code == 200  # no token
        assert requests.get(served + "/exhibits", timeout=10).status_code == 401
    finally:
        requests.put(served + "/_sim/quirks", json={"active": []}, timeout=10)


def test_its_provider_state(served: str) -> None:
    api = TargetApi(served, TargetTokens(served))
    assert set_up(api, "evidence", "exhibit EX-0003 exists", None) == {"exhibit_ref": "EX-0003"}


def test_verify_fuzz_reaches_a_verdict(served: str, tmp_path: Path) -> None:
    report = tmp_path / "report"
    argv = [
        "verify",
        "--role",
        "evidence",
        "--target",
        served,
        "--suite",
        "fuzz",
        "--report-dir",
        str(report),
    ]
    with pytest.raises(SystemExit) as exited:
        cli.main([*argv, "--max-examples", "3", "--seed", "1", "--workers", "1"])
    result = json.loads((report / "report.json").read_text())
    why = (
        exited.value.code,
        result["inconclusive"],
        [(f.get("check"), str(f.get("detail"))[:300]) for f in result["findings"]],
    )
    assert result["role"] == "evidence" and result["verdict"] == "pass" and exited.value.code == 0, why
    succeeded = {r["operation"] for r in result["reach"] if r["succeeded"]}
    assert {"GET /exhibits", "GET /exhibits/{exhibit_ref}"} <= succeeded


SCENARIO = """arazzo: 1.0.1
info: {title: read an exhibit, version: 1.0.0}
sourceDescriptions:
  - {name: evidence, url: %s, type: openapi}
workflows:
  - workflowId: read-exhibit
    steps:
      - stepId: first-page
        operationId: $sourceDescriptions.evidence.listExhibits
        parameters:
          - {name: limit, in: query, value: 2}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          ref: $response.body#/items/1/exhibit_ref
      - stepId: read-it
        operationId: $sourceDescriptions.evidence.getExhibit
        parameters:
          - {name: exhibit_ref, in: path, value: $steps.first-page.outputs.ref}
        successCriteria:
          - condition: $statusCode == 200
          - condition: $response.body#/description == 'Laptop computer'
"""


def test_a_scenario_step_calls_it(served: str, tmp_path: Path) -> None:
    path = tmp_path / "read-exhibit.arazzo.yaml"
    path.write_text(SCENARIO % (Path(evidence_system.__file__).parent / "evidence.yaml"))
    environment = Environment({"evidence": Endpoint("evidence", served, TargetTokens(served), "reference")})
    outcome = ScenarioRunner(environment).run(load_scenario(path))
    assert outcome.status == "passed", [(s.name, s.status, s.message) for s in outcome.steps]
    assert [s.status for s in outcome.steps] == ["passed", "passed"]
