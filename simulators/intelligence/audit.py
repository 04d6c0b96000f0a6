"""Need-to-know audit: every time a report's content is shown, who saw which version, and how.

Rows are written in the same request that shows the content (in the write's own transaction
for submissions and changes), before the response leaves. Operations: `create`, `read`,
`search` (one row per report in a page of results), `update`, and `indicator` (the yes/no
question about a nominal; the answer is not logged). `outcome` is `shown`, or `denied` when a
report exists but the caller may not see it. Readable only with `intelligence:audit`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, select

from simulators.core.clock import isoformat
from simulators.core.context import sim
from simulators.core.paging import page_body, page_params, paginate
from simulators.intelligence.context import caller, checked_cursor, itables

OPERATIONS = ("create", "read", "search", "update", "indicator")


def audit_row(
    operation: str,
    *,
    report_id: str | None = None,
    version: int | None = None,
    text_version: str | None = None,
    nominal_id: str | None = None,
    outcome: str = "shown",
) -> dict[str, Any]:
    """One audit row for the current caller, now."""
    who = caller()
    return {
        "at": sim().clock.now(),
        "client_id": who.client_id[:128],
        "token_id": who.token_id[:64],
        "operation": operation,
        "outcome": outcome,
        "report_id": report_id,
        "version": version,
        "text_version": text_version,
        "nominal_id": nominal_id,
    }


def write_audit(rows: list[dict[str, Any]], session: Connection | None = None) -> None:
    """Store audit rows: in `session` (a write's transaction) or in a transaction of their own."""
    if not rows:
        return
    table = itables().audit
    if session is not None:
        session.execute(table.insert(), rows)
        return
    with sim().db.transaction() as s:
        s.execute(table.insert(), rows)


def _item(row: Any) -> dict[str, Any]:
    return {
        "audit_id": str(row.seq),
        "at": isoformat(row.at),
        "client_id": row.client_id,
        "token_id": row.token_id,
        "operation": row.operation,
        "outcome": row.outcome,
        "report_id": row.report_id,
        "version": row.version,
        "text_version": row.text_version,
        "nominal_id": row.nominal_id,
    }


def audit_blueprint() -> Blueprint:
    bp = Blueprint("intelligence_audit", __name__)

    @bp.get("/audit")
    def list_audit() -> ResponseReturnValue:
        table = itables().audit
        limit, cursor = page_params()
        checked_cursor(cursor, int)
        stmt = select(table)
        for param, column in (
            ("report_id", table.c.report_id),
            ("client_id", table.c.client_id),
            ("operation", table.c.operation),
            ("nominal_id", table.c.nominal_id),
        ):
            value = request.args.get(param)
            if value:
                stmt = stmt.where(
                    column == (value.lower() if param in ("report_id", "nominal_id") else value)
                )
        with sim().db.session() as s:
            page = paginate(s, stmt, table.c.seq, limit=limit, cursor=cursor, scalars=False)
        return page_body([_item(r) for r in page.items], page)

    return bp
