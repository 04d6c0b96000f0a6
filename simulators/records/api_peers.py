"""Answers that come from other systems: the intelligence indicator and the custody history.

Both ask the peer through its typed client with the records system's own credentials, for the
nominal and every id merged into it (the peer may still know the person by an old id). A peer
failure becomes 502/503/504 and nothing is guessed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.typing import ResponseReturnValue

from simulators.clients import UpstreamError, client_for
from simulators.core.app import json_response
from simulators.core.clock import isoformat
from simulators.core.context import sim
from simulators.core.paging import Page, decode_cursor, encode_cursor, page_body, page_params
from simulators.core.problems import Problem
from simulators.records import nominals
from simulators.records.context import now, rt

bp = Blueprint("records_peers", __name__)


def peer(system: str) -> Any:
    """The app's client for `system` (kept per app so tokens are reused)."""
    ctx = sim()
    clients = ctx.extras.setdefault("peer_clients", {})
    if system not in clients:
        clients[system] = client_for(ctx.config, system)
    return clients[system]


def _identity(nominal_id: str) -> tuple[str, list[str]]:
    with sim().db.session() as s:
        row, _ = nominals.resolve(s, rt(), nominal_id)
    return row.nominal_id, [row.nominal_id, *row.merged_ids]


@bp.get("/nominals/<nominal_id>/intelligence-indicator")
def intelligence_indicator(nominal_id: str) -> ResponseReturnValue:
    survivor, ids = _identity(nominal_id)
    client = peer("intelligence")
    try:
        held = any(client.intelligence_held(i) for i in ids)
    except UpstreamError as exc:
        raise exc.as_problem("ask the intelligence system whether intelligence is held") from exc
    return json_response({"nominal_id": survivor, "intelligence_held": held, "checked_at": isoformat(now())})


def _arrival(record: dict[str, Any]) -> str:
    return str(record.get("arrived_at") or "")


@bp.get("/nominals/<nominal_id>/custody-history")
def custody_history(nominal_id: str) -> ResponseReturnValue:
    survivor, ids = _identity(nominal_id)
    limit, cursor = page_params()
    offset = 0
    if cursor:
        offset = decode_cursor(cursor)
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise Problem(
                "validation-error",
                "The cursor is not one this system issued; start again without it.",
                errors=[{"field": "query.cursor", "message": "not a valid cursor"}],
            )
    client = peer("custody")
    records: dict[str, dict[str, Any]] = {}
    try:
        for i in ids:
            for rec in client.custody_history(i):
                if isinstance(rec, dict) and isinstance(rec.get("custody_id"), str):
                    records.setdefault(rec["custody_id"], rec)
    except UpstreamError as exc:
        raise exc.as_problem("read the custody history from the custody system") from exc
    ordered = sorted(records.values(), key=lambda r: (_arrival(r), r["custody_id"]), reverse=True)
    items = ordered[offset : offset + limit]
    next_cursor = encode_cursor(offset + limit) if offset + limit < len(ordered) else None
    body = page_body(items, Page(items, next_cursor, limit))
    return json_response({**body, "nominal_id": survivor})
