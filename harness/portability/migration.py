"""A migration rehearsal (`interop migrate`): export from one product, import into another, and say
what arrived, what was refused and why, what changed on the way and what was lost.

Losses are found in two places. At the source, each exported entity is compared with the source's
own read of it (an export that drops aliases loses them before the target sees them). At the
target, each entity is read back after the import (through the standard's read-one operation
where there is one, else through the target's own export) and compared with the source's export,
field by field. A value written another way (a PNC ID in short form, a postcode's layout) is
"normalised", not lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from harness import __version__
from harness.portability.client import BulkClient, BulkError
from harness.portability.compare import ProductReader, comparable_changes
from harness.portability.diff import FieldChange
from harness.portability.entities import EntityKind, entities, kind_for
from harness.portability.lines import Parsed, parse
from harness.portability.verdicts import shown_value

READ_LIMIT = 5000  # entities of one type read one by one from each side; beyond, the rest are not compared
IMPORT_MODE = "per-record"  # every refusal named, the good records written


@dataclass
class Side:
    """One end of the migration: where it answers, how the harness gets tokens, how to name it."""

    label: str
    url: str
    tokens: Any
    origin: str = "given"  # or "reference": an embedded reference system the harness started


@dataclass
class Rehearsal:
    role: str
    source: Side
    target: Side
    started_at: str = ""
    finished_at: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)
    types: dict[str, dict[str, int]] = field(default_factory=dict)
    refusals: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""

    def count(self, type_name: str, what: str, n: int = 1) -> None:
        row = self.types.setdefault(type_name, dict.fromkeys(COUNTS, 0))
        row[what] = row.get(what, 0) + n

    @property
    def clean(self) -> bool:
        dropped = any(c["kind"] in ("dropped", "changed") for c in self.changes)
        return not (self.refusals or self.lost or dropped or self.error)

    def to_dict(self) -> dict[str, Any]:
        kinds: dict[str, int] = {}
        for c in self.changes:
            kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
        totals = {k: sum(t.get(k, 0) for t in self.types.values()) for k in COUNTS}
        return {
            "tool": {"name": "interop", "version": __version__},
            "kind": "migration-rehearsal",
            "role": self.role,
            "from": _side(self.source, self.manifest),
            "to": _side(self.target, {}),
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "outcome": "clean" if self.clean else "losses",
            "error": self.error,
            "totals": {**totals, "lost": len(self.lost), "changes": kinds},
            "types": [{"type": t, **row} for t, row in self.types.items()],
            "refusals": self.refusals,
            "changes": self.changes,
            "lost": self.lost,
            "notes": self.notes,
        }


COUNTS = ("exported", "imported", "refused", "missing", "fields_lost", "fields_normalised")


def _side(side: Side, manifest: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"label": side.label, "url": side.url, "origin": side.origin}
    for key in ("system", "standard_version", "transaction_time"):
        if manifest.get(key) is not None:
            out[key] = manifest[key]
    return out


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def rehearse(role: str, source: Side, target: Side) -> Rehearsal:
    """Run the rehearsal; every refusal, change and loss is in the result (never raised).

    BulkError is raised only when the source cannot export at all (nothing to rehearse).
    """
    out = Rehearsal(role, source, target, started_at=now_iso())
    try:
        export = BulkClient(source.url, source.tokens, role).export()
    except BulkError as exc:
        out.error = f"The source could not export its data through the standard's bulk API: {exc}"
        out.finished_at = now_iso()
        return out
    out.manifest = {k: v for k, v in export.manifest.items() if k != "output"}
    parsed = parse(role, export)
    for type_name, docs in parsed.docs.items():
        out.count(type_name, "exported", len(docs))
    for p in parsed.problems:
        out.notes.append(f"{p.title}. {p.detail}".strip())
    _source_losses(out, role, parsed, ProductReader(source.url, source.tokens))
    target_client = BulkClient(target.url, target.tokens, role)
    try:
        outcome = target_client.import_export(export, mode=IMPORT_MODE)
    except BulkError as exc:
        out.error = f"The target could not import the export through the standard's bulk API: {exc}"
        out.finished_at = now_iso()
        return out
    refused: set[tuple[str, str]] = set()
    for r in outcome.results:
        type_name = str(r.get("type", ""))
        if r.get("outcome") == "imported":
            out.count(type_name, "imported")
            continue
        out.count(type_name, "refused")
        key = str(r.get("id") or "")
        refused.add((type_name, key))
        kind = kind_for(role, type_name)
        out.refusals.append(
            {
                "type": type_name,
                "line": r.get("line"),
                "key": key,
                "label": kind.label(parsed.get(type_name, key)) if key else "",
                "rule": str(r.get("rule") or ""),
                "status": r.get("status"),
                "detail": str(r.get("detail") or ""),
            }
        )
    _target_losses(out, role, parsed, refused, target, target_client)
    out.finished_at = now_iso()
    return out


def _field_count(kind: str) -> str:
    return (
        "fields_normalised" if kind == "normalised" else "fields_lost" if kind != "added" else "fields_added"
    )


def _change_row(kind: EntityKind, key: str, doc: dict[str, Any], change: Any, where: str) -> dict[str, Any]:
    return {
        "type": kind.name,
        "key": key,
        "label": kind.label(doc),
        "field": change.field,
        "kind": change.kind,
        "before": shown_value(change.before),
        "after": shown_value(change.after),
        "where": where,
    }


def _source_losses(out: Rehearsal, role: str, parsed: Parsed, read: ProductReader) -> None:
    """What the source's export lost or changed against the source's own read of each entity."""
    for kind in entities(role).kinds:
        if not kind.read:
            continue
        docs = parsed.docs.get(kind.name, {})
        keys = sorted(docs)
        if len(keys) > READ_LIMIT:
            out.notes.append(
                f"Only the first {READ_LIMIT} of {len(keys)} {kind.name} entities were read back "
                "from the source."
            )
            keys = keys[:READ_LIMIT]
        for key in keys:
            doc = docs[key]
            if doc.get("merged_into"):
                continue  # its id answers with the survivor: judged through the survivor
            status, body = read(kind, key)
            if status != 200 or body is None or body.get("resolved_from"):
                continue
            for change in comparable_changes(kind, body, doc, read=True):
                out.changes.append(_change_row(kind, key, body, change, "export from the source"))
                out.count(kind.name, _field_count(change.kind))


def _target_losses(
    out: Rehearsal, role: str, parsed: Parsed, refused: set[tuple[str, str]], target: Side, client: BulkClient
) -> None:
    """What the target holds after the import against the source's export, field by field."""
    read = ProductReader(target.url, target.tokens)
    unread = [k.name for k in entities(role).kinds if not k.read and k.name in parsed.docs]
    back: Parsed | None = None
    if unread:
        try:
            back = parse(role, client.export(types=unread))
        except BulkError as exc:
            out.notes.append(f"{', '.join(unread)} could not be read back from the target: {exc}")
    for type_name, docs in parsed.docs.items():
        kind = kind_for(role, type_name)
        for n, key in enumerate(sorted(docs)):
            if (type_name, key) in refused:
                continue
            doc = docs[key]
            if kind.read:
                if n >= READ_LIMIT:
                    continue
                status, again = read(kind, key)
                if status == 404:
                    again = None
                elif status != 200 or again is None:
                    out.notes.append(
                        f"{kind.noun} {key} could not be read back from the target (status {status})."
                    )
                    continue
                elif doc.get("merged_into"):  # its id answers with its survivor, as in the source
                    _survivor(out, kind, key, doc, again)
                    continue
            elif back is None:
                continue
            else:
                again = back.get(type_name, key)
            if again is None:
                out.lost.append(
                    {
                        "type": type_name,
                        "key": key,
                        "label": kind.label(doc),
                        "why": "not in the target after the import, and not refused",
                    }
                )
                out.count(type_name, "missing")
                continue
            for change in comparable_changes(kind, doc, again, read=bool(kind.read)):
                out.changes.append(_change_row(kind, key, doc, change, "import into the target"))
                out.count(type_name, _field_count(change.kind))


def _survivor(out: Rehearsal, kind: EntityKind, key: str, doc: dict[str, Any], read: dict[str, Any]) -> None:
    """A merged-away entity must answer, in the target, with the survivor the export names."""
    survivor = read.get(kind.key[0])
    if survivor != doc.get("merged_into"):
        change = FieldChange("merged_into", "changed", doc.get("merged_into"), survivor)
        out.changes.append(_change_row(kind, key, doc, change, "import into the target"))
        out.count(kind.name, "fields_lost")
