"""Nominal storage: representation, name keys, merged-id resolution, identifier uniqueness."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from simulators.core.clock import isoformat
from simulators.core.db import select_by
from simulators.core.problems import Problem
from simulators.records import names
from simulators.records.identifier_lock import lock_identifiers
from simulators.records.tables import NAME_KEY_WIDTH, RecordsTables

#: Identity details added in standard 1.1.0: optional, one value each, stored as recorded.
IDENTITY_DETAILS = (
    "ni_number",
    "place_of_birth",
    "nationality",
    "self_defined_ethnicity",
    "officer_observed_ethnicity",
)

EDITABLE = (
    "pnc_id",
    "cro_number",
    "surname",
    "forenames",
    "sex",
    "date_of_birth",
    "ethnicity",
    *IDENTITY_DETAILS,
    "address",
    "aliases",
    "warning_markers",
)


def _address(addr: dict[str, Any] | None) -> dict[str, Any] | None:
    if not addr:
        return None
    return {
        "line1": addr.get("line1", ""),
        "line2": addr.get("line2"),
        "town": addr.get("town", ""),
        "county": addr.get("county"),
        "postcode": addr.get("postcode", ""),
    }


def _alias(alias: dict[str, Any]) -> dict[str, Any]:
    return {
        "surname": alias["surname"],
        "forenames": list(alias.get("forenames") or []),
        "date_of_birth": alias.get("date_of_birth"),
    }


def nominal_body(row: Any, resolved_from: str | None = None) -> dict[str, Any]:
    """The wire representation of a nominal row."""
    created_at = isoformat(row.created_at)
    # Most rows were never changed: formatting the two instants was nearly half the cost of the body.
    updated_at = created_at if row.updated_at == row.created_at else isoformat(row.updated_at)
    body: dict[str, Any] = {
        "nominal_id": row.nominal_id,
        "pnc_id": row.pnc_id,
        "cro_number": row.cro_number,
        "surname": row.surname,
        "forenames": list(row.forenames),
        "sex": row.sex,
        "date_of_birth": row.date_of_birth,
        "ethnicity": row.ethnicity,
        "ni_number": row.ni_number,
        "place_of_birth": row.place_of_birth,
        "nationality": row.nationality,
        "self_defined_ethnicity": row.self_defined_ethnicity,
        "officer_observed_ethnicity": row.officer_observed_ethnicity,
        "address": _address(row.address),
        "aliases": [_alias(a) for a in row.aliases],
        "warning_markers": [
            {
                "code": m["code"],
                "description": m.get("description") or m["code"],
                "added_on": m.get("added_on"),
            }
            for m in row.warning_markers
        ],
        "merged_ids": list(row.merged_ids),
        "version": row.version,
        "created_at": created_at,
        "updated_at": updated_at,
    }
    if resolved_from:
        body["resolved_from"] = resolved_from
    return body


def editable_view(row: Any) -> dict[str, Any]:
    """The fields a merge-patch applies to, absent when empty (so `null` and absent agree)."""
    body = nominal_body(row)
    view = {k: body[k] for k in EDITABLE if body[k] is not None}
    if view.get("address"):
        view["address"] = {k: v for k, v in view["address"].items() if v is not None}
    return view


def name_key_rows(nominal_id: str, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (identity, forename): the primary name and each alias."""
    rows = []
    identities: list[tuple[int | None, Any, Any, Any]] = [
        (None, doc["surname"], doc["forenames"], doc.get("date_of_birth"))
    ]
    for i, alias in enumerate(doc.get("aliases") or []):
        identities.append(
            (
                i,
                alias["surname"],
                alias.get("forenames") or [],
                alias.get("date_of_birth") or doc.get("date_of_birth"),
            )
        )
    for alias_index, surname, forenames, dob in identities:
        sk = names.surname_keys(surname)
        for forename in forenames or [""]:
            fk = names.forename_keys(forename)
            rows.append(
                {
                    "nominal_id": nominal_id,
                    "alias_index": alias_index,
                    "surname_key": sk[0][:NAME_KEY_WIDTH],
                    "surname_variant": sk[1][:NAME_KEY_WIDTH],
                    "surname_phonetic": sk[2],
                    "forename_key": fk[0][:NAME_KEY_WIDTH],
                    "forename_variant": fk[1][:NAME_KEY_WIDTH],
                    "forename_phonetic": fk[2],
                    "date_of_birth": dob,
                }
            )
    return rows


def rebuild_name_keys(s: Connection, t: RecordsTables, nominal_id: str, doc: dict[str, Any] | None) -> None:
    """Replace a nominal's name keys (none when it was merged away)."""
    s.execute(t.name_keys.delete().where(t.name_keys.c.nominal_id == nominal_id))
    if doc is not None:
        s.execute(t.name_keys.insert(), name_key_rows(nominal_id, doc))


def get_row(s: Connection, t: RecordsTables, nominal_id: str) -> Any:
    return s.execute(select_by(t.nominals.c.nominal_id), {"key": nominal_id}).first()


def resolve(s: Connection, t: RecordsTables, nominal_id: str) -> tuple[Any, str | None]:
    """(row of the active nominal answering for `nominal_id`, the merged id or None); 404 if unknown."""
    row = get_row(s, t, nominal_id)
    if row is None:
        raise Problem("not-found", f"No nominal {nominal_id}.")
    seen = {row.nominal_id}
    asked = row.nominal_id
    while row.merged_into:
        row = get_row(s, t, row.merged_into)
        if row is None or row.nominal_id in seen:  # defensive: a broken chain is a bug, not a 404
            raise Problem("internal-error", f"Merge chain of {nominal_id} is broken.")
        seen.add(row.nominal_id)
    return row, (asked if row.nominal_id != asked else None)


def resolve_id(s: Connection, t: RecordsTables, nominal_id: str) -> str | None:
    """The active nominal id answering for `nominal_id`, or None if there is no such nominal."""
    try:
        return resolve(s, t, nominal_id)[0].nominal_id
    except Problem as exc:
        if exc.status == 404:
            return None
        raise


def check_identifiers_unique(
    s: Connection, t: RecordsTables, doc: dict[str, Any], exclude: str | None
) -> None:
    """409 when another active nominal holds the PNC ID or CRO number (locked first, so two
    processes claiming the same identifier at once cannot both pass: identifier_lock.py)."""
    lock_identifiers(s, [(c, doc.get(c)) for c in ("pnc_id", "cro_number")])
    for column, rule, label in (
        ("pnc_id", "RMS-NOM-002", "PNC ID"),
        ("cro_number", "RMS-NOM-003", "CRO number"),
    ):
        value = doc.get(column)
        if not value:
            continue
        stmt = select(t.nominals.c.nominal_id).where(
            t.nominals.c[column] == value, t.nominals.c.merged_into.is_(None)
        )
        if exclude:
            stmt = stmt.where(t.nominals.c.nominal_id != exclude)
        other = s.execute(stmt.limit(1)).scalar()
        if other:
            raise Problem(
                "conflict",
                f"Nominal {other} already has {label} {value}; search before creating.",
                rule=rule,
                existing_nominal_id=other,
            )


def row_values(doc: dict[str, Any]) -> dict[str, Any]:
    """Column values of a canonical nominal document."""
    return {
        "pnc_id": doc.get("pnc_id"),
        "cro_number": doc.get("cro_number"),
        "surname": doc["surname"],
        "forenames": list(doc["forenames"]),
        "sex": doc["sex"],
        "date_of_birth": doc.get("date_of_birth"),
        "ethnicity": doc.get("ethnicity"),
        **{key: doc.get(key) for key in IDENTITY_DETAILS},
        "address": _address(doc.get("address")),
        "aliases": [_alias(a) for a in doc.get("aliases") or []],
        "warning_markers": list(doc.get("warning_markers") or []),
    }
