"""Provider verification: each of our simulators honours every pact in which it is the provider.

The simulators run on real servers (waitress, free ports) with response validation set to "raise";
the harness's contracts suite replays the committed pacts against each, setting provider states up
through the simulator's own standard API, exactly as it does for a vendor's product. Custody and
intelligence get a real records system as their peer (booking in identifies the detainee there;
report subjects are checked there).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.commands.verify import run_verification
from harness.contracts.pactfile import standard_pacts
from harness.oracle.oracle import GROUP as ORACLE_GROUP
from simulators.core.spec import load_spec
from tests.simkit import RunningSim, start_system


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningSim]]:
    home = tmp_path_factory.mktemp("force")
    records = start_system("records", home / "records", population=40)
    peers = {"records": records.url}
    custody = start_system("custody", home / "custody", population=40, peers=peers)
    intelligence = start_system("intelligence", home / "intelligence", population=40, peers=peers)
    sims = {"records": records, "custody": custody, "intelligence": intelligence}
    yield sims
    for sim in sims.values():
        sim.stop()  # fails if any response broke the simulator's own OpenAPI document


@pytest.mark.parametrize("role", ["records", "custody", "intelligence"])
def test_simulator_honours_every_pact_naming_it_provider(
    role: str, force: dict[str, RunningSim], tmp_path: Path
) -> None:
    pacts = standard_pacts(role)
    expected = {f"{p.consumer} -> {p.provider}: {i.description}" for p in pacts for i in p.interactions}
    assert len(pacts) >= 2 and len(expected) >= 10  # every provider has several consumers and cases

    peers = {s: sim.url for s, sim in force.items() if s != role}
    run = run_verification(role, force[role].url, ["contracts"], tmp_path, console=False, peers=peers)

    report = json.loads((tmp_path / "report.json").read_text())
    assert report["verdict"] == "pass", "\n\n".join(
        f"{f['title']}\n{f['detail']}" for f in report["findings"]
    )
    pact_checks = [c for c in run.checks if c.group != ORACLE_GROUP]  # the oracle judges the answers too
    checks = {c.name: c.status for c in pact_checks}
    assert checks == dict.fromkeys(expected, "passed")
    assert {c.group for c in pact_checks} == {p.consumer for p in pacts}
    templates = load_spec(role)["paths"]
    assert all(c.operation.split(" ", 1)[1] in templates for c in pact_checks)  # named as the standard does
