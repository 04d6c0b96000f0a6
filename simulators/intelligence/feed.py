"""The intelligence change feed: the core's ordered event log, filtered by who is reading.

Every event is written in the write's own transaction (like every system's), plus a row saying
who may see it. A reader without the restricted scope never sees events of a report it may not
read (SECRET and above); when a report it could read is raised above its level it gets one
`report.withdrawn` event, so a downstream copy (a national index) can drop it. Event `data` never
carries text: only `{"version": n}`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, select

from simulators.core.context import sim
from simulators.core.events import event_body
from simulators.core.paging import page_params
from simulators.intelligence.access import View, view_for
from simulators.intelligence.context import caller, checked_cursor, itables

AUDIENCE_ALL = "all"
AUDIENCE_RESTRICTED = "restricted"
AUDIENCE_LESSER = "lesser"
HREFS = {"report": "/reports/{id}"}


def emit(session: Connection, event_type: str, report_id: str, data: dict[str, Any], audience: str) -> None:
    """Append one report event and who may see it; call inside the write's transaction."""
    ctx = sim()
    result = session.execute(
        ctx.tables.events.insert().values(
            occurred_at=ctx.clock.now(),
            type=event_type,
            resource_type="report",
            resource_id=report_id,
            data=data,
        )
    )
    key = result.inserted_primary_key
    assert key is not None  # a single-row insert always has its key
    seq = key[0]
    session.execute(itables().event_audience.insert().values(seq=seq, audience=audience))


def audiences_for(view: View) -> tuple[str, ...]:
    if view is View.ORIGINAL:
        return (AUDIENCE_ALL, AUDIENCE_RESTRICTED)
    return (AUDIENCE_ALL, AUDIENCE_LESSER)


def feed_blueprint() -> Blueprint:
    """`GET /events`, showing each reader only the events it may see."""
    bp = Blueprint("intelligence_events", __name__)

    @bp.get("/events")
    def list_events() -> ResponseReturnValue:
        ctx = sim()
        events = ctx.tables.events
        audience = itables().event_audience
        limit, after = page_params("after")
        stmt = (
            select(events)
            .join(audience, audience.c.seq == events.c.seq)
            .where(audience.c.audience.in_(audiences_for(view_for(caller()))))
        )
        if after:
            stmt = stmt.where(events.c.seq > checked_cursor(after, int, "after"))
        types = [t for t in request.args.get("type", "").split(",") if t]
        if types:
            # A type no event can have (e.g. with a NUL, which PostgreSQL cannot compare) matches nothing.
            stmt = stmt.where(events.c.type.in_([t for t in types if "\x00" not in t] or [""]))
        with ctx.db.session() as s:
            rows = s.execute(stmt.order_by(events.c.seq).limit(limit)).all()
        items = [event_body(r, HREFS) for r in rows]
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
