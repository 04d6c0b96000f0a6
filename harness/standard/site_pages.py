"""The reference site's own pages (everything but the Redoc API references): what each shows.

Each function reads one part of the standard from the repository as it is at build time and
returns the page's HTML. Every value read is text: Jinja2 escapes it, and markdown is rendered by
markdown-it-py with raw HTML off (a `<script>` in a document shows as text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("site_templates")
# Markdown documents of the repository that are pages of the site: a link to one becomes a link to its page.
MARKDOWN_PAGES = {
    "standard.md": "standard.html",
    "conventions.md": "conventions.html",
    "quirks.md": "quirks.html",
    "CHANGELOG.md": "changelog.html",
}
NAV = [
    ("index.html", "Overview"),
    ("standard.html", "The standard"),
    ("conventions.html", "Conventions"),
    ("scenarios.html", "Scenarios"),
    ("requirements.html", "Requirements"),
    ("codelists.html", "Code lists"),
    ("quirks.html", "Quirk profiles"),
    ("changelog.html", "Changelog"),
]


@dataclass(frozen=True)
class Page:
    """One page of the site: its file name, title and HTML."""

    name: str
    title: str
    html: str


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is text from a file, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown(text: str) -> Markup:
    """Markdown as HTML: raw HTML in the text is escaped, links to the site's documents follow the site."""
    tokens = _MD.parse(text)
    for token in tokens:
        for child in [token, *(token.children or [])]:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                target, _, anchor = href.partition("#")
                page = MARKDOWN_PAGES.get(Path(target).name) if target.endswith(".md") else None
                if page:
                    child.attrSet("href", page + (f"#{anchor}" if anchor else ""))
    return Markup(_MD.renderer.render(tokens, _MD.options, {}))


def split_title(text: str) -> tuple[str | None, str]:
    """(the document's leading `# heading`, the rest): the page shows its title once."""
    first, _, rest = text.lstrip().partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest
    return None, text


class Renderer:
    """Renders the pages with the standard's title and version in every header."""

    def __init__(self, standard_title: str, version: str) -> None:
        self.env = _environment()
        self.common = {"standard_title": standard_title, "version": version, "nav": NAV}

    def page(self, name: str, title: str, template: str | None = None, **values: Any) -> Page:
        """`name` rendered from `template` (default: the template named after the page)."""
        html = self.env.get_template(template or f"{name}.j2").render(
            title=title, here=name, root="", **self.common, **values
        )
        return Page(name, title, html)

    def markdown_page(self, name: str, title: str, path: Path, repo: Path) -> Page | None:
        """A markdown document as a page; its own first heading, if any, is the page's title."""
        if not path.is_file():
            return None
        heading, text = split_title(path.read_text(encoding="utf-8"))
        title = heading or title
        body = markdown(text)
        return self.page(name, title, "markdown.html.j2", body=body, source=str(path.relative_to(repo)))


# -- scenarios ---------------------------------------------------------------------------------------


def scenario_entries(directory: Path) -> list[dict[str, Any]]:
    """Each scenario of `directory`: name, title, summary, key role, systems, workflows and steps."""
    from harness.scenarios import scenario_files, validate_file
    from harness.scenarios.runner import systems_of

    out = []
    for path in scenario_files(directory):
        scenario, problems = validate_file(path)
        if scenario is None:
            out.append(_unreadable_scenario(path, "; ".join(str(p) for p in problems) or "not a scenario"))
            continue
        workflows: list[dict[str, Any]] = []
        for workflow_id, workflow in scenario.workflows.items():
            steps = [_step(scenario, step) for step in workflow.get("steps") or []]
            workflows.append(
                {"id": workflow_id, "summary": str(workflow.get("summary") or ""), "steps": steps}
            )
        try:
            systems = sorted(systems_of(scenario))
        except Exception:  # noqa: BLE001 - an unresolvable step is shown on its row, not fatal here
            systems = sorted({s["system"] for w in workflows for s in w["steps"] if s["system"]})
        out.append(
            {
                "name": scenario.name,
                "title": scenario.title,
                "summary": str(scenario.info.get("summary") or scenario.summary),
                "description": markdown(str(scenario.info.get("description") or "")),
                "key_role": scenario.key_role,
                "systems": systems,
                "requirements": sorted(scenario.requirements.items()),
                "workflows": workflows,
                "problem": "; ".join(str(p) for p in problems) if problems else "",
            }
        )
    return out


def _step(scenario: Any, step: dict[str, Any]) -> dict[str, str]:
    row = {"id": str(step.get("stepId", "")), "description": str(step.get("description") or "")}
    if "workflowId" in step:
        return {**row, "system": "", "operation": f"workflow {step['workflowId']}"}
    try:
        operation = scenario.operation(step)
    except Exception as exc:  # noqa: BLE001 - shown as the step's operation
        reference = step.get("operationId") or step.get("operationPath") or ""
        return {**row, "system": "", "operation": f"{reference} (unresolved: {exc})"}
    label = operation.label if not operation.operation_id else f"{operation.operation_id}: {operation.label}"
    return {**row, "system": operation.system, "operation": label}


def _unreadable_scenario(path: Path, problem: str) -> dict[str, Any]:
    from harness.scenarios.document import scenario_name

    name = scenario_name(path)
    return {
        "name": name,
        "title": name,
        "summary": "",
        "description": "",
        "key_role": None,
        "systems": [],
        "requirements": [],
        "workflows": [],
        "problem": problem,
    }


# -- requirements ------------------------------------------------------------------------------------


def requirement_groups(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The catalogue's groups, each with its requirements, and the number of requirements."""
    from harness.evidence.catalogue import parse_catalogue

    catalogue = parse_catalogue(path.read_text(encoding="utf-8"), str(path))
    groups = [
        {"id": g.id, "title": g.title, "requirements": catalogue.in_group(g.id)} for g in catalogue.groups
    ]
    return [g for g in groups if g["requirements"]], len(catalogue.requirements)


# -- code lists --------------------------------------------------------------------------------------


def code_lists(directory: Path) -> list[dict[str, Any]]:
    """Every code list file in `directory` (whatever is there at build time), for its page."""
    out = []
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            out.append(_unreadable_list(path, type(exc).__name__))
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
            out.append(_unreadable_list(path, "no list of entries"))
            continue
        entries = [e for e in raw["entries"] if isinstance(e, dict)]
        columns: list[str] = []
        for entry in entries:
            columns += [str(k) for k in entry if str(k) not in columns]
        source: dict[str, Any] = raw["source"] if isinstance(raw.get("source"), dict) else {}
        out.append(
            {
                "id": str(raw.get("id") or path.stem),
                "title": str(raw.get("title") or path.stem),
                "description": " ".join(str(raw.get("description") or "").split()),
                "version": str(raw.get("version") or ""),
                "status": str(raw.get("status") or ""),
                "source": str(source.get("title") or raw.get("source") or ""),
                "source_url": _safe_url(source.get("url")),
                "source_date": str(source.get("date") or ""),
                "used_by": [_used_by(u) for u in raw.get("used_by") or []],
                "columns": columns,
                "entries": [{k: _cell(v) for k, v in e.items()} for e in entries],
                "problem": "",
            }
        )
    return out


def _unreadable_list(path: Path, problem: str) -> dict[str, Any]:
    return {
        "id": path.stem,
        "title": path.stem,
        "description": "",
        "version": "",
        "status": "",
        "source": "",
        "source_url": "",
        "source_date": "",
        "used_by": [],
        "columns": [],
        "entries": [],
        "problem": problem,
    }


def _used_by(use: Any) -> str:
    if isinstance(use, dict):
        return " ".join(f"{k}: {_cell(v)}" for k, v in use.items())
    return _cell(use)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(_cell, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _safe_url(value: Any) -> str:
    """A link target from a file: http(s) or a relative path only (never javascript: or data:)."""
    text = str(value or "").strip()
    if re.match(r"^https?://", text, re.IGNORECASE) or (text and ":" not in text.split("/")[0]):
        return text
    return ""


# -- quirk profiles ----------------------------------------------------------------------------------


def quirk_rows() -> list[dict[str, Any]]:
    """The simulators' quirk catalogue (simulators/core/quirks.py): name, systems, the defect."""
    from simulators.core.quirks import QUIRKS

    return [{"name": q.name, "systems": list(q.systems), "models": q.models} for q in QUIRKS.values()]
