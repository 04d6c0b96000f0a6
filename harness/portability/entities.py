"""Each role's bulk entity types, as the harness needs to judge them (docs/portability.md).

The simulators' own table (simulators/core/bulk) is not read here on purpose: the harness judges
any product against the standard, so what an entity is, how it is keyed and where the standard
API reads it one at a time is stated here from the published documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EntityKind:
    """One entity type of the bulk format.

    `key` fields identify a line (several for a line owned by another entity: a timeline entry is
    keyed by its custody record and position); `read` is the standard's read-one path (with
    `{id}`), when it has one; `derived` fields are computed by the holder at the time of reading
    (a custody clock) and are never compared; `bulk_only` fields are in a line but not in the read
    (a merged-away nominal's survivor), so they are compared only line with line; `label` says, in
    words, which entity a line is.
    """

    name: str
    key: tuple[str, ...]
    read: str = ""
    read_scopes: tuple[str, ...] = ()
    derived: frozenset[str] = frozenset()
    bulk_only: frozenset[str] = frozenset()
    label_fields: tuple[str, ...] = ()
    noun: str = ""

    @property
    def schema(self) -> str:
        """The standard's component schema every line validates against (BulkNominal, ...)."""
        return "Bulk" + "".join(part.capitalize() for part in self.name.split("_"))

    def key_of(self, doc: Any) -> str | None:
        """The line's key as one string ("a" or "a/3"), or None when a key field is missing."""
        if not isinstance(doc, dict):
            return None
        parts = [doc.get(k) for k in self.key]
        if any(p is None or isinstance(p, dict | list) for p in parts):
            return None
        return "/".join(str(p) for p in parts)

    def label(self, doc: Any) -> str:
        """A few words a reader recognises the entity by (a name, a reference)."""
        if not isinstance(doc, dict):
            return ""
        words = []
        for name in self.label_fields:
            value = doc.get(name)
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            if value not in (None, ""):
                words.append(str(value))
        return " ".join(words)[:120]


@dataclass(frozen=True)
class RoleEntities:
    role: str
    kinds: tuple[EntityKind, ...]

    def get(self, name: str) -> EntityKind | None:
        return next((k for k in self.kinds if k.name == name), None)

    @property
    def names(self) -> list[str]:
        return [k.name for k in self.kinds]


# Fields a read-one answer carries that its bulk line does not.
READ_ONLY_FIELDS = frozenset({"resolved_from"})

ROLES: dict[str, RoleEntities] = {
    "records": RoleEntities(
        "records",
        (
            EntityKind(
                "nominal",
                ("nominal_id",),
                read="/nominals/{id}",
                read_scopes=("records:read",),
                bulk_only=frozenset({"merged_into"}),
                label_fields=("surname", "forenames", "pnc_id"),
                noun="nominal",
            ),
            EntityKind("merge", ("merge_id",), label_fields=("duplicate_id",), noun="merge"),
            EntityKind(
                "occurrence",
                ("occurrence_id",),
                read="/occurrences/{id}",
                read_scopes=("records:read",),
                label_fields=("reference", "summary"),
                noun="occurrence",
            ),
        ),
    ),
    "custody": RoleEntities(
        "custody",
        (
            EntityKind(
                "custody_record",
                ("custody_id",),
                read="/custody-records/{id}",
                read_scopes=("custody:read",),
                derived=frozenset({"clock"}),
                bulk_only=frozenset({"appears_juvenile"}),
                label_fields=("custody_number",),
                noun="custody record",
            ),
            EntityKind(
                "custody_event",
                ("custody_id", "entry_id"),
                label_fields=("type", "at"),
                noun="custody timeline entry",
            ),
        ),
    ),
    "intelligence": RoleEntities(
        "intelligence",
        (
            EntityKind(
                "report",
                ("report_id",),
                read="/reports/{id}",
                read_scopes=("intelligence:read:restricted",),  # the original text, as exported
                derived=frozenset({"review_overdue"}),
                label_fields=("reference",),
                noun="intelligence report",
            ),
            EntityKind(
                "report_version",
                ("report_id", "version"),
                label_fields=("report_id", "version"),
                noun="superseded report version",
            ),
            EntityKind("audit_entry", ("audit_id",), label_fields=("operation", "at"), noun="audit entry"),
        ),
    ),
}


def entities(role: str) -> RoleEntities:
    return ROLES[role]


def kind_for(role: str, name: str) -> EntityKind:
    """The role's entity type of that name, or a bare one keyed by `id` (a type we do not know)."""
    return ROLES[role].get(name) or EntityKind(name, ("id",), noun=name.replace("_", " "))
