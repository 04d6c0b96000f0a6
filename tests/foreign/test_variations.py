"""No false alarms on what the standard allows: each of our simulators, behind a gateway that
applies every variation HTTP and JSON permit (see variations.py) at once, still passes contracts,
fuzz and scenarios. A failure here is a harness bug: it judged a spelling, not the standard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.commands.verify import run_verification
from harness.embedded import EmbeddedEcosystem
from simulators.core.config import SYSTEMS
from tests.foreign.gateway import Gateway

pytestmark = pytest.mark.slow

# max_time only caps a run on a busy machine: the seeded examples decide what is sent.
FAST = {"max_examples": 3, "seed": 1, "max_time": 120}


@pytest.mark.parametrize("role", SYSTEMS)
def test_a_product_using_every_allowed_variation_passes(
    role: str, force: EmbeddedEcosystem, tmp_path: Path
) -> None:
    peers = {s: url for s, url in force.urls.items() if s != role}
    with Gateway(force.urls[role], hide_sim=False, own_auth=False, variations=Gateway.VARIATIONS) as gateway:
        run = run_verification(
            role, gateway.url, [], tmp_path / "report", options=FAST, console=False, peers=peers
        )
    findings = [
        (f.suite, f.check, f.operation, f.detail[:400]) for f in run.findings if f.severity == "error"
    ]
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert run.verdict == "pass", "\n".join(map(str, [*report["inconclusive"], *findings[:15]]))
    # Every variation was really sent (gzip because the harness's HTTP clients accept it).
    assert set(gateway.applied) == set(Gateway.VARIATIONS), gateway.applied
