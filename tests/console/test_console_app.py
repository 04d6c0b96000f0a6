"""The console app against a real custody simulator: CSRF, escaping, access, forms, run queue."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.console import ConsoleSettings, create_app
from harness.console.runs import ConsoleRun, LiveWriter, RunQueue, RunRequest
from harness.console.sse import event, resume_from
from harness.console.traffic_feed import TrafficFilter
from harness.console.views_traffic import curl_for
from harness.engine.events import CheckResult, Finding, SuiteFinished, SuiteStarted
from harness.errors import InteropError
from tests.console.conftest import csrf_of
from tests.simkit import RunningSim

SCRIPT = "<script>window.pwned=1</script>"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: Any, custody_sim: RunningSim
) -> None:
    r = client.post("/systems/custody/quirks", data={"quirk": "camel-case"})
    assert r.status_code == 403
    assert "CSRF" in r.get_data(as_text=True)
    assert custody_sim.sim("GET", "/quirks").json()["active"] == []
    r = client.post("/systems/custody/quirks", data={"quirk": "camel-case", "csrf_token": "forged"})
    assert r.status_code == 403
    assert custody_sim.sim("GET", "/quirks").json()["active"] == []


def test_with_the_session_token_the_quirk_is_switched(client: Any, custody_sim: RunningSim) -> None:
    token = csrf_of(client)
    r = client.post("/systems/custody/quirks", data={"quirk": "camel-case", "csrf_token": token})
    assert r.status_code == 302
    assert custody_sim.sim("GET", "/quirks").json()["active"] == ["camel-case"]
    page = client.get("/").get_data(as_text=True)
    assert "camel-case" in page and "healthy" in page
    # the header form of the token (what htmx sends) works too
    r = client.post("/systems/custody/quirks", data={}, headers={"X-CSRF-Token": token})
    assert r.status_code == 302
    assert custody_sim.sim("GET", "/quirks").json()["active"] == []


def test_the_session_cookie_is_samesite_strict_and_httponly(client: Any) -> None:
    cookie = client.get("/").headers["Set-Cookie"]
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie


def test_every_page_allows_only_the_consoles_own_scripts(client: Any) -> None:
    for path in ("/", "/traffic", "/verify", "/reports"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_traffic_with_markup_is_shown_as_text(client: Any, custody_sim: RunningSim) -> None:
    r = custody_sim.get("/custody-records", "custody:read", params={"limit": 1, "note": SCRIPT})
    assert r.status_code == 200
    page = client.get("/traffic").get_data(as_text=True)
    assert SCRIPT not in page
    assert "note=%3Cscript%3E" in page or "&lt;script&gt;" in page
    seq = client.application.extensions["interop_console"].feed.newest_first(TrafficFilter())[0]["seq"]
    detail = client.get(f"/traffic/custody/{seq}").get_data(as_text=True)
    assert "curl -i -X GET" in detail and "$TOKEN" in detail
    assert "<script>window" not in detail


def test_a_body_with_markup_is_escaped_on_the_exchange_page(client: Any, custody_sim: RunningSim) -> None:
    r = custody_sim.post("/custody-records", "custody:write", json={"station": SCRIPT})
    assert r.status_code == 400  # refused by the spec check, and logged with its body
    client.get("/traffic")
    feed = client.application.extensions["interop_console"].feed
    entry = feed.newest_first(TrafficFilter(status="4xx"))[0]
    detail = client.get(f"/traffic/custody/{entry['seq']}").get_data(as_text=True)
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in detail
    assert SCRIPT not in detail


def test_traffic_filters(client: Any, custody_sim: RunningSim) -> None:
    custody_sim.get("/custody-records", "custody:read", params={"limit": 1})
    custody_sim.get("/custody-records/NOPE", "custody:read")
    client.get("/traffic")
    feed = client.application.extensions["interop_console"].feed
    statuses = {e["status"] for e in feed.newest_first(TrafficFilter(status="4xx"))}
    assert statuses and all(400 <= s < 500 for s in statuses)
    assert feed.newest_first(TrafficFilter(client="nobody")) == []
    assert all(e["system"] == "custody" for e in feed.newest_first(TrafficFilter(system="custody")))
    page = client.get("/traffic?status=2xx").get_data(as_text=True)
    assert "/custody-records/NOPE" not in page and "/custody-records" in page


def test_the_traffic_stream_sends_new_exchanges_as_escaped_rows(client: Any, custody_sim: RunningSim) -> None:
    client.get("/traffic")
    latest = client.application.extensions["interop_console"].feed.latest
    custody_sim.get("/custody-records", "custody:read", params={"limit": 1, "note": SCRIPT})
    r = client.get(f"/traffic/stream?after={latest}", buffered=False)
    assert r.mimetype == "text/event-stream"
    received = ""
    for chunk in r.response:
        received += chunk.decode() if isinstance(chunk, bytes) else chunk
        if "event: exchange" in received:
            break
    r.close()
    assert "event: exchange" in received and "note=" in received
    assert "<script>" not in received


def test_a_read_shows_the_systems_answer_as_text(client: Any) -> None:
    page = client.get("/read", query_string={"system": "custody", "path": "/custody-records?limit=1"})
    text = page.get_data(as_text=True)
    assert 'answered <strong class="status">200</strong>' in text and "custody_id" in text
    bad = client.get("/read", query_string={"system": "custody", "path": "//evil.example/x"})
    assert "the path must start with a single /" in bad.get_data(as_text=True)


def test_a_token_for_the_chosen_scopes(client: Any, custody_sim: RunningSim) -> None:
    token = csrf_of(client)
    page = client.post("/token", data={"scope": ["custody:read"], "csrf_token": token})
    text = page.get_data(as_text=True)
    issued = text.split('<textarea id="token" readonly rows="4">')[1].split("</textarea>")[0]
    r = requests.get(
        custody_sim.url + "/custody-records?limit=1",
        headers={"Authorization": f"Bearer {issued}"},
        timeout=10,
    )
    assert r.status_code == 200
    r = requests.post(
        custody_sim.url + "/custody-records",
        json={},
        headers={"Authorization": f"Bearer {issued}"},
        timeout=10,
    )
    assert r.status_code == 403  # read scope only


def test_the_clock_advances_and_reset_returns_to_the_seeded_world(
    client: Any, custody_sim: RunningSim
) -> None:
    token = csrf_of(client)
    before = custody_sim.sim("GET", "/clock").json()["offset_seconds"]
    client.post("/clock", data={"action": "advance", "system": "custody", "hours": "7", "csrf_token": token})
    after = custody_sim.sim("GET", "/clock").json()["offset_seconds"]
    assert after - before == pytest.approx(7 * 3600, abs=5)
    client.post("/reset", data={"system": "all", "csrf_token": token})
    assert custody_sim.sim("GET", "/clock").json()["offset_seconds"] == 0


def test_the_verify_form_refuses_a_command_target(client: Any) -> None:
    token = csrf_of(client, "/verify")
    r = client.post("/verify", data={"role": "custody", "target": "cmd:rm -rf {port}", "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith("/verify")
    assert "cmd: and docker: targets need the CLI" in client.get("/verify").get_data(as_text=True)
    assert client.application.extensions["interop_console"].runs.runs == {}


def test_off_loopback_the_console_needs_a_password(tmp_path: Path) -> None:
    with pytest.raises(InteropError, match="--console-password"):
        create_app(ConsoleSettings(systems={}, home=tmp_path, host="0.0.0.0"))


def test_with_a_password_every_page_asks_for_it(tmp_path: Path) -> None:
    app = create_app(ConsoleSettings(systems={}, home=tmp_path, host="0.0.0.0", password="s3cret"))
    try:
        c = app.test_client()
        r = c.get("/verify")
        assert r.status_code == 302 and "/login" in r.headers["Location"]
        assert c.post("/reset", data={}).status_code == 401
        assert c.get("/reports", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        token = csrf_of(c, "/login")
        assert c.post("/login", data={"password": "wrong", "csrf_token": token}).status_code == 401
        assert c.post("/login", data={"password": "s3cret", "csrf_token": token}).status_code == 302
        assert c.get("/verify").status_code == 200
    finally:
        app.extensions["interop_console"].close()


def test_on_loopback_a_foreign_host_name_is_refused(client: Any) -> None:
    """A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) gets nothing."""
    assert client.get("/", headers={"Host": "attacker.example:8100"}).status_code == 421
    assert client.get("/", headers={"Host": "localhost:8100"}).status_code == 200


def test_a_report_file_cannot_be_read_from_outside_the_runs_folder(client: Any, tmp_path: Path) -> None:
    runs = tmp_path / "console" / "runs" / "r1"
    runs.mkdir(parents=True)
    (runs / "report.html").write_text("<p>ok</p>")
    (tmp_path / "secret.txt").write_text("no")
    assert client.get("/reports/r1/report.html").status_code == 200
    assert "script-src" not in client.get("/reports/r1/report.html").headers["Content-Security-Policy"]
    assert client.get("/reports/r1/../../secret.txt").status_code == 404
    assert client.get("/reports/..%2F..%2Fsecret.txt/x").status_code == 404


# the run queue and its writer, without a browser ---------------------------------------------


def _run(tmp_path: Path) -> tuple[RunQueue, ConsoleRun]:
    q = RunQueue(tmp_path)
    run = ConsoleRun("r", RunRequest("custody", "http://127.0.0.1:1", ["contracts", "fuzz"]), tmp_path / "r")
    q.runs["r"] = run
    return q, run


def test_the_live_writer_tracks_progress_and_findings(tmp_path: Path) -> None:
    q, run = _run(tmp_path)
    run.operations_total = 4
    w = LiveWriter(run, q.changed)
    w.handle(SuiteStarted("contracts"))
    assert 0 < run.progress < 0.1
    w.handle(CheckResult("contracts", "a", "passed", operation="GET /x"))
    assert run.progress == 0.125  # one of four operations, in the first of two suites
    w.handle(Finding("contracts", "c", "error", "GET /x", "bad", "detail"))
    w.handle(SuiteFinished("contracts", 1, 0, 0))
    assert run.progress == 0.5 and run.counts["passed"] == 1 and run.findings[0]["title"] == "bad"


def test_a_cancelled_run_stops_at_its_next_event(tmp_path: Path) -> None:
    from harness.console.runs import RunCancelled

    q, run = _run(tmp_path)
    run.state = "running"
    w = LiveWriter(run, q.changed)
    q.cancel("r")
    with pytest.raises(RunCancelled):
        w.handle(CheckResult("fuzz", "a", "passed"))


def test_a_queued_run_can_be_cancelled_before_it_starts(tmp_path: Path) -> None:
    q, run = _run(tmp_path)
    assert q.cancel("r") is run and run.state == "cancelled" and not run.active


def test_an_unreachable_target_ends_the_run_with_its_one_line_error(tmp_path: Path) -> None:
    q = RunQueue(tmp_path)
    run = q.submit(RunRequest("custody", "http://127.0.0.1:9", ["contracts"]))
    deadline = time.monotonic() + 30
    while run.active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.state == "error" and run.error and "Traceback" not in run.error


def test_sse_events_carry_multi_line_html_and_resume_from_the_last_id() -> None:
    assert event("x", "<p>\na</p>", id=3) == "id: 3\nevent: x\ndata: <p>\ndata: a</p>\n\n"
    from flask import Flask

    with Flask(__name__).test_request_context(headers={"Last-Event-ID": "7"}):
        assert resume_from("2", 0) == 7
    with Flask(__name__).test_request_context():
        assert resume_from("2", 0) == 2 and resume_from("x", 5) == 5


def test_the_curl_reproduction_quotes_what_came_from_traffic() -> None:
    cmd = curl_for(
        "http://h:1", {"method": "POST", "path": "/x", "query": "a=1&b='", "request_body": '{"a": "$(id)"}'}
    )
    assert cmd.startswith("curl -i -X POST 'http://h:1/x?a=1&b='\"'\"''")
    assert '\'{"a": "$(id)"}\'' in cmd and '"Authorization: Bearer $TOKEN"' in cmd


class _LongLog:
    """A system whose traffic log already holds 5,000 exchanges (seq 1..5000), read as the API reads."""

    names = ["records"]

    def __init__(self) -> None:
        self.reads = 0

    def traffic(self, system: str, cursor: str | None, limit: int = 200) -> dict[str, Any]:
        from simulators.core.paging import decode_cursor

        self.reads += 1
        after = decode_cursor(cursor) if cursor else 0
        seqs = range(after + 1, min(after + limit, 5000) + 1)
        items = [{"seq": s, "status": 200} for s in seqs]
        return {"items": items, "next_cursor": "more" if seqs and seqs[-1] < 5000 else None}


def test_the_feed_starts_at_the_end_of_a_long_log_not_its_beginning() -> None:
    from harness.console.traffic_feed import BACKLOG, TrafficFeed

    log = _LongLog()
    feed = TrafficFeed(log)  # type: ignore[arg-type]
    assert feed.poll_once() == BACKLOG
    seqs = [e["seq"] for e in feed.newest_first(TrafficFilter(), limit=10_000)]
    assert seqs[0] == 5000 and seqs[-1] == 5000 - BACKLOG + 1
    assert log.reads < 40  # probes for the end, then one page; never the 25 pages of history


def test_interop_up_refuses_a_console_off_loopback_without_a_password(tmp_path: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "harness.cli", "up", "--console-host", "0.0.0.0", "--home", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
    )
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "--console-password" in r.stderr
    assert not (tmp_path / "population").exists()  # refused before anything started


def test_the_static_files_ship_with_the_package() -> None:
    """pyproject's package-data covers every static file, and htmx comes with its licence."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[2]
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["*"]
    static = root / "harness" / "console" / "static"
    names = {p.name for p in static.iterdir()}
    assert {"htmx.min.js", "htmx-ext-sse.min.js", "console.js", "console.css", "LICENSE-htmx.txt"} <= names
    assert all(any(fnmatch.fnmatch(n, pat) for pat in patterns) for n in names), names


def test_queued_runs_go_one_at_a_time_in_order(tmp_path: Path) -> None:
    q = RunQueue(tmp_path)
    first = q.submit(RunRequest("custody", "http://127.0.0.1:9", ["contracts"]))
    second = q.submit(RunRequest("records", "http://127.0.0.1:9", ["contracts"]))
    deadline = time.monotonic() + 60
    while (first.active or second.active) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.state == second.state == "error"
    assert first.ended is not None and second.started is not None and second.started >= first.ended
    assert [r.id for r in q.newest_first()] == [second.id, first.id]


def _report(folder: Path, target: str, verdict: str) -> None:
    folder.mkdir(parents=True)
    report = {
        "role": "custody",
        "target": target,
        "verdict": verdict,
        "suites": [{"name": "fuzz", "passed": 1, "failed": 0, "skipped": 0}],
        "checks": [{"suite": "fuzz", "group": "GET /x", "name": "GET /x status", "status": "passed"}],
        "findings": [],
    }
    (folder / "report.json").write_text(json.dumps(report))
    (folder / "report.html").write_text("<p>report</p>")


def test_reports_list_runs_compare_them_and_link_evidence(client: Any, tmp_path: Path) -> None:
    runs = tmp_path / "console" / "runs"
    _report(runs / "20260101-000000-custody-1", "http://a.example<b>", "pass")
    _report(runs / "20260101-000001-custody-2", "http://b.example", "fail")
    (runs / "20260101-000001-custody-2" / "evidence").mkdir()
    (runs / "20260101-000001-custody-2" / "evidence" / "manifest.json").write_text("{}")
    page = client.get("/reports").get_data(as_text=True)
    assert "http://a.example&lt;b&gt;" in page and "does not conform" in page and "conforms" in page
    assert page.count("evidence pack</a>") == 1
    token = csrf_of(client, "/reports")
    r = client.post(
        "/reports/compare",
        data={"run": ["20260101-000000-custody-1", "20260101-000001-custody-2"], "csrf_token": token},
    )
    assert r.status_code == 302 and "/reports/comparisons/compare-" in r.headers["Location"]
    compared = client.get(r.headers["Location"])
    assert compared.status_code == 200 and "b.example" in compared.get_data(as_text=True)
    assert "script-src" not in compared.headers["Content-Security-Policy"]
    files = client.get("/reports/20260101-000001-custody-2/").get_data(as_text=True)
    assert "evidence/manifest.json" in files


def test_faults_are_switched_and_shown_in_words(client: Any, custody_sim: RunningSim) -> None:
    token = csrf_of(client)
    r = client.post("/systems/custody/faults", data={"down": "on", "latency_ms": "20", "csrf_token": token})
    assert r.status_code == 302
    assert custody_sim.sim("GET", "/faults").json()["down"] is True
    assert "down (503); latency 20 ms" in client.get("/").get_data(as_text=True)
    client.post("/systems/custody/faults", data={"latency_ms": "", "csrf_token": token})
    assert custody_sim.sim("GET", "/faults").json()["down"] is False
    page = client.get("/").get_data(as_text=True)
    assert '<dd class="faults">none</dd>' in page
    bad = client.post("/systems/custody/faults", data={"error_rate": "lots", "csrf_token": token})
    assert bad.status_code == 302
    assert "faults:" in client.get("/").get_data(as_text=True)  # the refusal, as a message


def test_with_no_suite_ticked_the_run_has_the_default_suites_never_the_opt_in_ones(console_app: Any) -> None:
    from harness.console.state import state
    from harness.console.views_verify import _request_from_form
    from harness.suites import ALL_SUITES, OPT_IN_SUITES

    with console_app.test_request_context("/verify", method="POST", data={"role": "custody"}):
        req = _request_from_form(state())
    assert req.suites == list(ALL_SUITES)
    assert not set(req.suites) & set(OPT_IN_SUITES)  # load, consumer, portability put data into a product
