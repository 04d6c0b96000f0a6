"""The evidence tests reuse the project's browser fixtures (tests/harness/conftest.py)."""

from tests.harness.conftest import browser_page, chromium, chromium_binary, playwright_browser  # noqa: F401
