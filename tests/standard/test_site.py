"""The reference site's own pages (harness/standard/site.py, site_pages.py), without a browser.

Built once without Redocly (`references=False`): every scenario, requirement, code list entry and
quirk is on its page; text from the files is escaped; the output folder of a build is never a
user's folder; the offline check of the Redoc pages finds what a page would load from another
host. tests/standard/test_site_browser.py renders the whole site, Redoc included, in Chromium.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
import yaml

from harness.errors import InteropError
from harness.evidence.catalogue import load_catalogue
from harness.scenarios import scenario_files
from harness.scenarios.document import scenario_name
from harness.standard import site_pages
from harness.standard.site import MARKER, build_site, check_out
from harness.standard.site_redoc import external_references
from simulators.core.quirks import QUIRKS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    built = build_site(out, references=False)
    assert built.references == [] and built.references_missing
    return out


def text_of(site: Path, page: str) -> str:
    return html.unescape((site / page).read_text(encoding="utf-8"))


def test_the_site_has_every_page_and_the_documents(site: Path) -> None:
    for page in (
        "index.html",
        "standard.html",
        "conventions.html",
        "changelog.html",
        "scenarios.html",
        "requirements.html",
        "codelists.html",
        "quirks.html",
        "site.css",
        MARKER,
    ):
        assert (site / page).is_file(), page
    for system in ("records", "custody", "intelligence"):
        copied = json.loads((site / "api" / f"{system}.json").read_text())
        assert copied == json.loads((REPO / "contracts" / "bundled" / f"{system}.json").read_text())
    index = text_of(site, "index.html")
    assert 'id="api-not-built"' in index and "make site" in index  # says how to get the API pages


def test_every_scenario_is_in_the_catalogue_with_its_steps(site: Path) -> None:
    page = text_of(site, "scenarios.html")
    files = scenario_files(REPO / "scenarios")
    assert files
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert f'id="{scenario_name(path)}"' in page
        assert doc["info"]["title"] in page
        for workflow in doc["workflows"]:
            for step in workflow["steps"]:
                assert f"<code>{step['stepId']}</code>" in page, f"{path.name}: step {step['stepId']}"
    assert "unresolved" not in page and "Cannot be read" not in page


def test_every_requirement_is_on_the_requirements_page_under_its_group(site: Path) -> None:
    page = text_of(site, "requirements.html")
    catalogue = load_catalogue()
    for group in catalogue.groups:
        members = catalogue.in_group(group.id)
        if members:
            assert f'id="group-{group.id}"' in page and group.title in page
    for requirement in catalogue.requirements:
        assert f'<tr id="{requirement.id}">' in page, requirement.id
        assert requirement.statement in page, requirement.id
        # under its group: after the group's heading
        assert page.index(f'id="group-{requirement.group}"') < page.index(f'<tr id="{requirement.id}">')


def test_every_code_list_entry_is_on_the_code_lists_page(site: Path) -> None:
    page = text_of(site, "codelists.html")
    files = sorted((REPO / "contracts" / "codelists").glob("*.yaml"))
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        section = page[page.index(f'id="{doc["id"]}"') :]
        for entry in doc["entries"]:
            assert f"<code>{entry['code']}</code>" in section, f"{doc['id']}: {entry['code']}"


def test_every_quirk_is_on_the_quirks_page(site: Path) -> None:
    page = text_of(site, "quirks.html")
    for quirk in QUIRKS.values():
        assert f'id="quirk-{quirk.name}"' in page and quirk.models in page


def test_text_from_the_files_is_escaped_and_markdown_gives_no_raw_html() -> None:
    rendered = site_pages.markdown(
        "# T\n\n<script>alert(1)</script> [x](javascript:alert(1)) [s](standard.md#a)"
    )
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert 'href="javascript:' not in rendered
    assert 'href="standard.html#a"' in rendered  # a link to a document of the site follows the site
    page = site_pages.Renderer("<b>std</b>", "1.0.0").page(
        "quirks.html", "Q", quirks=[{"name": "<i>", "systems": ["records"], "models": "<img src=x>"}], body=""
    )
    assert "<img src=x>" not in page.html and "&lt;img src=x&gt;" in page.html
    assert "<b>std</b>" not in page.html


def test_code_lists_whatever_their_shape_are_shown_or_said_unreadable(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(
        "id: good\ntitle: Good\nsource: {title: S, url: 'javascript:alert(1)'}\n"
        "entries: [{code: A, title: '<b>a</b>', extra: [1, 2]}]\n"
    )
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n")
    (tmp_path / "flat.yaml").write_text("just text\n")
    lists = {entry["id"]: entry for entry in site_pages.code_lists(tmp_path)}
    assert lists["good"]["entries"] == [{"code": "A", "title": "<b>a</b>", "extra": "1, 2"}]
    assert lists["good"]["source_url"] == ""  # never a javascript: link
    assert lists["bad"]["problem"] and lists["flat"]["problem"]
    assert site_pages.code_lists(tmp_path / "absent") == []


def test_a_build_never_replaces_a_folder_it_did_not_build(tmp_path: Path, site: Path) -> None:
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("keep me")
    with pytest.raises(InteropError, match="other files"):
        check_out(mine)
    with pytest.raises(InteropError, match="not a folder"):
        check_out(mine / "thesis.txt")
    check_out(tmp_path / "new")  # a new folder
    empty = tmp_path / "empty"
    empty.mkdir()
    check_out(empty)
    again = tmp_path / "again"
    shutil.copytree(site, again)
    check_out(again)  # a site built before is replaced


def test_the_offline_check_finds_what_a_page_would_load_from_another_host() -> None:
    page = (
        '<link rel="modulepreload" href="https://cdn.example/redoc.js">'
        '<script src="//cdn.example/x.js"></script>'
        "<style>@font-face{src:url(https://fonts.example/f.woff2)} @import 'https://css.example/a.css';</style>"
        '<a href="https://redocly.com/">made with Redoc</a>'  # a link the reader may follow: not loaded
        '<link rel="stylesheet" href="site.css"><script>var u = "https://not.loaded/"</script>'
    )
    assert external_references(page) == [
        "https://cdn.example/redoc.js",
        "//cdn.example/x.js",
        "https://fonts.example/f.woff2",
        "https://css.example/a.css",
    ]


def test_the_console_serves_the_site_and_builds_it_on_first_visit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under /standard/: the site's pages with a policy that allows no script, the Redoc pages with
    one that allows only their inline script; nothing outside the site's folder. With no built
    site (no `make site`), the first visit builds one into the console's state folder."""
    import harness.standard.site
    from harness.console import ConsoleSettings, create_app
    from harness.console.views_standard import PAGES_CSP, REFERENCE_CSP

    monkeypatch.setattr(harness.standard.site, "DEFAULT_OUT", tmp_path / "no-make-site")
    monkeypatch.setenv("INTEROP_REDOCLY", str(tmp_path / "no-redocly"))
    app = create_app(ConsoleSettings(systems={}, home=tmp_path / "home"))
    try:
        client = app.test_client()
        assert client.get("/standard").status_code == 302
        index = client.get("/standard/")
        assert index.status_code == 200 and b'id="api-not-built"' in index.data
        assert index.headers["Content-Security-Policy"] == PAGES_CSP and "script-src" not in PAGES_CSP
        assert (tmp_path / "home" / "site" / "index.html").is_file()
        assert client.get("/standard/requirements.html").status_code == 200
        document = client.get("/standard/api/records.json")
        assert document.status_code == 200 and document.json["info"]["title"]
        for escape in (
            "/standard/../pyproject.toml",
            "/standard/%2e%2e/pyproject.toml",
            "/standard//etc/passwd",
        ):
            assert client.get(escape, follow_redirects=True).status_code == 404, escape
        (tmp_path / "home" / "site" / "api" / "records.html").write_text("<p>redoc</p>")
        reference = client.get("/standard/api/records.html")
        assert reference.headers["Content-Security-Policy"] == REFERENCE_CSP
        assert (
            "'self'" not in REFERENCE_CSP.split("script-src")[1].split(";")[0]
        )  # inline only, no other host
    finally:
        app.extensions["interop_console"].close()
