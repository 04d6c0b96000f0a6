"""Test support for the outcome outbox (under /_sim/, not part of the standard)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from simulators.core.clock import isoformat
from simulators.core.context import sim
from simulators.custody import outbox
from simulators.custody.store import tables

bp = Blueprint("custody_sim_outbox", __name__, url_prefix="/_sim/outbox")


@bp.get("")
def list_outbox() -> ResponseReturnValue:
    """Every outbox entry, oldest first."""
    t = tables().outbox
    with sim().db.session() as s:
        rows = s.execute(select(t).order_by(t.c.seq)).all()
    return jsonify(
        {
            "items": [
                {
                    "seq": r.seq,
                    "custody_id": r.custody_id,
                    "occurrence_id": r.occurrence_id,
                    "status": r.status,
                    "attempts": r.attempts,
                    "last_error": r.last_error,
                    "created_at": isoformat(r.created_at),
                    "delivered_at": isoformat(r.delivered_at),
                    "payload": r.payload,
                }
                for r in rows
            ]
        }
    )


@bp.post("/flush")
def flush_outbox() -> ResponseReturnValue:
    """Try every pending delivery now; answers the counts."""
    return jsonify(outbox.deliver_pending(current_app._get_current_object()))  # type: ignore[attr-defined]  # Flask types its proxy as the app
