"""Code lists shared by the population generator and the simulators' validators.

The lists are published with the standard as machine-readable files, one per list, under
``contracts/codelists/`` (each names its source, version and entries); this module loads them once
at import, so the simulators accept exactly the published entries. Each list is exposed as a plain
``dict[str, str]`` mapping code -> title (in the file's order), so a validator can test membership
and an API can show the title; ``LISTS`` keeps the whole of each file (source, status, attributes
such as a classification's parent class). Entries with ``confirmed: false`` come from general
domain knowledge rather than a primary source (docs/domain.md 5) and are this range's convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

__all__ = [
    "CJS_OFFENCES",
    "CJS_OFFENCES_UNCONFIRMED",
    "CLASSIFICATIONS_ALL",
    "DETENTION_OUTCOMES",
    "ETHNICITY_16_PLUS_1",
    "ETHNICITY_18_PLUS_1",
    "ETHNICITY_OFFICER_DEFINED",
    "ETHNICITY_OFFICER_OBSERVED",
    "ETHNICITY_SELF_DEFINED_ALL",
    "GPMS_MARKINGS",
    "GRADING_3X5X2_HANDLING",
    "GRADING_3X5X2_INTELLIGENCE",
    "GRADING_3X5X2_SOURCE",
    "GRADING_5X5X5_HANDLING",
    "GRADING_5X5X5_INTELLIGENCE",
    "GRADING_5X5X5_SOURCE",
    "GRADING_SCHEMES",
    "GSC_CLASSIFICATIONS",
    "HOCR_CLASSIFICATIONS",
    "INCIDENT_CATEGORIES",
    "INTELLIGENCE_SOURCE_TYPES",
    "INTELLIGENCE_SUBJECT_ROLES",
    "LINK_ROLES",
    "LOCATION_LINK_ROLES",
    "OBJECT_LINK_ROLES",
    "OCCURRENCE_STATUSES",
    "OCCURRENCE_TYPES",
    "OFFICER_RANKS",
    "OUTCOMES",
    "SEXES",
    "WARNING_MARKERS",
]

#: Where the published lists live: the standard's ``contracts/codelists/`` folder.
CODELISTS_DIR: Final[Path] = Path(__file__).resolve().parents[2] / "contracts" / "codelists"


@dataclass(frozen=True)
class CodeList:
    """One published list: its file, metadata and entries (each a dict with ``code`` and ``title``)."""

    id: str
    title: str
    version: str
    status: str
    source: dict[str, Any]
    python_name: str
    used_by: tuple[dict[str, str], ...]
    entries: tuple[dict[str, Any], ...]
    path: Path

    def titles(self, *, confirmed_only: bool = False) -> dict[str, str]:
        """code -> title, in the file's order (``confirmed_only`` drops ``confirmed: false`` entries)."""
        return {
            str(e["code"]): str(e["title"])
            for e in self.entries
            if not confirmed_only or e.get("confirmed", True)
        }


def load_codelist(path: Path) -> CodeList:
    """Read one list file; codes and titles are strings, codes unique."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = tuple({**e, "code": str(e["code"]), "title": str(e["title"])} for e in doc["entries"])
    codes = [e["code"] for e in entries]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path.name}: a code appears twice")
    return CodeList(
        id=str(doc["id"]),
        title=str(doc["title"]),
        version=str(doc["version"]),
        status=str(doc["status"]),
        source=dict(doc["source"]),
        python_name=str(doc["python_name"]),
        used_by=tuple(doc.get("used_by") or ()),
        entries=entries,
        path=path,
    )


def load_all(folder: Path = CODELISTS_DIR) -> dict[str, CodeList]:
    """Every list in `folder`, by id (the file name without ``.yaml``)."""
    lists = [load_codelist(p) for p in sorted(folder.glob("*.yaml"))]
    return {cl.id: cl for cl in lists}


#: Every published list, by id.
LISTS: Final[dict[str, CodeList]] = load_all()
_BY_NAME = {cl.python_name: cl for cl in LISTS.values()}

# ----------------------------------------------------------------------------------------- crime

#: Home Office Counting Rules classifications, `class` or `class/subclass` (hocr-classifications.yaml).
HOCR_CLASSIFICATIONS: Final[dict[str, str]] = _BY_NAME["HOCR_CLASSIFICATIONS"].titles()
#: CJS offence codes with confirmed titles (cjs-offences.yaml).
CJS_OFFENCES: Final[dict[str, str]] = _BY_NAME["CJS_OFFENCES"].titles(confirmed_only=True)
#: Codes quoted in public glossaries whose meaning is unconfirmed; accepted nowhere (docs/domain.md 4.4).
CJS_OFFENCES_UNCONFIRMED: Final[dict[str, str]] = {
    k: v for k, v in _BY_NAME["CJS_OFFENCES"].titles().items() if k not in CJS_OFFENCES
}
#: Incident categories for non-crime occurrences (incident-categories.yaml; a range convention).
INCIDENT_CATEGORIES: Final[dict[str, str]] = _BY_NAME["INCIDENT_CATEGORIES"].titles()
#: Crime outcomes framework, April 2013 (crime-outcomes.yaml).
OUTCOMES: Final[dict[str, str]] = _BY_NAME["OUTCOMES"].titles()
OCCURRENCE_TYPES: Final[dict[str, str]] = _BY_NAME["OCCURRENCE_TYPES"].titles()
OCCURRENCE_STATUSES: Final[dict[str, str]] = _BY_NAME["OCCURRENCE_STATUSES"].titles()
#: Roles of a person linked to an occurrence (link-roles.yaml).
LINK_ROLES: Final[dict[str, str]] = _BY_NAME["LINK_ROLES"].titles()
#: Roles of an object, and of a location, linked to an occurrence.
OBJECT_LINK_ROLES: Final[dict[str, str]] = _BY_NAME["OBJECT_LINK_ROLES"].titles()
LOCATION_LINK_ROLES: Final[dict[str, str]] = _BY_NAME["LOCATION_LINK_ROLES"].titles()

# ----------------------------------------------------------------------------------------- custody

#: Custody outcome types (detention-outcomes.yaml).
DETENTION_OUTCOMES: Final[dict[str, str]] = _BY_NAME["DETENTION_OUTCOMES"].titles()
#: Police ranks in order of seniority (officer-ranks.yaml).
OFFICER_RANKS: Final[dict[str, str]] = _BY_NAME["OFFICER_RANKS"].titles()

# ----------------------------------------------------------------------------------------- persons

SEXES: Final[dict[str, str]] = _BY_NAME["SEXES"].titles()
#: Self-defined ethnicity, 18+1 (2011 Census basis); W3 and O2 are unconfirmed codes.
ETHNICITY_18_PLUS_1: Final[dict[str, str]] = _BY_NAME["ETHNICITY_18_PLUS_1"].titles()
#: Self-defined ethnicity, ONS 16+1 (the CJS data standard list).
ETHNICITY_16_PLUS_1: Final[dict[str, str]] = _BY_NAME["ETHNICITY_16_PLUS_1"].titles()
#: Union a tolerant reader should accept (both schemes in circulation; code-list drift is real).
ETHNICITY_SELF_DEFINED_ALL: Final[dict[str, str]] = {**ETHNICITY_16_PLUS_1, **ETHNICITY_18_PLUS_1}
#: Officer-observed ethnicity (IC codes, 6+1).
ETHNICITY_OFFICER_DEFINED: Final[dict[str, str]] = _BY_NAME["ETHNICITY_OFFICER_DEFINED"].titles()
#: The same list under the name the person field uses.
ETHNICITY_OFFICER_OBSERVED: Final[dict[str, str]] = ETHNICITY_OFFICER_DEFINED
#: PNC-style warning markers (warning-markers.yaml; a range convention).
WARNING_MARKERS: Final[dict[str, str]] = _BY_NAME["WARNING_MARKERS"].titles()

# ----------------------------------------------------------------------------------------- intelligence

INTELLIGENCE_SOURCE_TYPES: Final[dict[str, str]] = _BY_NAME["INTELLIGENCE_SOURCE_TYPES"].titles()
INTELLIGENCE_SUBJECT_ROLES: Final[dict[str, str]] = _BY_NAME["INTELLIGENCE_SUBJECT_ROLES"].titles()
GRADING_SCHEMES: Final[dict[str, str]] = _BY_NAME["GRADING_SCHEMES"].titles()
GRADING_3X5X2_SOURCE: Final[dict[str, str]] = _BY_NAME["GRADING_3X5X2_SOURCE"].titles()
GRADING_3X5X2_INTELLIGENCE: Final[dict[str, str]] = _BY_NAME["GRADING_3X5X2_INTELLIGENCE"].titles()
#: 3x5x2 handling code; C requires handling conditions text.
GRADING_3X5X2_HANDLING: Final[dict[str, str]] = _BY_NAME["GRADING_3X5X2_HANDLING"].titles()
GRADING_5X5X5_SOURCE: Final[dict[str, str]] = _BY_NAME["GRADING_5X5X5_SOURCE"].titles()
GRADING_5X5X5_INTELLIGENCE: Final[dict[str, str]] = _BY_NAME["GRADING_5X5X5_INTELLIGENCE"].titles()
GRADING_5X5X5_HANDLING: Final[dict[str, str]] = _BY_NAME["GRADING_5X5X5_HANDLING"].titles()
#: Government Security Classifications (from 2 April 2014).
GSC_CLASSIFICATIONS: Final[dict[str, str]] = _BY_NAME["GSC_CLASSIFICATIONS"].titles()
#: Legacy Government Protective Marking Scheme (read-only on historic records).
GPMS_MARKINGS: Final[dict[str, str]] = _BY_NAME["GPMS_MARKINGS"].titles()
#: Every marking a tolerant reader should accept.
CLASSIFICATIONS_ALL: Final[dict[str, str]] = {**GPMS_MARKINGS, **GSC_CLASSIFICATIONS}
