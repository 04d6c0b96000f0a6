"""docs/conventions.md: every conformance note names requirements that exist, and the page is linked."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
REQUIREMENTS = yaml.safe_load((ROOT / "contracts" / "requirements.yaml").read_text(encoding="utf-8"))


def test_every_section_has_a_conformance_note_naming_known_requirements() -> None:
    known = {r["id"] for r in REQUIREMENTS["requirements"]}
    sections = re.split(r"^## ", PAGE, flags=re.M)[1:]
    assert len(sections) >= 9
    for section in sections:
        title = section.splitlines()[0]
        notes = re.findall(r"\*\*Conformance note[.:]?\*\*(.*?)(?:\n\n|\Z)", section, re.S)
        assert notes, f"section {title!r} has no conformance note"
        named = {i for note in notes for i in re.findall(r"`([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9.]+)+)`", note)}
        assert named, f"the conformance note of {title!r} names no requirement"
        assert named <= known, f"{title}: not in contracts/requirements.yaml: {sorted(named - known)}"


def test_the_documents_point_at_the_page() -> None:
    for system in ("records", "custody", "intelligence"):
        assert "docs/conventions.md" in (ROOT / "contracts" / "openapi" / f"{system}.yaml").read_text()


def test_the_code_list_table_names_every_published_list_with_its_size() -> None:
    listed = dict(re.findall(r"^\| \[`([a-z0-9-]+)`\]\([^)]*\) \| [^|]* \| (\d+) \|", PAGE, re.M))
    files = {
        p.stem: len(yaml.safe_load(p.read_text(encoding="utf-8"))["entries"])
        for p in (ROOT / "contracts" / "codelists").glob("*.yaml")
    }
    assert {k: int(v) for k, v in listed.items()} == files
