"""Fixtures for core tests: the toy widgets system on a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulators.core.config import SimConfig
from simulators.core.server import ServerThread
from tests.core.widgets_app import create_widgets_app
from tests.simkit import RunningSim


def widgets_config(home: Path, **overrides) -> SimConfig:  # type: ignore[no-untyped-def]
    values = {
        "system": "widgets",
        "home": home,
        "db_url": f"sqlite:///{home / 'widgets.db'}",
        "load_population": False,
        "response_validation": "raise",
    }
    values.update(overrides)
    return SimConfig(**values)


def start_widgets(home: Path, *, break_response: bool = False, **overrides) -> RunningSim:  # type: ignore[no-untyped-def]
    app = create_widgets_app(widgets_config(home, **overrides), break_response=break_response)
    return RunningSim("widgets", ServerThread(app), app)


@pytest.fixture
def widgets(tmp_path: Path) -> Iterator[RunningSim]:
    running = start_widgets(tmp_path)
    yield running
    running.stop()
