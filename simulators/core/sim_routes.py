"""Endpoints every simulator has.

`standard_blueprint`: part of the standard (in every OpenAPI document): `/health`,
`/openapi.json`, `/oauth/token`, `/.well-known/jwks.json`.
`sim_blueprint`: test support under `/_sim/`, deliberately not part of the standard: reset,
clock control, faults, captured traffic.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from simulators.core import faults, quirks
from simulators.core.auth import TokenRequestError, client_credentials_grant
from simulators.core.clock import OUT_OF_RANGE, isoformat, parse_instant
from simulators.core.context import sim
from simulators.core.paging import page_body, page_params, paginate
from simulators.core.problems import Problem
from simulators.core.seeding import ensure_population_loaded
from simulators.core.version import VERSION


def standard_blueprint() -> Blueprint:
    bp = Blueprint("standard", __name__)

    @bp.get("/health")
    def health() -> ResponseReturnValue:
        ctx = sim()
        return jsonify(
            {
                "status": "ok",
                "system": ctx.system,
                "version": VERSION,
                "time": isoformat(ctx.clock.now()),
                "database": ctx.db.dialect,
            }
        )

    @bp.get("/openapi.json")
    def openapi_document() -> ResponseReturnValue:
        return jsonify(sim().spec)

    @bp.get("/.well-known/jwks.json")
    def jwks() -> ResponseReturnValue:
        return jsonify(sim().issuer.jwks())

    @bp.post("/oauth/token")
    def token() -> ResponseReturnValue:
        ctx = sim()
        failure = faults.token_failure(ctx)
        if failure is not None:
            raise failure
        if request.mimetype != "application/x-www-form-urlencoded":
            err = TokenRequestError("invalid_request", "Send the token request form-encoded (RFC 6749).")
        else:
            try:
                body = client_credentials_grant(
                    request.form.to_dict(), request.headers.get("Authorization"), ctx.clients, ctx.issuer
                )
                resp = jsonify(body)
                resp.headers["Cache-Control"] = "no-store"
                return resp
            except TokenRequestError as exc:
                err = exc
        resp = jsonify({"error": err.error, "error_description": err.description})
        resp.status_code = err.status
        resp.headers["Cache-Control"] = "no-store"
        if err.status == 401:
            resp.headers["WWW-Authenticate"] = 'Basic realm="interop"'
        return resp

    return bp


_CLOCK_UNITS = {"days": 86400.0, "hours": 3600.0, "minutes": 60.0, "seconds": 1.0}


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem("bad-request", "Send a JSON object body.")
    return body


def _wall_time(value: datetime | None) -> str | None:
    """A wall-clock instant with milliseconds (SQLite hands it back naive, in UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sim_blueprint() -> Blueprint:
    bp = Blueprint("sim", __name__, url_prefix="/_sim")

    @bp.post("/reset")
    def reset() -> ResponseReturnValue:
        """Back to the seeded population, real time, no faults, empty traffic log."""
        ctx = sim()
        ctx.traffic.discard()
        if ctx.population is not None and ctx.config.load_population:
            marker = ensure_population_loaded(ctx, force=True)
        else:
            ctx.db.truncate_all()
            marker = None
        ctx.clock.reset()
        faults.set_faults(ctx, {})
        quirks.set_quirks(ctx, list(ctx.config.quirks))
        for hook in ctx.reset_hooks:
            hook(ctx)
        return jsonify({"status": "reset", "population": marker, "time": isoformat(ctx.clock.now())})

    @bp.get("/clock")
    def get_clock() -> ResponseReturnValue:
        return jsonify(sim().clock.describe())

    @bp.put("/clock")
    def put_clock() -> ResponseReturnValue:
        """`{"now": "2025-01-01T09:00:00Z", "frozen": true}` sets simulated time."""
        body = _json_body()
        try:
            at = parse_instant(str(body["now"]))
        except (KeyError, ValueError, OverflowError) as exc:
            raise Problem("validation-error", f"now must be an ISO 8601 instant with offset ({exc})") from exc
        try:
            sim().clock.set_now(at, frozen=bool(body.get("frozen", True)))
        except ValueError as exc:
            raise Problem("validation-error", str(exc)) from exc
        return jsonify(sim().clock.describe())

    @bp.post("/clock/advance")
    def advance_clock() -> ResponseReturnValue:
        """`{"hours": 6, "minutes": 1}` moves simulated time forward."""
        body = _json_body()
        try:
            seconds = sum(float(body.get(unit, 0)) * factor for unit, factor in _CLOCK_UNITS.items())
        except (TypeError, ValueError, OverflowError) as exc:
            raise Problem("validation-error", "days, hours, minutes and seconds must be numbers") from exc
        if not math.isfinite(seconds):
            raise Problem("validation-error", "days, hours, minutes and seconds must be finite numbers")
        if seconds < 0:
            raise Problem("validation-error", "time only moves forward; use PUT /_sim/clock to set it")
        try:
            sim().clock.advance(timedelta(seconds=seconds))
        except (ValueError, OverflowError) as exc:  # timedelta itself overflows past ~2.7e6 years
            raise Problem("validation-error", f"cannot advance the clock that far: {OUT_OF_RANGE}") from exc
        return jsonify(sim().clock.describe())

    @bp.post("/clock/reset")
    def reset_clock() -> ResponseReturnValue:
        sim().clock.reset()
        return jsonify(sim().clock.describe())

    @bp.get("/faults")
    def get_faults() -> ResponseReturnValue:
        return jsonify(faults.get_faults(sim()))

    @bp.put("/faults")
    def put_faults() -> ResponseReturnValue:
        return jsonify(faults.set_faults(sim(), _json_body()))

    @bp.get("/quirks")
    def get_quirks() -> ResponseReturnValue:
        ctx = sim()
        return jsonify({"active": quirks.get_quirks(ctx), "available": quirks.catalogue(ctx.system)})

    @bp.put("/quirks")
    def put_quirks() -> ResponseReturnValue:
        """`{"active": ["dates-dmy", "review-every-10h"]}` switches a vendor quirk profile on (`[]` off)."""
        body = _json_body()
        names = body.get("active")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise Problem("validation-error", "active must be a list of quirk names")
        ctx = sim()
        return jsonify({"active": quirks.set_quirks(ctx, names), "available": quirks.catalogue(ctx.system)})

    @bp.get("/traffic")
    def traffic() -> ResponseReturnValue:
        """Captured exchanges, oldest first; `client_id=` (or `client=`), `invalid_only=true`, paging."""
        ctx = sim()
        ctx.traffic.flush()
        t = ctx.tables.traffic
        stmt = select(t)
        client = request.args.get("client_id") or request.args.get("client")
        if client:
            stmt = stmt.where(t.c.client_id == client)
        if request.args.get("invalid_only", "").lower() in ("1", "true", "yes"):
            stmt = stmt.where((t.c.request_valid.is_(False)) | (t.c.response_valid.is_(False)))
        limit, cursor = page_params()
        with ctx.db.session() as s:
            page = paginate(s, stmt, t.c.seq, limit=limit, cursor=cursor, scalars=False)
        items = [
            {
                "seq": r.seq,
                "at": isoformat(r.at),
                "started_at": _wall_time(r.started_at),
                "client_id": r.client_id,
                "method": r.method,
                "path": r.path,
                "query": r.query,
                "operation": r.operation,
                "status": r.status,
                "duration_ms": r.duration_ms,
                "request_valid": r.request_valid,
                "response_valid": r.response_valid,
                "errors": r.errors,
                "request_body": r.request_body,
                "response_body": r.response_body,
                "retry_after": r.retry_after,
            }
            for r in page.items
        ]
        return jsonify(page_body(items, page))

    @bp.delete("/traffic")
    def clear_traffic() -> ResponseReturnValue:
        ctx = sim()
        ctx.traffic.discard()
        with ctx.db.transaction() as s:
            s.execute(ctx.tables.traffic.delete())
        return ("", 204)

    return bp
