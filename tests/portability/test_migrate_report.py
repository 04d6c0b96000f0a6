"""The migration rehearsal page in headless Chromium: the summary and counts first, the losses in
a table, and a product's `<script>` shown as text, never run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.harness.conftest import browser_page, chromium_binary, playwright_browser  # noqa: F401
from tests.portability.harness_support import quirks
from tests.portability.test_migrate import LEGACY_ID, SCRIPT, migrate, report_of, source  # noqa: F401


@pytest.fixture(scope="module")
def rehearsal(source: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("rehearsal") / "out"
    with quirks(source, "export-drops-aliases"):
        code, _ = migrate("--from", source.url, "--to", "reference", "--out", str(out))
    assert code == 1
    return out


def test_the_page_shows_counts_and_losses_and_runs_no_script(rehearsal: Path, browser_page: Any) -> None:  # noqa: F811
    report = report_of(rehearsal)
    page = browser_page
    page.goto((rehearsal / "report.html").as_uri())
    assert page.inner_text("#outcome") == "DATA LOST OR REFUSED"
    summary = page.inner_text("#summary")
    assert f"{report['totals']['exported']} records exported" in summary
    assert f"{report['totals']['fields_lost']} value" in summary and "dropped or changed" in summary
    rows = page.eval_on_selector_all(
        "#counts tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )
    nominal = next(r for r in rows if r[0] == "nominal")
    counts = next(t for t in report["types"] if t["type"] == "nominal")
    assert nominal[1:3] == [str(counts["exported"]), str(counts["imported"])]
    assert nominal[5] == str(counts["fields_lost"]) != "0"
    losses = page.inner_text("#lost-values")
    assert LEGACY_ID in losses and "aliases" in losses and "dropped" in losses
    assert SCRIPT in losses  # the product's text, shown as text
    assert page.evaluate("document.scripts.length") == 0
    assert page.title().startswith("Migration rehearsal") and page.title() != "pwned"
    assert page.evaluate("document.querySelectorAll('#losses script').length") == 0
