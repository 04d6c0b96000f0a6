"""Nominal endpoints: search, create, read (merged ids answer with the survivor), patch, merge."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from simulators.core.app import json_response
from simulators.core.context import principal, sim
from simulators.core.db import update_if_version
from simulators.core.paging import Page, decode_cursor, encode_cursor, page_body, page_params, paginate
from simulators.core.problems import Problem
from simulators.records import merge, nominals, search
from simulators.records.context import emit, now, rt, today
from simulators.records.http import check_if_match, etag, json_body, merge_patch
from simulators.records.inputs import check_four_plus_one, clean_fields, clean_nominal

bp = Blueprint("records_nominals", __name__)

REQUIRED = ("surname", "forenames", "sex")


def _created_event(doc: dict[str, Any], version: int) -> dict[str, Any]:
    return {
        "pnc_id": doc.get("pnc_id"),
        "surname": doc["surname"],
        "forenames": doc["forenames"],
        "date_of_birth": doc.get("date_of_birth"),
        "version": version,
    }


def _respond(body: dict[str, Any], status: int = 200, **headers: str) -> ResponseReturnValue:
    hdrs = {"ETag": etag(body["version"]), "Content-Location": f"/nominals/{body['nominal_id']}", **headers}
    return json_response(body, status, hdrs)


@bp.get("/nominals")
def search_nominals() -> ResponseReturnValue:
    t = rt()
    limit, cursor = page_params()
    criteria = search.criteria_from_args(request.args)
    with sim().db.session() as s:
        if criteria.empty:
            stmt = select(t.nominals).where(t.nominals.c.merged_into.is_(None))
            page = paginate(s, stmt, t.nominals.c.nominal_id, limit=limit, cursor=cursor, scalars=False)
            items = [{**nominals.nominal_body(r), "match": None} for r in page.items]
            return page_body(items, Page(items, page.next_cursor, limit))
        hits = search.search(s, t, criteria)
        key = decode_cursor(cursor) if cursor else search.NO_CURSOR
        found, next_key = search.page_after(hits, key, limit)
        items = search.page_items(s, t, criteria, found)
    return page_body(items, Page(items, encode_cursor(next_key) if next_key else None, limit))


@bp.post("/nominals")
def create_nominal() -> ResponseReturnValue:
    t = rt()
    doc = clean_nominal(json_body(), today())
    at = now()
    nominal_id = str(uuid.uuid4())
    with sim().db.transaction() as s:
        nominals.check_identifiers_unique(s, t, doc, exclude=None)
        s.execute(
            t.nominals.insert().values(
                nominal_id=nominal_id,
                **nominals.row_values(doc),
                merged_ids=[],
                merged_into=None,
                version=1,
                created_at=at,
                updated_at=at,
            )
        )
        nominals.rebuild_name_keys(s, t, nominal_id, doc)
        emit(s, "nominal.created", "nominal", nominal_id, _created_event(doc, 1))
        row = nominals.get_row(s, t, nominal_id)
    return _respond(nominals.nominal_body(row), 201, Location=f"/nominals/{nominal_id}")


@bp.get("/nominals/<nominal_id>")
def get_nominal(nominal_id: str) -> ResponseReturnValue:
    with sim().db.session() as s:
        row, resolved_from = nominals.resolve(s, rt(), nominal_id)
    return _respond(nominals.nominal_body(row, resolved_from))


def _refuse_merged(s: Any, row: Any) -> None:
    if row.merged_into:
        survivor = nominals.resolve(s, rt(), row.nominal_id)[0].nominal_id
        raise Problem(
            "conflict",
            f"Nominal {row.nominal_id} was merged into {survivor}; change that record.",
            rule="RMS-MRG-008",
            survivor_id=survivor,
        )


def _refuse_removal(missing: list[str]) -> None:
    """400 (RMS-NOM-001) when a patch removes fields every nominal has."""
    if missing:
        raise Problem(
            "validation-error",
            f"{', '.join(missing)} may not be removed.",
            rule="RMS-NOM-001",
            errors=[{"field": f, "message": "required; may not be null"} for f in missing],
        )


@bp.patch("/nominals/<nominal_id>")
def update_nominal(nominal_id: str) -> ResponseReturnValue:
    """The order of checks (common.yaml): what the patch alone shows is wrong (400) before 404;
    what it makes of the stored nominal (400) before the If-Match precondition; rules (409/422) last."""
    t = rt()
    patch = json_body()
    day, at = today(), now()
    own = {f for f, v in patch.items() if v is not None and f != "address"}  # address merges: checked below
    _refuse_removal([f for f in REQUIRED if f in patch and patch[f] is None])
    clean_fields(patch, day, fields=own)
    with sim().db.transaction() as s:
        row = nominals.get_row(s, t, nominal_id)
        if row is None:
            raise Problem("not-found", f"No nominal {nominal_id}.")
        patched = merge_patch(nominals.editable_view(row), patch)
        _refuse_removal([f for f in REQUIRED if f not in patched])
        doc = clean_fields(patched, day, fields=set(patch))
        check_if_match(row.version, required=True)
        _refuse_merged(s, row)
        check_four_plus_one(doc)
        before = nominals.row_values(nominals.editable_view(row))
        after = nominals.row_values(doc)
        changed = sorted(k for k in after if after[k] != before[k])
        if not changed:
            return _respond(nominals.nominal_body(row))
        if "pnc_id" in changed or "cro_number" in changed:
            nominals.check_identifiers_unique(s, t, doc, exclude=nominal_id)
        values = {**after, "version": row.version + 1, "updated_at": at}
        if not update_if_version(s, t.nominals.c.nominal_id, nominal_id, row.version, values):
            raise Problem(
                "precondition-failed",
                "The nominal changed while this change was applied; read it again.",
                rule="RMS-HTTP-412",
            )
        nominals.rebuild_name_keys(s, t, nominal_id, doc)
        emit(s, "nominal.updated", "nominal", nominal_id, {"version": row.version + 1, "changed": changed})
        row = nominals.get_row(s, t, nominal_id)
    return _respond(nominals.nominal_body(row))


@bp.post("/nominals/<nominal_id>/merges")
def merge_nominals(nominal_id: str) -> ResponseReturnValue:
    body = json_body()
    t = rt()
    at = now()
    with sim().db.transaction() as s:
        row, data = merge.merge_nominals(
            s,
            t,
            nominal_id,
            body["duplicate_id"],
            reason=body.get("reason"),
            client_id=principal().client_id,
            at=at,
            if_match=lambda version: check_if_match(version, required=False),
        )
        emit(s, "nominal.merged", "nominal", nominal_id, data)
    return _respond(nominals.nominal_body(row))
