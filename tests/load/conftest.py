"""Fixtures of the load tests: a records simulator on a free port, the browser of tests/harness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness.conftest import browser_page, chromium_binary, playwright_browser  # noqa: F401
from tests.simkit import start_system


@pytest.fixture(scope="module")
def records_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    sim = start_system(
        "records", tmp_path_factory.mktemp("load") / "home", population=200, response_validation="log"
    )
    try:
        yield sim
    finally:
        sim.stop(check_responses=False)


@pytest.fixture
def no_faults(records_sim: Any) -> Iterator[Any]:
    records_sim.sim(
        "PUT", "/faults", json={"latency_ms": 0, "error_rate": 0, "down": False}
    ).raise_for_status()
    yield records_sim
    records_sim.sim(
        "PUT", "/faults", json={"latency_ms": 0, "error_rate": 0, "down": False}
    ).raise_for_status()


def report_of(folder: Path) -> dict[str, Any]:
    import json

    return dict(json.loads((folder / "report.json").read_text(encoding="utf-8")))
