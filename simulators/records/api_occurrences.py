"""Occurrence endpoints: list, create, read, patch, links, and custody outcomes."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from simulators.core.app import json_response
from simulators.core.context import sim
from simulators.core.db import update_if_version
from simulators.core.paging import Page, page_body, page_params, paginate
from simulators.core.problems import Problem
from simulators.records import custody_outcomes, links, nominals, occurrences
from simulators.records.context import emit, now, rt, utc
from simulators.records.http import check_if_match, etag, json_body, merge_patch

bp = Blueprint("records_occurrences", __name__)

REFERENCE_ATTEMPTS = 5


def _one(occurrence_id: str) -> dict[str, Any]:
    t = rt()
    with sim().db.session() as s:
        return occurrences.occurrence_bodies(s, t, [occurrences.get_row(s, t, occurrence_id)])[0]


def _respond(body: dict[str, Any], status: int = 200, **headers: str) -> ResponseReturnValue:
    return json_response(body, status, {"ETag": etag(body["version"]), **headers})


@bp.get("/occurrences")
def list_occurrences() -> ResponseReturnValue:
    t = rt()
    o = t.occurrences
    limit, cursor = page_params()
    stmt = select(o)
    args = request.args
    with sim().db.session() as s:
        if args.get("nominal_id"):
            nominal_id = nominals.resolve_id(s, t, args["nominal_id"]) or args["nominal_id"]
            stmt = stmt.where(
                o.c.occurrence_id.in_(
                    select(t.links.c.occurrence_id).where(t.links.c.nominal_id == nominal_id)
                )
            )
        if args.get("type"):
            stmt = stmt.where(o.c.type == args["type"])
        if args.get("status"):
            stmt = stmt.where(o.c.status == args["status"])
        if args.get("classification"):
            stmt = stmt.where(o.c.classification_code == args["classification"].strip().upper())
        page = paginate(s, stmt, o.c.occurrence_id, limit=limit, cursor=cursor, scalars=False)
        items = occurrences.occurrence_bodies(s, t, list(page.items))
    return page_body(items, Page(items, page.next_cursor, limit))


@bp.post("/occurrences")
def create_occurrence() -> ResponseReturnValue:
    t = rt()
    body = json_body()
    at = now()
    kind = body["type"]
    code, title = occurrences.classification(kind, body["classification"]["code"])
    times = occurrences.parse_times(body, at)
    outcome = occurrences.outcome(body["outcome"]["code"]) if body.get("outcome") else None
    status = body.get("status", "open")
    occurrences.check_state(kind, status, outcome[0] if outcome else None)
    location = occurrences.clean_location(body.get("location"))
    for attempt in range(REFERENCE_ATTEMPTS):
        occurrence_id = str(uuid.uuid4())
        try:
            with sim().db.transaction() as s:
                reference = occurrences.next_reference(s, t, times["reported_at"].year)
                s.execute(
                    t.occurrences.insert().values(
                        occurrence_id=occurrence_id,
                        reference=reference,
                        type=kind,
                        classification_code=code,
                        classification_title=title,
                        summary=body.get("summary"),
                        location=location,
                        status=status,
                        outcome_code=outcome[0] if outcome else None,
                        outcome_title=outcome[1] if outcome else None,
                        version=1,
                        created_at=at,
                        updated_at=at,
                        **times,
                    )
                )
                row = occurrences.get_row(s, t, occurrence_id)
                for i, link in enumerate(body.get("links") or []):
                    links.add_link(s, t, row, link, at, field=f"links.{i}.nominal_id")
                emit(
                    s,
                    "occurrence.created",
                    "occurrence",
                    occurrence_id,
                    {
                        "reference": reference,
                        "type": kind,
                        "classification_code": code,
                        "status": status,
                        "version": 1,
                    },
                )
            break
        except IntegrityError:  # two creates took the same reference: take the next one
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
    return _respond(_one(occurrence_id), 201, Location=f"/occurrences/{occurrence_id}")


@bp.get("/occurrences/<occurrence_id>")
def get_occurrence(occurrence_id: str) -> ResponseReturnValue:
    return _respond(_one(occurrence_id))


@bp.patch("/occurrences/<occurrence_id>")
def update_occurrence(occurrence_id: str) -> ResponseReturnValue:
    t = rt()
    patch = json_body()
    at = now()
    with sim().db.transaction() as s:
        row = occurrences.get_row(s, t, occurrence_id)  # 404
        # The patch's values are read and checked (400) before the If-Match precondition, and the
        # occurrence's state rules after it: the order of checks in common.yaml.
        values: dict[str, Any] = {}
        if "classification" in patch:
            code, title = occurrences.classification(row.type, patch["classification"]["code"])
            values.update(classification_code=code, classification_title=title)
        if "summary" in patch:
            values["summary"] = patch["summary"]
        if {"occurred_from", "occurred_to"} & set(patch):
            times = occurrences.parse_times(
                {k: v for k, v in patch.items() if k.startswith("occurred_")}, at, row
            )
            values.update(occurred_from=times["occurred_from"], occurred_to=times["occurred_to"])
        if "location" in patch:
            current = dict(row.location or {})
            merged = merge_patch(current, patch["location"]) if patch["location"] is not None else None
            if merged is not None and (not merged.get("line1") or not merged.get("town")):
                raise Problem(
                    "validation-error",
                    "A location needs line1 and town.",
                    rule="RMS-VAL-001",
                    errors=[{"field": "location", "message": "line1 and town are required"}],
                )
            values["location"] = occurrences.clean_location(merged)
        if "outcome" in patch:
            outcome = occurrences.outcome(patch["outcome"]["code"]) if patch["outcome"] else None
            values.update(
                outcome_code=outcome[0] if outcome else None, outcome_title=outcome[1] if outcome else None
            )
        if "status" in patch:
            values["status"] = patch["status"]
        check_if_match(row.version, required=True)
        occurrences.check_state(
            row.type, values.get("status", row.status), values.get("outcome_code", row.outcome_code)
        )
        changed = sorted(
            k
            for k, v in values.items()
            if getattr(row, k) != v
            and not (
                k.startswith("occurred_")
                and v is not None
                and getattr(row, k) is not None
                and utc(getattr(row, k)) == v
            )
        )
        if changed:
            new_values = {**values, "version": row.version + 1, "updated_at": at}
            if not update_if_version(
                s, t.occurrences.c.occurrence_id, occurrence_id, row.version, new_values
            ):
                raise Problem(
                    "precondition-failed",
                    "The occurrence changed meanwhile; read it again.",
                    rule="RMS-HTTP-412",
                )
            emit(
                s,
                "occurrence.updated",
                "occurrence",
                occurrence_id,
                {"version": row.version + 1, "changed": changed, "status": values.get("status", row.status)},
            )
    return _respond(_one(occurrence_id))


@bp.get("/occurrences/<occurrence_id>/links")
def list_links(occurrence_id: str) -> ResponseReturnValue:
    t = rt()
    lk = t.links
    limit, cursor = page_params()
    with sim().db.session() as s:
        occurrences.get_row(s, t, occurrence_id)
        stmt = select(lk).where(lk.c.occurrence_id == occurrence_id)
        if request.args.get("entity_type"):
            stmt = stmt.where(lk.c.entity_type == request.args["entity_type"])
        if request.args.get("role"):
            stmt = stmt.where(lk.c.role == request.args["role"])
        page = paginate(s, stmt, lk.c.link_id, limit=limit, cursor=cursor, scalars=False)
        items = links.link_bodies(s, t, list(page.items))
    return page_body(items, Page(items, page.next_cursor, limit))


@bp.post("/occurrences/<occurrence_id>/links")
def add_link(occurrence_id: str) -> ResponseReturnValue:
    t = rt()
    body = json_body()
    at = now()
    with sim().db.transaction() as s:
        row = occurrences.get_row(s, t, occurrence_id)
        link, created = links.add_link(s, t, row, body, at)
        out = links.link_bodies(s, t, [link])[0]
        if created:
            o = t.occurrences
            s.execute(
                o.update()
                .where(o.c.occurrence_id == occurrence_id)
                .values(version=row.version + 1, updated_at=at)
            )
            emit(
                s,
                "occurrence.link_added",
                "occurrence",
                occurrence_id,
                {
                    "link_id": out["link_id"],
                    "entity_type": out["entity_type"],
                    "nominal_id": out["nominal_id"],
                    "role": out["role"],
                    "version": row.version + 1,
                },
            )
    return json_response(out, 201 if created else 200)


@bp.post("/occurrences/<occurrence_id>/custody-outcomes")
def record_custody_outcome(occurrence_id: str) -> ResponseReturnValue:
    t = rt()
    body = json_body()
    at = now()
    with sim().db.transaction() as s:
        row = occurrences.get_row(s, t, occurrence_id)
        out, created = custody_outcomes.record(s, t, row, body, at)
    return json_response(out, 201 if created else 200)
