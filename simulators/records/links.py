"""POLE links between an occurrence and people, objects and locations, with their rules (RMS-LNK-*).

Links are typed and one-to-one (docs/domain.md 1.2): a person with two roles has two links. Objects
with the same kind and identifier, and locations with the same first line and postcode, are one
POLE entity shared by every occurrence that mentions them.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from simulators.core.clock import isoformat
from simulators.core.problems import Problem
from simulators.domain import codelists
from simulators.records import names, nominals
from simulators.records.inputs import FieldErrors, clean_postcode
from simulators.records.tables import RecordsTables

PERSON_ROLES = frozenset(codelists.LINK_ROLES)
OBJECT_ROLES = frozenset({"stolen", "recovered", "damaged", "used_in_offence", "evidence", "involved"})
LOCATION_ROLES = frozenset({"scene", "recovery_location", "address_of_interest", "involved"})
SUSPECT_ROLES = frozenset({"suspect", "offender"})
ROLES = {"person": PERSON_ROLES, "object": OBJECT_ROLES, "location": LOCATION_ROLES}

_PHONE = re.compile(r"^(?:0[0-9]{9,10}|\+[1-9][0-9]{6,14})$")
_VRM = re.compile(r"^[A-Z0-9]{2,8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def link_body(row: Any, obj: Any = None, loc: Any = None) -> dict[str, Any]:
    return {
        "link_id": row.link_id,
        "occurrence_id": row.occurrence_id,
        "entity_type": row.entity_type,
        "role": row.role,
        "nominal_id": row.nominal_id,
        "object": None
        if obj is None
        else {
            "object_id": obj.object_id,
            "kind": obj.kind,
            "identifier": obj.identifier,
            "description": obj.description,
        },
        "location": None
        if loc is None
        else {
            "location_id": loc.location_id,
            "line1": loc.line1,
            "line2": loc.line2,
            "town": loc.town,
            "postcode": loc.postcode,
            "description": loc.description,
        },
        "created_at": isoformat(row.created_at),
    }


def link_bodies(s: Connection, t: RecordsTables, rows: list[Any]) -> list[dict[str, Any]]:
    """Bodies of link rows, with their objects and locations loaded in two queries."""
    obj_ids = {r.object_id for r in rows if r.object_id}
    loc_ids = {r.location_id for r in rows if r.location_id}
    objs = (
        {o.object_id: o for o in s.execute(select(t.objects).where(t.objects.c.object_id.in_(obj_ids)))}
        if obj_ids
        else {}
    )
    locs = (
        {
            lc.location_id: lc
            for lc in s.execute(select(t.locations).where(t.locations.c.location_id.in_(loc_ids)))
        }
        if loc_ids
        else {}
    )
    return [link_body(r, objs.get(r.object_id), locs.get(r.location_id)) for r in rows]


def check_role(entity_type: str, role: str) -> None:
    if role not in ROLES[entity_type]:
        raise Problem(
            "validation-error",
            f"Role {role!r} does not fit a {entity_type} link; use one of "
            + ", ".join(sorted(ROLES[entity_type]))
            + ".",
            rule="RMS-LNK-004",
            errors=[{"field": "role", "message": f"not a {entity_type} role"}],
        )


def normalise_identifier(kind: str, identifier: str | None) -> str | None:
    """Canonical object identifier (400 RMS-LNK-005 when it cannot be one of its kind)."""
    if identifier is None:
        return None
    value = identifier.strip()
    if kind == "telephone":
        value = re.sub(r"[\s().-]", "", value)
        if value.startswith("+44"):
            value = "0" + value[3:]
        ok = bool(_PHONE.match(value))
    elif kind == "vehicle":
        value = re.sub(r"\s", "", value).upper()
        ok = bool(_VRM.match(value))
    elif kind == "email":
        value = value.casefold()
        ok = bool(_EMAIL.match(value))
    else:
        ok = bool(value)
    if not ok:
        raise Problem(
            "validation-error",
            f"{identifier!r} is not a valid {kind} identifier.",
            rule="RMS-LNK-005",
            errors=[{"field": "object.identifier", "message": f"not a valid {kind} identifier"}],
        )
    return value


def _object_id(s: Connection, t: RecordsTables, obj: dict[str, Any], at: datetime) -> str:
    kind = obj["kind"]
    identifier = normalise_identifier(kind, obj.get("identifier"))
    description = (obj.get("description") or "").strip() or None
    if identifier:
        found = s.execute(
            select(t.objects.c.object_id)
            .where(t.objects.c.kind == kind, t.objects.c.identifier == identifier)
            .limit(1)
        ).scalar()
        if found:
            return str(found)
    object_id = str(uuid.uuid4())
    s.execute(
        t.objects.insert().values(
            object_id=object_id, kind=kind, identifier=identifier, description=description, created_at=at
        )
    )
    return object_id


def _location_id(s: Connection, t: RecordsTables, loc: dict[str, Any], at: datetime) -> str:
    errs = FieldErrors()
    line1, town = loc["line1"].strip(), loc["town"].strip()
    if not line1 or not town:
        errs.add("location", "line1 and town may not be blank", "RMS-VAL-001")
    postcode = clean_postcode(loc["postcode"], "location.postcode", errs) if loc.get("postcode") else None
    errs.raise_if_any("location")
    key = f"{names.fold(line1)}|{(postcode or names.fold(town)).replace(' ', '')}"[:200]
    found = s.execute(
        select(t.locations.c.location_id).where(t.locations.c.match_key == key).limit(1)
    ).scalar()
    if found:
        return str(found)
    location_id = str(uuid.uuid4())
    s.execute(
        t.locations.insert().values(
            location_id=location_id,
            match_key=key,
            line1=line1,
            line2=(loc.get("line2") or None),
            town=town,
            postcode=postcode,
            description=(loc.get("description") or None),
            created_at=at,
        )
    )
    return location_id


def person_roles(s: Connection, t: RecordsTables, occurrence_id: str, nominal_id: str) -> dict[str, str]:
    """role -> link_id of a person's links on an occurrence."""
    lk = t.links
    return {
        r.role: r.link_id
        for r in s.execute(
            select(lk.c.role, lk.c.link_id).where(
                lk.c.occurrence_id == occurrence_id, lk.c.nominal_id == nominal_id
            )
        )
    }


def add_link(
    s: Connection,
    t: RecordsTables,
    occurrence: Any,
    body: dict[str, Any],
    at: datetime,
    field: str = "nominal_id",
) -> tuple[Any, bool]:
    """Create (or find) one link; returns (link row, created). Raises, writing nothing, on a broken rule."""
    lk = t.links
    role = body["role"]
    if body.get("nominal_id"):
        check_role("person", role)
        nominal_id = nominals.resolve_id(s, t, body["nominal_id"])
        if nominal_id is None:
            raise Problem(
                "business-rule",
                f"No nominal {body['nominal_id']} to link.",
                rule="RMS-LNK-001",
                errors=[{"field": field, "message": "no such nominal"}],
            )
        if role in SUSPECT_ROLES and occurrence.type != "crime":
            raise Problem(
                "business-rule",
                f"A {role} link needs a crime; occurrence {occurrence.reference} is an "
                "incident (use subject or involved_party).",
                rule="RMS-LNK-003",
            )
        roles = person_roles(s, t, occurrence.occurrence_id, nominal_id)
        if role in roles:
            return s.execute(select(lk).where(lk.c.link_id == roles[role])).first(), False
        held = set(roles) | {role}
        if "victim" in held and held & SUSPECT_ROLES:
            raise Problem(
                "business-rule",
                f"Nominal {nominal_id} would be both victim and suspect/offender on "
                f"{occurrence.reference}; record a counter-allegation as its own occurrence.",
                rule="RMS-LNK-002",
            )
        values = {"entity_type": "person", "nominal_id": nominal_id}
    elif body.get("object"):
        check_role("object", role)
        values = {"entity_type": "object", "object_id": _object_id(s, t, body["object"], at)}
    else:
        check_role("location", role)
        values = {"entity_type": "location", "location_id": _location_id(s, t, body["location"], at)}
    if values["entity_type"] != "person":
        column = lk.c.object_id if values["entity_type"] == "object" else lk.c.location_id
        entity_id = values.get("object_id") or values.get("location_id")
        existing = s.execute(
            select(lk).where(
                lk.c.occurrence_id == occurrence.occurrence_id, column == entity_id, lk.c.role == role
            )
        ).first()
        if existing:
            return existing, False
    link_id = str(uuid.uuid4())
    s.execute(
        lk.insert().values(
            link_id=link_id, occurrence_id=occurrence.occurrence_id, role=role, created_at=at, **values
        )
    )
    return s.execute(select(lk).where(lk.c.link_id == link_id)).first(), True
