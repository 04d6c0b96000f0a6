"""The change feed: an append-only, ordered log of every change, written in the same
transaction as the change itself (so the feed never shows a change that was rolled back).

`GET /events?after=<cursor>` pages through it; downstream consumers (a national index) follow it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, Table, select

from simulators.core.clock import isoformat
from simulators.core.context import sim
from simulators.core.paging import decode_cursor, encode_cursor, page_params, typed_key


def record_event(
    session: Connection,
    events: Table,
    event_type: str,
    resource_type: str,
    resource_id: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Append one event; call inside the write's own transaction."""
    session.execute(
        events.insert(),
        {
            "occurred_at": sim().clock.now(),
            "type": event_type,
            "resource_type": resource_type,
            "resource_id": str(resource_id),
            "data": data or {},
        },
    )


def event_body(row: Any, href_for: dict[str, str]) -> dict[str, Any]:
    template = href_for.get(row.resource_type)
    return {
        "event_id": str(row.seq),
        "cursor": encode_cursor(row.seq),
        "type": row.type,
        "occurred_at": isoformat(row.occurred_at),
        "resource": {
            "type": row.resource_type,
            "id": row.resource_id,
            "href": template.format(id=row.resource_id) if template else None,
        },
        "data": row.data,
    }


def events_blueprint(href_for: dict[str, str]) -> Blueprint:
    """`GET /events`: `href_for` maps resource types to URL templates like `/nominals/{id}`."""
    bp = Blueprint("events", __name__)

    @bp.get("/events")
    def list_events() -> ResponseReturnValue:
        ctx = sim()
        table = ctx.tables.events
        limit, after = page_params("after")
        stmt = select(table)
        if after:
            stmt = stmt.where(table.c.seq > typed_key(decode_cursor(after, "after"), table.c.seq, "after"))
        from flask import request

        types = [t for t in request.args.get("type", "").split(",") if t]
        if types:
            stmt = stmt.where(table.c.type.in_(types))
        with ctx.db.session() as s:
            rows = s.execute(stmt.order_by(table.c.seq).limit(limit)).all()
        items = [event_body(r, href_for) for r in rows]
        # The feed never ends: the next cursor is always the last seen (or the one given).
        next_cursor = items[-1]["cursor"] if items else after
        next_link = f"/events?after={next_cursor}&limit={limit}" if next_cursor else f"/events?limit={limit}"
        return jsonify(
            {
                "items": items,
                "limit": limit,
                "next_cursor": next_cursor,
                "links": {"self": request.full_path.rstrip("?"), "next": next_link},
            }
        )

    return bp
