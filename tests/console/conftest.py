"""Console fixtures: a real custody simulator on a free port with the console app in front of it.

The browser fixtures are the project's (tests/harness/conftest.py: Debian's chromium through
Playwright, no browser download).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.console import ConsoleSettings, create_app
from tests.harness.conftest import chromium_binary, playwright_browser  # noqa: F401 (fixtures)
from tests.simkit import RunningSim, start_system

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


@pytest.fixture
def custody_sim(tmp_path: Path) -> Iterator[RunningSim]:
    sim = start_system("custody", tmp_path / "custody", population=30)
    try:
        yield sim
    finally:
        sim.stop(check_responses=False)  # the tests send it odd queries on purpose


@pytest.fixture
def console_settings(custody_sim: RunningSim, tmp_path: Path) -> ConsoleSettings:
    # simkit keeps the issuer key one folder above each system's home
    return ConsoleSettings(
        systems={"custody": custody_sim.url}, home=tmp_path, seed=1, population=30, poll_seconds=0.05
    )


@pytest.fixture
def console_app(console_settings: ConsoleSettings) -> Iterator[Any]:
    app = create_app(console_settings)
    try:
        yield app
    finally:
        app.extensions["interop_console"].close()


@pytest.fixture
def client(console_app: Any) -> Any:
    return console_app.test_client()


def csrf_of(client: Any, path: str = "/") -> str:
    """The session's CSRF token, as a page carries it."""
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, "the page carries no CSRF token"
    return match.group(1)


@pytest.fixture
def browser_context(playwright_browser: Any) -> Iterator[Any]:  # noqa: F811
    """A fresh context with the page's own Content-Security-Policy enforced (online: 127.0.0.1)."""
    context = playwright_browser.new_context(bypass_csp=False, java_script_enabled=True)
    try:
        yield context
    finally:
        context.close()
