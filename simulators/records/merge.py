"""Merging a duplicate nominal into a survivor: the rules (RMS-MRG-*) and the one-transaction change.

The duplicate is kept and marked merged (`merged_into`), so its id keeps answering with the
survivor; nothing that pointed at it dangles.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from simulators.core.db import update_if_version
from simulators.core.problems import Problem
from simulators.records import names, nominals
from simulators.records.links import SUSPECT_ROLES
from simulators.records.tables import RecordsTables


def _identity_key(surname: str, forenames: list[str], dob: str | None) -> tuple[Any, ...]:
    return names.fold(surname), tuple(names.fold(f) for f in forenames), dob or None


def merged_document(survivor: Any, duplicate: Any) -> dict[str, Any]:
    """The survivor's identity after taking in the duplicate."""
    doc = nominals.row_values(nominals.editable_view(survivor))
    seen = {_identity_key(survivor.surname, survivor.forenames, survivor.date_of_birth)}
    aliases = []
    candidates = [
        *survivor.aliases,
        {
            "surname": duplicate.surname,
            "forenames": duplicate.forenames,
            "date_of_birth": duplicate.date_of_birth,
        },
        *duplicate.aliases,
    ]
    for alias in candidates:
        key = _identity_key(alias["surname"], alias.get("forenames") or [], alias.get("date_of_birth"))
        if key not in seen:
            seen.add(key)
            aliases.append(
                {
                    "surname": alias["surname"],
                    "forenames": list(alias.get("forenames") or []),
                    "date_of_birth": alias.get("date_of_birth"),
                }
            )
    doc["aliases"] = aliases
    markers: dict[str, dict[str, Any]] = {}
    for m in [*survivor.warning_markers, *duplicate.warning_markers]:
        kept = markers.get(m["code"])
        if kept is None or (m.get("added_on") or "9999") < (kept.get("added_on") or "9999"):
            markers[m["code"]] = dict(m)
    doc["warning_markers"] = list(markers.values())
    for field in ("pnc_id", "cro_number", "ethnicity", *nominals.IDENTITY_DETAILS, "address"):
        if not doc.get(field) and getattr(duplicate, field):
            doc[field] = getattr(duplicate, field)
    dob, dup_dob = doc.get("date_of_birth"), duplicate.date_of_birth
    if dup_dob and (not dob or (len(dup_dob) > len(dob) and dup_dob.startswith(dob))):
        doc["date_of_birth"] = dup_dob  # the fuller of two consistent dates
    return doc


def _check_links(s: Connection, t: RecordsTables, survivor_id: str, duplicate_id: str) -> None:
    rows = s.execute(
        select(t.links.c.occurrence_id, t.links.c.nominal_id, t.links.c.role).where(
            t.links.c.nominal_id.in_([survivor_id, duplicate_id])
        )
    ).all()
    roles: dict[str, set[str]] = {}
    for occ, _nid, role in rows:
        roles.setdefault(occ, set()).add(role)
    clashes = sorted(occ for occ, r in roles.items() if "victim" in r and r & SUSPECT_ROLES)
    if clashes:
        raise Problem(
            "business-rule",
            "After this merge one person would be both victim and suspect/offender on occurrence(s) "
            + ", ".join(clashes[:5])
            + ". Correct the links first, or these are two people.",
            rule="RMS-MRG-006",
            occurrence_ids=clashes,
        )


def merge_nominals(
    s: Connection,
    t: RecordsTables,
    survivor_id: str,
    duplicate_id: str,
    *,
    reason: str | None,
    client_id: str | None,
    at: datetime,
    if_match: Any,
) -> tuple[Any, dict[str, Any]]:
    """Apply the merge; returns (survivor row after, event data). Raises a Problem, writing nothing."""
    # Existence (404), then the precondition (428/412), then the merge rules (409/422): common.yaml.
    survivor = nominals.get_row(s, t, survivor_id)
    if survivor is None:
        raise Problem("not-found", f"No nominal {survivor_id}.")
    duplicate = nominals.get_row(s, t, duplicate_id) if duplicate_id != survivor_id else survivor
    if duplicate is None:
        raise Problem("not-found", f"No nominal {duplicate_id} to merge.", rule="RMS-MRG-007")
    if_match(survivor.version)
    if survivor.merged_into:
        final = nominals.resolve(s, t, survivor_id)[0].nominal_id
        raise Problem(
            "conflict",
            f"Nominal {survivor_id} was itself merged into {final}; merge into that one.",
            rule="RMS-MRG-003",
            survivor_id=final,
        )
    if duplicate_id == survivor_id:
        raise Problem("business-rule", "A nominal cannot be merged into itself.", rule="RMS-MRG-001")
    if duplicate.merged_into:
        final = nominals.resolve(s, t, duplicate_id)[0].nominal_id
        raise Problem(
            "conflict",
            f"Nominal {duplicate_id} has already been merged into {final}.",
            rule="RMS-MRG-002",
            survivor_id=final,
        )
    for field, rule, label in (
        ("pnc_id", "RMS-MRG-004", "PNC IDs"),
        ("cro_number", "RMS-MRG-005", "CRO numbers"),
    ):
        a, b = getattr(survivor, field), getattr(duplicate, field)
        if a and b and a != b:
            raise Problem(
                "business-rule",
                f"The nominals hold different {label} ({a}, {b}): two national records "
                "are two people until the national record is merged.",
                rule=rule,
            )
    _check_links(s, t, survivor_id, duplicate_id)

    doc = merged_document(survivor, duplicate)
    merged_ids = list(dict.fromkeys([*survivor.merged_ids, duplicate_id, *duplicate.merged_ids]))
    n = t.nominals
    values = {
        **nominals.row_values(doc),
        "merged_ids": merged_ids,
        "version": survivor.version + 1,
        "updated_at": at,
    }
    if not update_if_version(s, n.c.nominal_id, survivor_id, survivor.version, values):
        raise Problem(
            "precondition-failed",
            "The survivor changed during the merge; read it again and retry.",
            rule="RMS-HTTP-412",
        )
    s.execute(
        n.update()
        .where(n.c.nominal_id == duplicate_id)
        .values(merged_into=survivor_id, version=duplicate.version + 1, updated_at=at)
    )
    s.execute(
        n.update().where(n.c.merged_into == duplicate_id).values(merged_into=survivor_id, updated_at=at)
    )
    nominals.rebuild_name_keys(s, t, survivor_id, doc)
    nominals.rebuild_name_keys(s, t, duplicate_id, None)
    repointed = _repoint_links(s, t, survivor_id, duplicate_id)
    s.execute(
        t.custody_outcomes.update()
        .where(t.custody_outcomes.c.nominal_id == duplicate_id)
        .values(nominal_id=survivor_id)
    )
    s.execute(
        t.merges.insert().values(
            merge_id=str(uuid.uuid4()),
            survivor_id=survivor_id,
            duplicate_id=duplicate_id,
            reason=reason,
            client_id=client_id,
            merged_at=at,
        )
    )
    after = nominals.get_row(s, t, survivor_id)
    data = {
        "survivor_id": survivor_id,
        "duplicate_id": duplicate_id,
        "version": after.version,
        "repointed_occurrence_ids": repointed,
    }
    return after, data


def _repoint_links(s: Connection, t: RecordsTables, survivor_id: str, duplicate_id: str) -> list[str]:
    """Move the duplicate's person links to the survivor, dropping ones the survivor already has."""
    lk = t.links
    co = t.custody_outcomes
    have = {
        (r.occurrence_id, r.role): r.link_id
        for r in s.execute(
            select(lk.c.occurrence_id, lk.c.role, lk.c.link_id).where(lk.c.nominal_id == survivor_id)
        ).all()
    }
    touched = set()
    for row in s.execute(select(lk).where(lk.c.nominal_id == duplicate_id)).all():
        touched.add(row.occurrence_id)
        kept = have.get((row.occurrence_id, row.role))
        if kept:
            s.execute(co.update().where(co.c.link_id == row.link_id).values(link_id=kept))
            s.execute(lk.delete().where(lk.c.link_id == row.link_id))
        else:
            s.execute(lk.update().where(lk.c.link_id == row.link_id).values(nominal_id=survivor_id))
            have[(row.occurrence_id, row.role)] = row.link_id
    return sorted(touched)
