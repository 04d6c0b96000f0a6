"""The intelligence simulator: graded, classified reports with sanitised and original text.

Interoperability meets security here: data flows to those entitled to it and to nobody else
(see `access.py` for the policy, `views.py` for the two shapes of a report, `audit.py` for the
need-to-know log). Restricted text never reaches the traffic log: submissions and changes carry
original text in their bodies, so those exchanges are redacted from the start of the request
(even when the request is refused), and so is every exchange of a restricted reader with
/reports (its answers, and its search words, may hold original text).
"""

from __future__ import annotations

from flask import Flask, Response, g, request

from simulators.core.app import create_simulator_app
from simulators.core.bulk import bulk_blueprint
from simulators.core.config import SimConfig
from simulators.intelligence.access import SCOPE_RESTRICTED
from simulators.intelligence.audit import audit_blueprint
from simulators.intelligence.bulk import INTELLIGENCE_BULK
from simulators.intelligence.feed import feed_blueprint
from simulators.intelligence.indicator import indicator_blueprint
from simulators.intelligence.loader import load_population
from simulators.intelligence.reports import reports_blueprint
from simulators.intelligence.tables import build_tables
from simulators.seeded import seeded_population

REDACTED = "(redacted: the exchange carried intelligence text)"


def _redact_writes() -> None:
    """Before anything else (auth, validation): a write to /reports carries original text."""
    if request.method in ("POST", "PATCH", "PUT") and request.path.rstrip("/").startswith("/reports"):
        g.redact_traffic = True


def _redact_restricted(response: Response) -> Response:
    """After the handler, before the core logs the exchange.

    A restricted reader's exchanges with /reports may carry original text (or search words taken
    from it), even when refused: redact them. Validation messages of a redacted exchange may quote
    the submitted text: keep only their field names.
    """
    who = g.get("principal")
    if who is not None and who.has(SCOPE_RESTRICTED) and request.path.startswith("/reports"):
        g.redact_traffic = True
    if request.path.startswith("/bulk/"):  # bulk files and uploads carry original text
        g.redact_traffic = True
    if g.get("redact_traffic") and g.get("errors"):
        g.errors = [
            {"field": e.get("field", "body"), "message": REDACTED} if isinstance(e, dict) else REDACTED
            for e in g.errors
        ]
    return response


def create_app(config: SimConfig | None = None) -> Flask:
    """The intelligence simulator app (config None = `SimConfig.for_system("intelligence")`)."""
    config = config or SimConfig.for_system("intelligence")
    tables = build_tables()
    app = create_simulator_app(
        config,
        metadata=tables.metadata,
        blueprints=[
            reports_blueprint(),
            indicator_blueprint(),
            audit_blueprint(),
            feed_blueprint(),
            bulk_blueprint(INTELLIGENCE_BULK),
        ],
        population=seeded_population(load_population),
        system_state=tables,
    )
    app.before_request_funcs.setdefault(None, []).insert(0, _redact_writes)
    # after_request functions run last-registered first: this one runs before the core's logger.
    app.after_request(_redact_restricted)
    return app
