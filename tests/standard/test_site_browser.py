"""The reference site in headless Chromium (issue 18, item 6): built with Redocly's CLI (installed
by `bash .ci/run` into .ci/node; skipped locally without it, a failure in CI), every operation of
every system is on its API reference page, the catalogue pages list every scenario and
requirement, and the console (`interop up`) serves it under /standard/.

Offline: the browser is allowed only 127.0.0.1 (and data:/blob: URLs); any other request is
refused and recorded, and each test asserts none was attempted.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from harness.console import ConsoleSettings, create_app
from harness.console.views_standard import SITE_DIR_CONFIG
from harness.evidence.catalogue import load_catalogue
from harness.scenarios import scenario_files
from harness.scenarios.document import scenario_name
from harness.standard.site import build_site
from simulators.core.config import SYSTEMS
from simulators.core.server import ServerThread
from tests.harness.conftest import chromium_binary, playwright_browser  # noqa: F401 (fixtures)
from tests.standard.vendor_tools import REPO, node_tool

pytestmark = pytest.mark.slow  # Redocly renders three documents (about 40 s on a busy 2-core machine)

# Redoc renders each operation with this anchor (and `tag/<tag>/operation/<operationId>`).
OPERATION_ANCHOR = "operation/{}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node_tool("redocly", "@redocly/cli (make site-tools)")
    out = tmp_path_factory.mktemp("site-browser") / "site"
    built = build_site(out)
    assert built.references == list(SYSTEMS), built.references_missing
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def static_url(site: Path) -> Iterator[str]:
    """The built folder served as plain files (no policy headers: what a web server or a file gives)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def offline(playwright_browser: Any) -> Iterator[tuple[Any, list[str]]]:  # noqa: F811
    """A page that may reach only 127.0.0.1, and the list of every other URL it tried."""
    attempted: list[str] = []
    context = playwright_browser.new_context(java_script_enabled=True)

    def route(r: Any) -> None:
        url = urlsplit(r.request.url)
        if url.scheme in ("data", "blob") or url.hostname == "127.0.0.1":
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        yield context.new_page(), attempted
    finally:
        context.close()


def document(system: str) -> dict[str, Any]:
    return json.loads((REPO / "contracts" / "bundled" / f"{system}.json").read_text(encoding="utf-8"))


def operations(system: str) -> list[dict[str, Any]]:
    return [
        op
        for item in document(system)["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]


def assert_operations_shown(page: Any, system: str) -> None:
    ops = operations(system)
    page.wait_for_selector(f'[id="{OPERATION_ANCHOR.format(ops[-1]["operationId"])}"]', state="attached")
    ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    text = " ".join(page.inner_text("body").split())
    missing = [op["operationId"] for op in ops if OPERATION_ANCHOR.format(op["operationId"]) not in ids]
    assert missing == [], f"{system}: operations not on the reference page"
    unsummarised = [op["operationId"] for op in ops if " ".join(op["summary"].split()) not in text]
    assert unsummarised == [], f"{system}: summaries not shown"


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_operation_is_on_its_reference_page_offline(
    offline: tuple[Any, list[str]], static_url: str, system: str
) -> None:
    page, attempted = offline
    page.goto(f"{static_url}/api/{system}.html", wait_until="load")
    assert_operations_shown(page, system)
    assert page.title().startswith(document(system)["info"]["title"])
    assert attempted == [], "the page tried the network"


def test_the_catalogue_pages_list_every_scenario_requirement_and_code_list(
    offline: tuple[Any, list[str]], static_url: str
) -> None:
    page, attempted = offline
    page.goto(f"{static_url}/index.html", wait_until="load")
    for system in SYSTEMS:
        assert page.locator(f'a[href="api/{system}.html"]').count() == 1
    page.goto(f"{static_url}/scenarios.html", wait_until="load")
    text = page.inner_text("main")
    for path in scenario_files(REPO / "scenarios"):
        title = yaml.safe_load(path.read_text(encoding="utf-8"))["info"]["title"]
        assert page.locator(f'[id="{scenario_name(path)}"]').count() == 1 and title in text
    page.goto(f"{static_url}/requirements.html", wait_until="load")
    text = page.inner_text("main")
    for requirement in load_catalogue().requirements:
        assert page.locator(f'tr[id="{requirement.id}"]').is_visible() and requirement.id in text
    page.goto(f"{static_url}/codelists.html", wait_until="load")
    for path in sorted((REPO / "contracts" / "codelists").glob("*.yaml")):
        assert page.locator(f'section[id="{yaml.safe_load(path.read_text())["id"]}"]').count() == 1
    page.goto(f"{static_url}/quirks.html", wait_until="load")
    assert page.locator("table.quirks tbody tr").count() >= 10
    assert attempted == [], "the pages tried the network"


@pytest.fixture
def console_url(site: Path, tmp_path: Path) -> Iterator[str]:
    app = create_app(ConsoleSettings(systems={}, home=tmp_path))
    app.config[SITE_DIR_CONFIG] = str(site)
    server = ServerThread(app)
    try:
        yield server.url
    finally:
        server.stop()
        app.extensions["interop_console"].close()


def test_the_console_serves_the_site_under_its_policy(
    offline: tuple[Any, list[str]], console_url: str
) -> None:
    page, attempted = offline
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{console_url}/", wait_until="load")
    page.click("header nav >> text=Standard")
    page.wait_for_url(f"{console_url}/standard/")
    page.click('a[href="api/custody.html"]')
    assert_operations_shown(page, "custody")
    assert refused == [], "the console's policy refused part of the reference page"
    assert attempted == [], "the page tried the network"
