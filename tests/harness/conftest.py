"""A real browser for the report pages: Debian's chromium, driven from the command line
(`chromium`, for --dump-dom and screenshots) or through Playwright (`browser_page`, to run
script in the page and inspect its DOM). `playwright install` is not needed: Playwright launches
the system's chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(
            f"{what} is not installed: .ci/run installs Debian's chromium, pyproject's dev extra playwright"
        )
    pytest.skip(f"{what} not installed")


@pytest.fixture(scope="session")
def chromium_binary() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        _missing("chromium (apt-get install chromium)")
    return str(binary)


@pytest.fixture
def chromium(chromium_binary: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """render(path, *flags): run headless chromium on a file; returns the finished process."""

    def render(path, *extra):  # type: ignore[no-untyped-def]
        cmd = [
            chromium_binary,
            "--headless",
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            *extra,
            f"file://{path}",
        ]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    return render


# One Playwright and one browser per test process. Other folders' conftests import this fixture
# (tests/console, tests/evidence, tests/load), which makes each of them a session fixture of its
# own; a second sync_playwright() in the same thread fails, so they all share this one.
_SHARED: dict[str, Any] = {"users": 0}


@pytest.fixture(scope="session")
def playwright_browser(chromium_binary: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright (pip install playwright)")
    if _SHARED["users"] == 0:
        pw = sync_playwright().start()
        _SHARED["pw"] = pw
        _SHARED["browser"] = pw.chromium.launch(executable_path=chromium_binary, headless=True, args=FLAGS)
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if _SHARED["users"] == 0:
            _SHARED.pop("browser").close()
            _SHARED.pop("pw").stop()


@pytest.fixture
def browser_page(playwright_browser: Any) -> Iterator[Any]:
    """A fresh page (own context: no state shared between tests), offline, CSP enforced."""
    context = playwright_browser.new_context(offline=True, bypass_csp=False, java_script_enabled=True)
    try:
        yield context.new_page()
    finally:
        context.close()
