"""The records system's bulk format: nominals, merges and occurrences (with links and outcomes).

Lines are the read operations' own representations (docs/portability.md), so an export validates
against the standard's schemas and an import of it into an empty system reproduces it: ids,
versions, creation and change times, merged-away nominals with their survivor, the merge history,
every POLE link (with its object or location) and custody outcome. Import applies the API's rules
(identifier check letters and canonical forms, classification and outcome codes, link roles and
the victim/suspect rule, references that must exist) and refuses a line naming the rule.

Quirks (a product that loses data on export): `export-drops-aliases`, `export-rewrites-ids`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select

from simulators.core.bulk import BulkSystem, EntityType, ExportOptions, Record
from simulators.core.bulk.model import changed_since, count_rows, existing, keyset_batches, table_lines
from simulators.core.clock import isoformat, parse_instant
from simulators.core.problems import Problem
from simulators.records import links as linkrules
from simulators.records import names, nominals, occurrences
from simulators.records.context import records_state
from simulators.records.inputs import FieldErrors, clean_cro, clean_pnc
from simulators.records.loader import bulk_insert
from simulators.records.tables import RecordsTables


def _t(ctx: Any) -> RecordsTables:
    return records_state(ctx)


# --- export -------------------------------------------------------------------------------------


def short_pnc(pnc: str | None) -> str | None:
    """Quirk `export-rewrites-ids`: `1985/0123456X` written as `85/123456X` (PNC's short display form)."""
    if not pnc or len(pnc) != 13 or pnc[4] != "/":
        return pnc
    return f"{pnc[2:4]}/{pnc[5:12].lstrip('0') or '0'}{pnc[12]}"


def nominal_line(row: Any, quirks: tuple[str, ...] = ()) -> dict[str, Any]:
    doc = nominals.nominal_body(row)
    doc["merged_into"] = row.merged_into
    if "export-drops-aliases" in quirks:
        doc["aliases"] = []
    if "export-rewrites-ids" in quirks:
        doc["pnc_id"] = short_pnc(doc["pnc_id"])
    return doc


def _nominal_filter(t: RecordsTables, options: ExportOptions) -> Any:
    return None if options.since is None else t.nominals.c.updated_at > options.since


def export_nominals(ctx: Any, options: ExportOptions) -> Iterator[list[dict[str, Any]]]:
    """Active nominals first, then merged-away ones (whose survivor is then always an earlier line)."""
    t = _t(ctx)
    n = t.nominals
    for merged in (False, True):
        stmt = select(n).where(n.c.merged_into.isnot(None) if merged else n.c.merged_into.is_(None))
        since = _nominal_filter(t, options)
        if since is not None:
            stmt = stmt.where(since)
        for rows in keyset_batches(ctx, stmt, n.c.nominal_id):
            yield [nominal_line(r, options.quirks) for r in rows]


def count_nominals(ctx: Any, options: ExportOptions) -> int:
    t = _t(ctx)
    return count_rows(ctx, t.nominals, _nominal_filter(t, options))


def merge_line(row: Any) -> dict[str, Any]:
    return {
        "merge_id": row.merge_id,
        "survivor_id": row.survivor_id,
        "duplicate_id": row.duplicate_id,
        "reason": row.reason,
        "client_id": row.client_id,
        "merged_at": isoformat(row.merged_at),
    }


def export_merges(ctx: Any, options: ExportOptions) -> Iterator[list[dict[str, Any]]]:
    m = _t(ctx).merges
    yield from table_lines(ctx, m, m.c.merge_id, m.c.merged_at, options, merge_line)


def count_merges(ctx: Any, options: ExportOptions) -> int:
    t = _t(ctx)
    return count_rows(ctx, t.merges, changed_since(t.merges.c.merged_at, options))


def _occurrence_filter(t: RecordsTables, options: ExportOptions) -> Any:
    if options.since is None:
        return None
    since = options.since
    return or_(
        t.occurrences.c.updated_at > since,
        t.occurrences.c.occurrence_id.in_(
            select(t.links.c.occurrence_id).where(t.links.c.created_at > since)
        ),
        t.occurrences.c.occurrence_id.in_(
            select(t.custody_outcomes.c.occurrence_id).where(t.custody_outcomes.c.recorded_at > since)
        ),
    )


def export_occurrences(ctx: Any, options: ExportOptions) -> Iterator[list[dict[str, Any]]]:
    t = _t(ctx)
    stmt = select(t.occurrences)
    where = _occurrence_filter(t, options)
    if where is not None:
        stmt = stmt.where(where)
    for rows in keyset_batches(ctx, stmt, t.occurrences.c.occurrence_id):
        with ctx.db.session() as s:
            yield occurrences.occurrence_bodies(s, t, rows)


def count_occurrences(ctx: Any, options: ExportOptions) -> int:
    t = _t(ctx)
    return count_rows(ctx, t.occurrences, _occurrence_filter(t, options))


# --- import -------------------------------------------------------------------------------------


def _instant(value: str | None) -> datetime | None:
    return None if value is None else parse_instant(value)


def _held(what: str, ident: str) -> Problem:
    return Problem("conflict", f"This system already holds {what} {ident}.", rule="BULK-IMP-006")


def _missing(what: str, ident: str, rule: str = "BULK-IMP-008") -> Problem:
    return Problem(
        "business-rule",
        f"{what} {ident} is neither in this system nor earlier in the import.",
        rule=rule,
    )


def import_nominals(ctx: Any, s: Connection, records: list[Record]) -> None:
    t = _t(ctx)
    n = t.nominals
    docs = [r.doc for r in records]
    held_ids = existing(s, n.c.nominal_id, [d["nominal_id"] for d in docs] + [d["merged_into"] for d in docs])
    rows, keys = [], []
    for rec in records:
        doc = rec.doc
        errs = FieldErrors()
        pnc = clean_pnc(doc["pnc_id"], "pnc_id", errs) if doc.get("pnc_id") else None
        cro = clean_cro(doc["cro_number"], "cro_number", errs) if doc.get("cro_number") else None
        seen: set[str] = set()
        for i, m in enumerate(doc["warning_markers"]):
            if m["code"] in seen:
                errs.add(f"warning_markers.{i}.code", f"marker {m['code']} is given twice", "RMS-NOM-004")
            seen.add(m["code"])
        try:
            errs.raise_if_any("nominal")
        except Problem as exc:
            rec.refuse(exc)
            continue
        if doc["nominal_id"] in held_ids:
            rec.refuse(_held("nominal", doc["nominal_id"]))
            continue
        if doc["merged_into"] and doc["merged_into"] not in held_ids:
            rec.refuse(_missing("The survivor nominal", doc["merged_into"]))
            continue
        values = {**doc, "pnc_id": pnc, "cro_number": cro}
        if not doc["merged_into"]:
            try:
                nominals.check_identifiers_unique(s, t, values, exclude=None)
            except Problem as exc:
                rec.refuse(exc)
                continue
        row = {
            "nominal_id": doc["nominal_id"],
            **nominals.row_values(values),
            "merged_ids": list(doc["merged_ids"]),
            "merged_into": doc["merged_into"],
            "version": doc["version"],
            "created_at": _instant(doc["created_at"]),
            "updated_at": _instant(doc["updated_at"]),
        }
        # Inserted one by one: the next line's identifier check must see this one.
        bulk_insert(s, n, [row])
        held_ids.add(doc["nominal_id"])
        if not doc["merged_into"]:
            keys.extend(nominals.name_key_rows(doc["nominal_id"], row))
        rows.append(row)
    bulk_insert(s, t.name_keys, keys)


def import_merges(ctx: Any, s: Connection, records: list[Record]) -> None:
    t = _t(ctx)
    docs = [r.doc for r in records]
    held = existing(s, t.merges.c.merge_id, [d["merge_id"] for d in docs])
    held_dups = existing(s, t.merges.c.duplicate_id, [d["duplicate_id"] for d in docs])
    people = existing(
        s, t.nominals.c.nominal_id, [d["survivor_id"] for d in docs] + [d["duplicate_id"] for d in docs]
    )
    rows = []
    for rec in records:
        d = rec.doc
        if d["merge_id"] in held:
            rec.refuse(_held("merge", d["merge_id"]))
        elif d["duplicate_id"] in held_dups:
            rec.refuse(
                Problem(
                    "conflict",
                    f"Nominal {d['duplicate_id']} has already been merged.",
                    rule="RMS-MRG-002",
                )
            )
        elif d["survivor_id"] not in people:
            rec.refuse(_missing("The survivor nominal", d["survivor_id"]))
        elif d["duplicate_id"] not in people:
            rec.refuse(_missing("The duplicate nominal", d["duplicate_id"]))
        else:
            held.add(d["merge_id"])
            held_dups.add(d["duplicate_id"])
            rows.append({**d, "merged_at": _instant(d["merged_at"])})
    bulk_insert(s, t.merges, rows)


def _occurrence_rules(doc: dict[str, Any]) -> dict[str, Any]:
    """The API's occurrence rules on a line (RMS-OCC-*); the columns to store."""
    code, title = occurrences.classification(doc["type"], doc["classification"]["code"])
    outcome = doc.get("outcome")
    outcome_code = outcome_title = None
    if outcome:
        outcome_code, outcome_title = occurrences.outcome(outcome["code"])
    occurred_from = parse_instant(doc["occurred_from"])
    occurred_to = _instant(doc.get("occurred_to"))
    reported_at = parse_instant(doc["reported_at"])
    occurrences.check_times(occurred_from, occurred_to, reported_at)
    occurrences.check_state(doc["type"], doc["status"], outcome_code)
    loc = doc.get("location")
    return {
        "occurrence_id": doc["occurrence_id"],
        "reference": doc["reference"],
        "type": doc["type"],
        "classification_code": code,
        "classification_title": title,
        "summary": doc.get("summary"),
        "occurred_from": occurred_from,
        "occurred_to": occurred_to,
        "reported_at": reported_at,
        "location": None
        if not loc
        else {k: loc.get(k) for k in ("line1", "line2", "town", "postcode", "description")},
        "status": doc["status"],
        "outcome_code": outcome_code,
        "outcome_title": outcome_title,
        "version": doc["version"],
        "created_at": parse_instant(doc["created_at"]),
        "updated_at": parse_instant(doc["updated_at"]),
    }


def _link_rules(doc: dict[str, Any], people: set[str]) -> None:
    roles: dict[str, set[str]] = {}
    for i, link in enumerate(doc["links"]):
        linkrules.check_role(link["entity_type"], link["role"])
        if link["entity_type"] == "person":
            nominal_id = link.get("nominal_id")
            if not nominal_id or nominal_id not in people:
                raise Problem(
                    "business-rule",
                    f"links.{i}: nominal {nominal_id} does not exist.",
                    rule="RMS-LNK-001",
                )
            roles.setdefault(nominal_id, set()).add(link["role"])
    for nominal_id, held in roles.items():
        if "victim" in held and held & linkrules.SUSPECT_ROLES:
            raise Problem(
                "business-rule",
                f"Nominal {nominal_id} is both victim and suspect/offender on this occurrence.",
                rule="RMS-LNK-002",
            )
    for i, co in enumerate(doc["custody_outcomes"]):
        if co["nominal_id"] not in people:
            raise Problem(
                "business-rule",
                f"custody_outcomes.{i}: nominal {co['nominal_id']} does not exist.",
                rule="RMS-CUS-001",
            )


def _object_row(obj: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {
        "object_id": obj["object_id"],
        "kind": obj["kind"],
        "identifier": obj.get("identifier"),
        "description": obj.get("description"),
        "created_at": at,
    }


def _location_row(loc: dict[str, Any], at: datetime) -> dict[str, Any]:
    key = f"{names.fold(loc['line1'])}|{(loc.get('postcode') or names.fold(loc['town'])).replace(' ', '')}"
    return {
        "location_id": loc["location_id"],
        "match_key": key[:200],
        "line1": loc["line1"],
        "line2": loc.get("line2"),
        "town": loc["town"],
        "postcode": loc.get("postcode"),
        "description": loc.get("description"),
        "created_at": at,
    }


def import_occurrences(ctx: Any, s: Connection, records: list[Record]) -> None:
    t = _t(ctx)
    docs = [r.doc for r in records]
    held_ids = existing(s, t.occurrences.c.occurrence_id, [d["occurrence_id"] for d in docs])
    held_refs = existing(s, t.occurrences.c.reference, [d["reference"] for d in docs])
    all_links = [lk for d in docs for lk in d["links"]]
    all_outcomes = [co for d in docs for co in d["custody_outcomes"]]
    held_links = existing(s, t.links.c.link_id, [lk["link_id"] for lk in all_links])
    held_outcomes = existing(
        s, t.custody_outcomes.c.custody_outcome_id, [c["custody_outcome_id"] for c in all_outcomes]
    )
    people = existing(
        s,
        t.nominals.c.nominal_id,
        [lk.get("nominal_id") for lk in all_links] + [c["nominal_id"] for c in all_outcomes],
    )
    objects = existing(
        s, t.objects.c.object_id, [lk["object"]["object_id"] for lk in all_links if lk.get("object")]
    )
    places = existing(
        s,
        t.locations.c.location_id,
        [lk["location"]["location_id"] for lk in all_links if lk.get("location")],
    )
    occ_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    outcome_rows: list[dict[str, Any]] = []
    object_rows: list[dict[str, Any]] = []
    place_rows: list[dict[str, Any]] = []
    for rec in records:
        d = rec.doc
        try:
            if d["occurrence_id"] in held_ids:
                raise _held("occurrence", d["occurrence_id"])
            if d["reference"] in held_refs:
                raise _held("occurrence reference", d["reference"])
            row = _occurrence_rules(d)
            _link_rules(d, people)
            for lk in d["links"]:
                if lk["link_id"] in held_links:
                    raise _held("link", lk["link_id"])
            for co in d["custody_outcomes"]:
                if co["custody_outcome_id"] in held_outcomes:
                    raise _held("custody outcome", co["custody_outcome_id"])
        except Problem as exc:
            rec.refuse(exc)
            continue
        except (ValueError, KeyError) as exc:
            rec.refuse(
                Problem("validation-error", f"The occurrence is not valid: {exc}", rule="BULK-IMP-011")
            )
            continue
        held_ids.add(d["occurrence_id"])
        held_refs.add(d["reference"])
        occ_rows.append(row)
        # Wire instants are to the second; a microsecond per position keeps the source's order of
        # links (and outcomes) made within one second, which reads sort by time then id.
        for position, lk in enumerate(d["links"]):
            at = parse_instant(lk["created_at"]) + timedelta(microseconds=position)
            obj, loc = lk.get("object"), lk.get("location")
            if obj and obj["object_id"] not in objects:
                objects.add(obj["object_id"])
                object_rows.append(_object_row(obj, at))
            if loc and loc["location_id"] not in places:
                places.add(loc["location_id"])
                place_rows.append(_location_row(loc, at))
            held_links.add(lk["link_id"])
            link_rows.append(
                {
                    "link_id": lk["link_id"],
                    "occurrence_id": d["occurrence_id"],
                    "entity_type": lk["entity_type"],
                    "nominal_id": lk.get("nominal_id"),
                    "object_id": obj["object_id"] if obj else None,
                    "location_id": loc["location_id"] if loc else None,
                    "role": lk["role"],
                    "created_at": at,
                }
            )
        for position, co in enumerate(d["custody_outcomes"]):
            held_outcomes.add(co["custody_outcome_id"])
            crime = co.get("crime_outcome")
            outcome_rows.append(
                {
                    "custody_outcome_id": co["custody_outcome_id"],
                    "occurrence_id": d["occurrence_id"],
                    "custody_id": co["custody_id"],
                    "custody_number": co["custody_number"],
                    "nominal_id": co["nominal_id"],
                    "outcome": co["outcome"],
                    "crime_outcome_code": crime["code"] if crime else None,
                    "occurrence_status": co["occurrence_status"],
                    "link_id": co["link_id"],
                    "recorded_at": parse_instant(co["recorded_at"]) + timedelta(microseconds=position),
                }
            )
    bulk_insert(s, t.occurrences, occ_rows)
    bulk_insert(s, t.objects, object_rows)
    bulk_insert(s, t.locations, place_rows)
    bulk_insert(s, t.links, link_rows)
    bulk_insert(s, t.custody_outcomes, outcome_rows)


RECORDS_BULK = BulkSystem(
    (
        EntityType("nominal", "BulkNominal", "nominal_id", export_nominals, count_nominals, import_nominals),
        EntityType("merge", "BulkMerge", "merge_id", export_merges, count_merges, import_merges),
        EntityType(
            "occurrence",
            "BulkOccurrence",
            "occurrence_id",
            export_occurrences,
            count_occurrences,
            import_occurrences,
        ),
    )
)

__all__ = ["RECORDS_BULK"]
