"""The requirements catalogue (contracts/requirements.yaml): what each requirement id means.

Why: findings and checks carry ids (`STD-AUTH`, `PACE-s41-24h`, `PACT-custody-records-get-nominal`,
`SCN-arrest-to-charge-03`); a board needs each said in plain English with its source. A `family`
entry stands for every id that starts with its id and a dash (one pact's interactions, one
scenario's steps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from harness.errors import InteropError
from simulators.core.config import SYSTEMS

LEVELS = ("MUST", "SHOULD")
JUDGED_WHEN = ("fuzz", "any-suite")


def catalogue_path() -> Path:
    return Path(__file__).resolve().parents[2] / "contracts" / "requirements.yaml"


@dataclass(frozen=True)
class Requirement:
    id: str
    statement: str
    source: str
    systems: tuple[str, ...]
    level: str
    group: str
    family: bool = False
    judged_by: tuple[str, ...] = ()
    judged_when: str | None = None
    testable: bool = True
    why: str = ""

    def covers(self, rid: str) -> bool:
        """Whether an emitted id belongs to this requirement (itself, or a member of its family)."""
        return rid == self.id or (self.family and rid.startswith(self.id + "-"))


@dataclass(frozen=True)
class Group:
    id: str
    title: str


@dataclass
class Catalogue:
    standard: dict[str, str]
    groups: list[Group]
    requirements: list[Requirement]
    _by_id: dict[str, Requirement] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {r.id: r for r in self.requirements}

    def get(self, rid: str) -> Requirement | None:
        return self._by_id.get(rid)

    def owner(self, rid: str) -> Requirement | None:
        """The entry an emitted id belongs to: itself, else the family with the longest matching id."""
        if rid in self._by_id:
            return self._by_id[rid]
        families = [r for r in self.requirements if r.family and r.covers(rid)]
        return max(families, key=lambda r: len(r.id)) if families else None

    def group_title(self, gid: str) -> str:
        return next((g.title for g in self.groups if g.id == gid), gid)

    def in_group(self, gid: str) -> list[Requirement]:
        return [r for r in self.requirements if r.group == gid]


def _req(raw: Any, groups: set[str], where: str) -> Requirement:
    if not isinstance(raw, dict):
        raise InteropError(f"{where}: a requirement must be a mapping")
    missing = [k for k in ("id", "statement", "source", "systems", "level", "group") if not raw.get(k)]
    if missing:
        raise InteropError(f"{where}: requirement {raw.get('id', '?')!r} lacks {', '.join(missing)}")
    rid = str(raw["id"])
    systems = tuple(str(s) for s in raw["systems"])
    if any(s not in SYSTEMS for s in systems):
        raise InteropError(f"{where}: {rid}: systems must be among {', '.join(SYSTEMS)}")
    if raw["level"] not in LEVELS:
        raise InteropError(f"{where}: {rid}: level must be MUST or SHOULD")
    if raw["group"] not in groups:
        raise InteropError(f"{where}: {rid}: unknown group {raw['group']!r}")
    judged_when = raw.get("judged_when")
    if judged_when is not None and judged_when not in JUDGED_WHEN:
        raise InteropError(f"{where}: {rid}: judged_when must be one of {', '.join(JUDGED_WHEN)}")
    testable = raw.get("testable", True) is not False
    if not testable and not raw.get("why"):
        raise InteropError(f"{where}: {rid}: an untestable requirement says why")
    return Requirement(
        id=rid,
        statement=" ".join(str(raw["statement"]).split()),
        source=str(raw["source"]),
        systems=systems,
        level=str(raw["level"]),
        group=str(raw["group"]),
        family=bool(raw.get("family", False)),
        judged_by=tuple(str(x) for x in raw.get("judged_by") or ()),
        judged_when=judged_when,
        testable=testable,
        why=" ".join(str(raw.get("why", "")).split()),
    )


def parse_catalogue(text: str, where: str = "requirements.yaml") -> Catalogue:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InteropError(f"{where} is not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise InteropError(f"{where}: expected a mapping with standard, groups and requirements")
    groups = [Group(str(g["id"]), str(g["title"])) for g in doc.get("groups") or []]
    ids = {g.id for g in groups}
    reqs = [_req(r, ids, where) for r in doc.get("requirements") or []]
    seen: set[str] = set()
    for r in reqs:
        if r.id in seen:
            raise InteropError(f"{where}: requirement {r.id} is listed twice")
        seen.add(r.id)
    return Catalogue(dict(doc.get("standard") or {}), groups, reqs)


@cache
def load_catalogue(path: Path | None = None) -> Catalogue:
    source = path or catalogue_path()
    return parse_catalogue(source.read_text(encoding="utf-8"), str(source))
