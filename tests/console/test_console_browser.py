"""The console in a real browser (Debian's chromium through Playwright, the page's CSP enforced).

`test_the_range_from_a_browser` is the issue's walk-through against a real `interop up`
subprocess; screenshots of every page are kept under the test's tmp folder (`screenshots/`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.console import ConsoleServer, ConsoleSettings
from simulators.core.auth import Issuer
from simulators.core.server import free_port, port_in_use
from tests.custody.helpers import SERGEANT, booking, z
from tests.simkit import RunningSim

SCRIPT_PATH = "/custody-records/<script>window.pwned=1</script>"
LIVE_WITHIN_MS = 1000  # the issue's bound for a new exchange to show (the feed polls every 0.5 s)


def _shot(page: Any, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_traffic_markup_is_text_in_the_browser(
    custody_sim: RunningSim, tmp_path: Path, browser_context: Any
) -> None:
    """A live row whose path carries <script> shows the text and runs nothing."""
    settings = ConsoleSettings(systems={"custody": custody_sim.url}, home=tmp_path, port=free_port())
    server = ConsoleServer(settings)
    try:
        page = browser_context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(settings.url + "/traffic")
        page.wait_for_function("() => window.htmx !== undefined")
        page.wait_for_timeout(300)  # the event stream is open
        r = requests.get(
            custody_sim.url + SCRIPT_PATH, headers=custody_sim.headers("custody:read"), timeout=10
        )
        assert r.status_code in (400, 404)
        row = page.locator("#traffic-rows tr", has_text="window.pwned").first
        row.wait_for(timeout=10_000)
        assert "<script>window.pwned=1</script>" in row.inner_text()
        assert page.evaluate("() => window.pwned") is None
        assert page.locator("#traffic-rows script").count() == 0
        _shot(page, tmp_path / "screenshots", "traffic-escaped")
        assert errors == []  # htmx and its extension work under the policy: no violation, no error
    finally:
        server.stop()


# the walk-through against `interop up` ----------------------------------------------------------


def _three_free_ports() -> int:
    for _ in range(50):
        base = free_port()
        if base + 3 < 65535 and not any(port_in_use(base + i) for i in (1, 2, 3)):
            return base
    raise RuntimeError("no three consecutive free ports")


@pytest.fixture
def interop_up(tmp_path: Path) -> Iterator[dict[str, Any]]:
    base = _three_free_ports()
    console_port = base + 3
    home = tmp_path / "home"
    cmd = [
        sys.executable, "-m", "harness.cli", "up",
        "--base-port", str(base), "--console-port", str(console_port),
        "--population", "30", "--home", str(home),
    ]  # fmt: skip
    log = open(tmp_path / "up.log", "w")  # noqa: SIM115 (closed below)
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=Path(__file__).parents[2])
    url = f"http://127.0.0.1:{console_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "up.log").read_text()[-2000:]
            try:
                if requests.get(url + "/reports", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the console did not answer within 120 s"
            time.sleep(0.3)
        yield {
            "url": url,
            "home": home,
            "records": f"http://127.0.0.1:{base}",
            "custody": f"http://127.0.0.1:{base + 1}",
        }
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _book_detainee(records_url: str, custody_url: str, token: str) -> str:
    """A person of the world booked in and detention authorised now (simulated time): seven hours on,
    the first review (due six hours after the relevant time) is overdue."""
    auth = {"Authorization": f"Bearer {token}"}
    nominals = requests.get(records_url + "/nominals?limit=1", headers=auth, timeout=10).json()["items"]
    clock = requests.get(custody_url + "/_sim/clock", timeout=10).json()
    now = datetime.fromisoformat(clock["now"])
    body = booking(arrived_at=now - timedelta(minutes=5), detainee={"nominal_id": nominals[0]["nominal_id"]})
    r = requests.post(custody_url + "/custody-records", json=body, headers=auth, timeout=30)
    assert r.status_code == 201, r.text
    custody_id = str(r.json()["custody_id"])
    r = requests.post(
        f"{custody_url}/custody-records/{custody_id}/authorisation",
        json={
            "authorised_at": z(now),
            "authorised_by": SERGEANT,
            "grounds": "To obtain evidence by questioning",
        },
        headers=auth,
        timeout=30,
    )
    assert r.status_code in (200, 201), r.text
    return custody_id


@pytest.mark.slow
def test_the_range_from_a_browser(interop_up: dict[str, Any], tmp_path: Path, browser_context: Any) -> None:
    url, shots = interop_up["url"], tmp_path / "screenshots"
    page = browser_context.new_page()
    page.set_default_timeout(15_000)

    # Ecosystem: three healthy systems; a quirk switched on for custody
    page.goto(url + "/")
    assert page.locator(".system .health.healthy").count() == 3
    custody = page.locator("#system-custody")
    custody.locator("summary", has_text="Switch quirks").click()
    custody.locator("input[name=quirk][value=camel-case]").check()
    custody.get_by_role("button", name="Apply quirks").click()
    page.locator("#system-custody .quirks-active", has_text="camel-case").wait_for()
    _shot(page, shots, "1-ecosystem")

    # Verify: custody, fuzz only, a small budget; the page follows the run to its verdict
    page.goto(url + "/verify")
    page.select_option("select[name=role]", "custody")
    page.check("input[name=suite][value=fuzz]")
    page.fill("input[name=max_examples]", "3")
    page.fill("input[name=seed]", "1")
    page.get_by_role("button", name="Start verification").click()
    page.wait_for_url("**/verify/runs/*")
    page.locator("#run-progress").wait_for()
    _shot(page, shots, "2-run-started")
    page.locator("#verdict", has_text="does not conform").wait_for(timeout=150_000)
    findings = page.locator("#findings li")
    assert findings.count() >= 1
    findings_text = page.locator("#findings").text_content() or ""
    assert "Response violates schema" in findings_text
    assert "nextCursor" in findings_text  # the quirk: camelCase where the standard says next_cursor
    assert page.locator("#run-progress").get_attribute("value") == "100"
    _shot(page, shots, "3-run-finished")
    report_href = page.locator("#open-report").get_attribute("href")

    # Clear the quirk, advance the clock seven hours: a detainee booked in now is overdue a review
    page.goto(url + "/")
    custody = page.locator("#system-custody")
    custody.locator("summary", has_text="Switch quirks").click()
    custody.locator("input[name=quirk][value=camel-case]").uncheck()
    custody.get_by_role("button", name="Apply quirks").click()
    page.locator("#system-custody .quirks-active", has_text="none").wait_for()
    custody_id = _book_detainee(
        interop_up["records"],
        interop_up["custody"],
        Issuer.from_key_file(interop_up["home"] / "issuer-key.json").issue(
            "console-test", ["records:read", "custody:write"]
        ),
    )
    page.fill("#clock-advance input[name=hours]", "7")
    page.locator("#clock-advance").get_by_role("button", name="Advance clock").click()
    page.locator(".flash.ok", has_text="advanced by 7 hours").wait_for()
    page.select_option("#read-form select[name=system]", "custody")
    page.fill("#read-form input[name=path]", f"/custody-records/{custody_id}")
    page.locator("#read-form").get_by_role("button", name="GET").click()
    body = page.locator("#read-body").inner_text()
    assert '"reviews_overdue": true' in body, body[:2000]
    _shot(page, shots, "4-review-overdue")

    # Traffic: a call made outside the browser shows up live, its markup as text
    page.goto(url + "/traffic")
    page.wait_for_function("() => window.htmx !== undefined")
    page.wait_for_timeout(300)  # the event stream is open
    token = Issuer.from_key_file(interop_up["home"] / "issuer-key.json").issue("curl-user", ["custody:read"])
    r = requests.get(
        interop_up["custody"] + SCRIPT_PATH, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert r.status_code in (400, 404)
    row = page.locator("#traffic-rows tr", has_text="window.pwned").first
    row.wait_for(timeout=LIVE_WITHIN_MS)
    assert "<script>window.pwned=1</script>" in row.inner_text()
    assert page.evaluate("() => window.pwned") is None
    _shot(page, shots, "5-traffic")
    row.locator("a").click()
    page.locator("#curl", has_text="$TOKEN").wait_for()
    _shot(page, shots, "6-exchange")

    # Reports: the run is listed; its report opens
    page.goto(url + "/reports")
    assert page.locator("td.verdict.fail").count() >= 1
    _shot(page, shots, "7-reports")
    page.goto(url + str(report_href))
    assert "not conform" in page.locator("#verdict").inner_text().lower()
    _shot(page, shots, "8-report")
    assert len(list(shots.glob("*.png"))) == 8


def test_a_token_for_chosen_scopes_is_copied_with_one_click(
    custody_sim: RunningSim, tmp_path: Path, browser_context: Any
) -> None:
    settings = ConsoleSettings(systems={"custody": custody_sim.url}, home=tmp_path, port=free_port())
    server = ConsoleServer(settings)
    try:
        browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=settings.url)
        page = browser_context.new_page()
        page.goto(settings.url + "/")
        page.check("#token-form input[value='custody:read']")
        page.locator("#token-form").get_by_role("button", name="Get a token (1 h)").click()
        token = page.locator("#token").input_value()
        assert token.count(".") == 2
        page.get_by_role("button", name="Copy").click()
        page.get_by_role("button", name="Copied").wait_for(timeout=5000)
        assert page.evaluate("() => navigator.clipboard.readText()") == token
        r = requests.get(
            custody_sim.url + "/custody-records?limit=1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert r.status_code == 200
        _shot(page, tmp_path / "screenshots", "token")
    finally:
        server.stop()
