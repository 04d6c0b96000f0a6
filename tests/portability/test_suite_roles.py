"""The custody and intelligence references pass the portability suite too: a detainee booked in and
a report regraded are exported with their timeline and superseded version, and come back the same
from a fresh reference system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.commands.verify import run_verification
from harness.embedded import embedded_ecosystem


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The three systems wired to each other (custody books detainees in through records)."""
    with embedded_ecosystem(home=tmp_path_factory.mktemp("force"), population=10) as eco:
        yield eco


@pytest.mark.parametrize(
    ("role", "history"), [("custody", "custody_event"), ("intelligence", "report_version")]
)
def test_the_reference_passes(force: Any, tmp_path: Path, role: str, history: str) -> None:
    peers = {r: u for r, u in force.urls.items() if r != role}
    run = run_verification(
        role, force.urls[role], ["portability"], tmp_path / "r", console=False, peers=peers
    )
    assert run.verdict == "pass", [(f.title, f.detail[:200]) for f in run.findings]
    checks = [c for c in run.checks if c.suite == "portability" and (c.requirement or "").startswith("PORT-")]
    assert len(checks) == 7 and {c.status for c in checks} == {"passed"}, [
        (c.name, c.message) for c in checks
    ]
    stats = next(s for s in run.suites if s.suite == "portability").stats
    assert "plant_error" not in stats and stats["incremental"][history] >= 1  # the known change came out
    assert stats["round_trip"] == stats["exported"]
