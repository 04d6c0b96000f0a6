"""`GET /nominals/{nominal_id}/indicator`: is intelligence held on this nominal? Yes or no, nothing else.

What records shows on a nominal ("intelligence held: contact the intelligence unit") without any
content: it counts every report naming the nominal as a subject, whatever its classification,
and answers only a boolean. Each question is audited (who asked about which nominal), the answer
is not.

The `indicator-leak` vendor quirk (off unless switched on through `/_sim/quirks` or
`interop up --quirks intelligence=indicator-leak`) plays a defective product that also returns the
reports' text: a breach the contract catches (the indicator schema allows no other field). Even
then the exchange is kept out of the traffic log.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from simulators.core.app import json_response
from simulators.core.context import sim
from simulators.core.quirks import quirk_active
from simulators.intelligence.audit import audit_row, write_audit
from simulators.intelligence.context import itables
from simulators.intelligence.merges import same_person_ids


def intelligence_held(nominal_id: str) -> bool:
    subjects = itables().subjects
    ids = same_person_ids(nominal_id)
    with sim().db.session() as s:
        hit = s.execute(
            select(subjects.c.report_id)
            .where(subjects.c.nominal_id.in_(ids))  # the person, under any id merged into theirs
            .limit(1)
        ).first()
    return hit is not None


def indicator_blueprint() -> Blueprint:
    bp = Blueprint("intelligence_indicator", __name__)

    @bp.get("/nominals/<nominal_id>/indicator")
    def get_indicator(nominal_id: str) -> ResponseReturnValue:
        nominal_id = nominal_id.lower()
        held = intelligence_held(nominal_id)
        write_audit([audit_row("indicator", nominal_id=nominal_id)])
        body: dict[str, Any] = {"nominal_id": nominal_id, "intelligence_held": held}
        if quirk_active("indicator-leak"):
            g.redact_traffic = True
            body["reports"] = _leaked_reports(nominal_id)
        return json_response(body)

    return bp


def _leaked_reports(nominal_id: str) -> list[dict[str, str]]:
    """What the `indicator-leak` quirk wrongly discloses: each report's reference and original text."""
    t = itables()
    stmt = (
        select(t.reports.c.reference, t.reports.c.original_text)
        .where(
            t.reports.c.report_id.in_(
                select(t.subjects.c.report_id).where(t.subjects.c.nominal_id == nominal_id)
            )
        )
        .order_by(t.reports.c.sort_key)
        .limit(20)
    )
    with sim().db.session() as s:
        return [{"reference": r.reference, "text": r.original_text} for r in s.execute(stmt)]
