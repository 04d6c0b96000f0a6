"""`GET /nominals/{nominal_id}/indicator`: is intelligence held on this nominal? Yes or no, nothing else.

What records shows on a nominal ("intelligence held: contact the intelligence unit") without any
content: it counts every report naming the nominal as a subject, whatever its classification,
and answers only a boolean. Each question is audited (who asked about which nominal), the answer
is not.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from simulators.core.app import json_response
from simulators.core.context import sim
from simulators.intelligence.audit import audit_row, write_audit
from simulators.intelligence.context import itables


def intelligence_held(nominal_id: str) -> bool:
    subjects = itables().subjects
    with sim().db.session() as s:
        hit = s.execute(
            select(subjects.c.report_id).where(subjects.c.nominal_id == nominal_id).limit(1)
        ).first()
    return hit is not None


def indicator_blueprint() -> Blueprint:
    bp = Blueprint("intelligence_indicator", __name__)

    @bp.get("/nominals/<nominal_id>/indicator")
    def get_indicator(nominal_id: str):  # type: ignore[no-untyped-def]
        nominal_id = nominal_id.lower()
        held = intelligence_held(nominal_id)
        write_audit([audit_row("indicator", nominal_id=nominal_id)])
        return json_response({"nominal_id": nominal_id, "intelligence_held": held})

    return bp
