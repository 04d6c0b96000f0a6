"""Our own simulators must pass the fuzz suite: each, fuzzed with the default budget, gives no findings.

The three run together in this process (each calls the others), with a small seeded population.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.auth import TargetTokens
from harness.embedded import EmbeddedEcosystem, embedded_ecosystem
from harness.engine.events import Finding, SuiteFinished
from harness.engine.run import RunContext
from harness.suites.fuzz import FuzzSuite
from simulators.core.config import SYSTEMS
from tests.simkit import POPULATION_CACHE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fuzz-simulators")]


@pytest.fixture(scope="module")
def ecosystem(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedEcosystem, Path]]:
    home = tmp_path_factory.mktemp("fuzz-eco")
    with embedded_ecosystem(
        home=home, population=60, config_overrides={"population_cache": POPULATION_CACHE}
    ) as eco:
        yield eco, home


def _summary(findings: list[Finding]) -> str:
    return "\n\n".join(
        f"{f.severity} {f.check} {f.operation}: {f.title}\n{f.detail}\n{f.reproduce}" for f in findings
    )


@pytest.mark.parametrize("system", SYSTEMS)
def test_simulator_passes_the_fuzz_suite_with_the_default_budget(system: str, ecosystem: Any) -> None:
    eco, home = ecosystem
    url = eco.urls[system]
    events: list[Any] = []
    ctx = RunContext(
        role=system, target=url, base_url=url, tokens=TargetTokens(url, home=home), report_dir=home
    )
    FuzzSuite().run(ctx, events.append)
    findings = [e for e in events if isinstance(e, Finding)]
    finished = events[-1]
    assert isinstance(finished, SuiteFinished) and finished.stats["test_cases"] > 0
    assert finished.stats["operations_exercised"] == finished.stats["operations"]
    assert not findings, f"{system}: {len(findings)} fuzz findings\n\n{_summary(findings)}"
