"""The standard's reference site: static HTML that a force's analyst can read with no network.

`build_site(out)` writes, from the repository as it is at build time:
- `index.html`: the systems, their versions and documents, and the other pages;
- `api/<system>.html`: one API reference per bundled document, rendered by Redocly's CLI
  (site_redoc.py), when it is installed; `api/<system>.json`: the bundled documents themselves;
- `standard.html`, `conventions.html`, `changelog.html`: docs/standard.md, docs/conventions.md,
  contracts/CHANGELOG.md;
- `scenarios.html`, `requirements.html`, `codelists.html`, `quirks.html`: the scenario catalogue,
  the requirements catalogue, the published code lists and the simulators' quirk profiles
  (site_pages.py).
`make site` and `interop standard site` build it; `interop up` serves it under /standard/.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InteropError
from harness.standard import site_pages, site_redoc

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "build" / "site"
MARKER = ".interop-site"  # in every built site: only such a folder (or an empty one) is replaced


def check_out(out: Path) -> None:
    """Refuse an output folder that holds something other than a site this module built: a build
    replaces the folder, and must never delete a user's files."""
    if out.exists() and not out.is_dir():
        raise InteropError(f"{out}: not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InteropError(
            f"{out}: a folder with other files in it; give an empty or new folder (or a built site)"
        )


@dataclass
class SiteBuild:
    """What a build wrote, and why the API references are missing when they are."""

    out: Path
    pages: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # systems with an api/<system>.html
    references_missing: str | None = None


def _systems() -> list[str]:
    from simulators.core.config import SYSTEMS

    return list(SYSTEMS)


def build_site(out: Path = DEFAULT_OUT, *, references: bool = True, repo: Path = REPO) -> SiteBuild:
    """Build the site into `out` (replacing what a previous build wrote there).

    `references=False` skips Redocly (the Python pages only). A missing Redocly is no error: the
    index says how to get the API references; a Redocly that fails or whose page would use the
    network is (InteropError).
    """
    check_out(out)
    bundled = repo / "contracts" / "bundled"
    documents = {s: json.loads((bundled / f"{s}.json").read_text(encoding="utf-8")) for s in _systems()}
    first = next(iter(documents.values()))
    version = str(first.get("info", {}).get("version", ""))
    build = SiteBuild(out)
    staging: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))  # ours alone
        staging.chmod(0o755)  # readable like any built folder (mkdtemp makes it private)
        (staging / "api").mkdir()
        if references:
            try:
                site_redoc.redocly()
            except site_redoc.RedoclyMissing as exc:
                build.references_missing = str(exc)
            else:
                for system in documents:
                    title = f"{documents[system].get('info', {}).get('title', system)} (API reference)"
                    site_redoc.build_reference(
                        bundled / f"{system}.json", staging / "api" / f"{system}.html", title
                    )
                    build.references.append(system)
        else:
            build.references_missing = "not built: interop standard site --no-references"
        for system in documents:
            shutil.copyfile(bundled / f"{system}.json", staging / "api" / f"{system}.json")
        shutil.copyfile(site_pages.TEMPLATES / "site.css", staging / "site.css")
        (staging / MARKER).write_text("built by interop standard site\n", encoding="utf-8")
        for page in _pages(repo, documents, version, build):
            (staging / page.name).write_text(page.html, encoding="utf-8")
            build.pages.append(page.name)
        shutil.rmtree(out, ignore_errors=True)
        staging.rename(out)
    except OSError as exc:
        raise InteropError(f"could not write the site into {out}: {exc.strerror or exc}") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return build


def _pages(repo: Path, documents: dict[str, Any], version: str, build: SiteBuild) -> list[site_pages.Page]:
    render = site_pages.Renderer("Police interoperability standard", version)
    docs = repo / "docs"
    pages = [
        render.markdown_page("standard.html", "The standard as a product", docs / "standard.md", repo),
        render.markdown_page("conventions.html", "Conventions", docs / "conventions.md", repo),
        render.markdown_page("changelog.html", "Changelog", repo / "contracts" / "CHANGELOG.md", repo),
    ]
    scenarios = site_pages.scenario_entries(repo / "scenarios")
    pages.append(render.page("scenarios.html", "Scenario catalogue", scenarios=scenarios))
    groups, count = site_pages.requirement_groups(repo / "contracts" / "requirements.yaml")
    pages.append(render.page("requirements.html", "Requirements", groups=groups, count=count))
    lists_dir = repo / "contracts" / "codelists"
    readme = lists_dir / "README.md"
    pages.append(
        render.page(
            "codelists.html",
            "Code lists",
            lists=site_pages.code_lists(lists_dir),
            intro=site_pages.markdown(site_pages.split_title(readme.read_text(encoding="utf-8"))[1])
            if readme.is_file()
            else "",
        )
    )
    quirks_doc = docs / "quirks.md"
    pages.append(
        render.page(
            "quirks.html",
            "Quirk profiles",
            quirks=site_pages.quirk_rows(),
            body=site_pages.markdown(site_pages.split_title(quirks_doc.read_text(encoding="utf-8"))[1])
            if quirks_doc.is_file()
            else "",
            source="docs/quirks.md",
        )
    )
    present = [p for p in pages if p is not None]
    systems = [
        {
            "name": name,
            "title": str(doc.get("info", {}).get("title", name)),
            "version": str(doc.get("info", {}).get("version", "")),
            "operations": sum(
                1
                for item in doc.get("paths", {}).values()
                for op in item.values()
                if isinstance(op, dict) and "operationId" in op
            ),
            "reference": name in build.references,
        }
        for name, doc in documents.items()
    ]
    index = render.page(
        "index.html",
        "Police interoperability standard",
        systems=systems,
        api_built=bool(build.references),
        api_missing=build.references_missing or "",
        pages=[(p.name, p.title) for p in present],
    )
    return [index, *present]
