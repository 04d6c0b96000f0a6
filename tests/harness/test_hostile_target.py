"""A hostile product (tests/harness/hostile_app.py) verified end to end: whatever it answers, every
report shows it as data. junit.xml parses, report.json is valid and bounded, the terminal gets no
escape sequence or rich markup from it, and in a real browser no script of its runs in report.html
or the comparison page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml

from harness.reports.compare import write_comparison
from harness.reports.safe import TEXT_LIMIT
from simulators.core.server import ServerThread
from tests.harness.hostile_app import (
    ANSI_COLOUR,
    ANSI_TITLE,
    BODY_TEXT,
    CDATA_END,
    RICH,
    SCRIPT,
    hostile_app,
)

INTEROP = [sys.executable, "-m", "harness.cli"]
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202e]")
CUT_NOTE = "... [cut: 999,999,999 more bytes]"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `interop verify` of the hostile product (contracts, fuzz, scenarios) on a colour terminal."""
    tmp = tmp_path_factory.mktemp("hostile")
    env = {
        **os.environ,
        "INTEROP_HOME": str(tmp / "home"),
        "PACT_DO_NOT_TRACK": "true",
        "FORCE_COLOR": "1",  # rich writes its own colours: the target's escapes must still not pass
        "TERM": "xterm-256color",
        "COLUMNS": "250",
    }
    with ServerThread(hostile_app) as server:
        done = subprocess.run(
            [
                *INTEROP,
                "verify",
                "--role",
                "records",
                "--target",
                server.url,
                *("--suite", "contracts", "--suite", "fuzz", "--suite", "scenarios"),
                *("--max-examples", "3", "--seed", "1"),
                "--report-dir",
                str(tmp / "report"),
            ],
            capture_output=True,
            text=True,
            errors="surrogateescape",
            timeout=300,
            env=env,
        )
    return {"dir": tmp / "report", "run": done, "tmp": tmp}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_hostile_product_is_judged_not_conforming(hostile):
    run = hostile["run"]
    assert run.returncode == 1, run.stderr[-3000:]
    report = json.loads((hostile["dir"] / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "fail"
    suites = {s["name"] for s in report["suites"]}
    assert suites == {"contracts", "fuzz", "scenarios"}
    # the target's text reached the findings (so the rest of this module tests something)
    assert any(SCRIPT in f["detail"] for f in report["findings"])


def test_report_json_is_valid_bounded_and_free_of_control_characters(hostile):
    raw = (hostile["dir"] / "report.json").read_bytes()
    report = json.loads(raw.decode("utf-8"))
    strings = _strings(report)
    assert strings and not [s for s in strings if CONTROL.search(s)]
    longest = max(len(s.encode("utf-8")) for s in strings)
    assert longest <= TEXT_LIMIT + len(CUT_NOTE)
    assert any("\\x1b[31m" in s for s in strings)  # the escape is shown, as text


def test_junit_xml_parses_and_shows_the_target_text_as_text(hostile):
    path = hostile["dir"] / "junit.xml"
    xml = JUnitXml.fromfile(str(path))
    failures = sum(suite.failures for suite in xml)
    report = json.loads((hostile["dir"] / "report.json").read_text(encoding="utf-8"))
    assert failures == sum(f["severity"] == "error" for f in report["findings"]) > 0
    texts = [el.text or "" for el in ET.parse(path).iter("failure")]
    assert any(SCRIPT in t and CDATA_END in t and RICH in t for t in texts)
    assert not CONTROL.search(path.read_text(encoding="utf-8"))


def test_console_shows_markup_literally_and_passes_no_escape_sequence(hostile):
    out = hostile["run"].stderr
    assert RICH in out  # shown literally, not interpreted
    assert "\x1b[1;31mx" not in out  # ... and not rendered as bold red
    for seq in (ANSI_COLOUR + "red", ANSI_TITLE, "\x1b]0;", "\x07", "\x00", "\u202e"):
        assert seq not in out
    assert "\x1b[" in out  # rich's own colours are there: the terminal was a colour one
    failed = [line for line in out.splitlines() if "FAILED" in line]
    assert failed and all(": " in line.split("FAILED", 1)[1] for line in failed)  # each says why
    assert "DOES NOT CONFORM" in out


def _inspect(page: Any, path: Path, shot: Path) -> dict[str, Any]:
    """Open a report page; return what ran and what is shown, after trying to run a script in it."""
    page.goto(path.as_uri())
    page.screenshot(path=str(shot), full_page=False)
    found = page.evaluate(
        """() => {
          const probe = document.createElement('script');
          probe.textContent = 'window.__cspProbe = 1';
          document.body.appendChild(probe);  // an inline script the page's CSP must refuse
          return {
            pwned: typeof window.__pwned,
            probe: typeof window.__cspProbe,
            scripts: document.scripts.length - 1,
            imgs: document.images.length,
            text: document.body.innerText,
            csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content || '',
            styled: getComputedStyle(document.querySelector('h1')).fontSize,
          };
        }"""
    )
    return found


def _assert_safe(found: dict[str, Any], shipped_html: str) -> None:
    assert found["pwned"] == "undefined"  # no script of the target ran
    assert found["probe"] == "undefined"  # and the CSP refuses any inline script
    assert found["scripts"] == shipped_html.count("<script") == 0
    assert found["imgs"] == 0  # no element of the target's was created
    assert "script-src 'none'" in found["csp"]
    assert found["styled"] == "25.6px"  # our stylesheet (1.6rem) is allowed by the CSP hash
    assert SCRIPT in found["text"] and RICH in found["text"]  # shown as text
    assert "\\x1b[31m" in found["text"]


def test_report_html_runs_no_target_script_in_a_browser(hostile, browser_page, tmp_path):
    page = hostile["dir"] / "report.html"
    found = _inspect(browser_page, page, tmp_path / "report.png")
    _assert_safe(found, page.read_text(encoding="utf-8"))
    assert "DOES NOT CONFORM" in found["text"]
    assert (tmp_path / "report.png").stat().st_size > 5000


def test_comparison_page_runs_no_target_script_in_a_browser(hostile, browser_page, tmp_path):
    # A second, hand-made report.json (a vendor sends theirs): hostile text where the page shows
    # labels and the causes of an inconclusive verdict.
    report = json.loads((hostile["dir"] / "report.json").read_text(encoding="utf-8"))
    report.update(
        target=BODY_TEXT,
        verdict="inconclusive",
        inconclusive=[{"cause": BODY_TEXT, "detail": BODY_TEXT * 2000}],
        findings=[],
    )
    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / "report.json").write_text(json.dumps(report), encoding="utf-8")
    out = tmp_path / "compare.html"
    write_comparison([hostile["dir"], forged], out)
    found = _inspect(browser_page, out, tmp_path / "compare.png")
    _assert_safe(found, out.read_text(encoding="utf-8"))
    assert "DOES NOT CONFORM" in found["text"] and "INCONCLUSIVE" in found["text"]
    assert "[cut: " in found["text"]  # the forged cause was bounded
