"""The simulator app factory shared by records, custody and intelligence.

`create_simulator_app` wires the same infrastructure into every system: problem details, auth
from the spec's security requirements, request and response validation, faults, the traffic
log, `/health`, `/openapi.json`, `/oauth/token` and the `/_sim/` test-support endpoints. Each
system adds its blueprints, its population source and its own typed state.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import MetaData

from simulators.core import faults, json_depth, quirks
from simulators.core.auth import Issuer, bearer_token, expired_token, load_clients, require_scopes
from simulators.core.clock import Clock
from simulators.core.config import SimConfig
from simulators.core.context import PopulationSource, SimulatorContext
from simulators.core.db import Database
from simulators.core.problems import Problem, install_problem_handlers, problem_response
from simulators.core.seeding import POPULATION_KEY as POPULATION_KEY  # where callers have read it
from simulators.core.seeding import ensure_population_loaded
from simulators.core.sim_routes import sim_blueprint, standard_blueprint
from simulators.core.spec import (
    flask_rule_to_template,
    load_spec,
    operation,
    operation_label,
    security_alternatives,
)
from simulators.core.state import SharedState
from simulators.core.tables import core_tables
from simulators.core.traffic import TrafficLog, traffic_entry
from simulators.core.validation import SpecValidator, deferred_check

try:
    import orjson
except ImportError:  # an image built before orjson was added: the standard library encodes
    orjson = None  # type: ignore[assignment]  # an optional module: mypy knows only the module type

log = logging.getLogger("interop.simulator")
_COMPACT = (",", ":")
# Dates as Flask's default encodes them (its `default`), not orjson's RFC 3339.
_ORJSON_OPTIONS = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS) if orjson else 0

MAX_BODY_BYTES = 1024 * 1024


class _JSONProvider(DefaultJSONProvider):
    """Flask's JSON, encoded by orjson when it is installed (a nominal ~9 -> ~1 us, a search page
    of twenty ~150 us less); anything orjson refuses (an integer beyond 64 bits, a lone surrogate,
    a non-string key) or a pretty-printed answer goes through the standard library as before."""

    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if (
            orjson is not None
            and kwargs.keys() <= {"separators"}
            and kwargs.get("separators", _COMPACT) == _COMPACT
        ):
            try:
                return orjson.dumps(obj, default=self.default, option=_ORJSON_OPTIONS).decode()
            except TypeError:  # orjson.JSONEncodeError: let the standard library decide
                pass
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Every request body is parsed here: too deep a nesting is a 400 (json_depth.py)."""
        return json_depth.loads(s, **kwargs)


def create_simulator_app(
    config: SimConfig,
    *,
    metadata: MetaData,
    blueprints: Iterable[Blueprint],
    population: PopulationSource | None = None,
    system_state: object = None,
    reset_hooks: Iterable[Callable[[SimulatorContext], None]] = (),
    extras: dict[str, Any] | None = None,
    spec: dict[str, Any] | None = None,
) -> Flask:
    """Build one simulator: `metadata` holds its domain tables, `blueprints` its resources,
    `population` where its seeded world comes from, `system_state` its own typed state."""
    app = Flask(f"interop.{config.system}")
    app.json = _JSONProvider(app)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.url_map.strict_slashes = False

    tables = core_tables(metadata, config.system)
    db = Database(config.db_url, metadata)
    db.check()
    db.create_all()
    spec = spec if spec is not None else load_spec(config.system)
    state = SharedState(db, tables.state)
    ctx = SimulatorContext(
        config=config,
        db=db,
        clock=Clock(state),
        state=state,
        traffic=TrafficLog(db, tables.traffic),
        tables=tables,
        spec=spec,
        validator=SpecValidator(spec),
        issuer=Issuer.from_key_file(config.resolved_key_file, config.issuer, config.token_ttl_seconds),
        clients=load_clients(config.clients_file),
        population=population,
        state_of_system=system_state,
        reset_hooks=list(reset_hooks),
        extras=dict(extras or {}),
    )
    app.extensions["interop"] = ctx
    rng = random.Random(config.seed)

    install_problem_handlers(app)
    app.register_blueprint(standard_blueprint())
    app.register_blueprint(sim_blueprint())
    for bp in blueprints:
        app.register_blueprint(bp)

    @app.before_request
    def _enforce_standard() -> None:
        g.started = time.perf_counter()
        g.request_valid = None
        g.errors = []
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise Problem("payload-too-large", f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        if request.routing_exception is not None or request.url_rule is None:
            return
        template, method = _template_and_method()
        g.template, g.method = template, method
        op = operation(ctx.spec, template, method)
        if op is None:
            if not request.path.startswith("/_sim") and request.method != "OPTIONS":
                log.error("%s %s is served but not in %s.yaml", request.method, template, config.system)
            return
        g.operation = operation_label(method, template)
        alternatives = security_alternatives(ctx.spec, op)
        # Quirks model a vendor's business API; the token endpoint and /health stay standard.
        g.quirks = tuple(quirks.get_quirks(ctx)) if alternatives is not None else ()
        unguarded = quirks.before(ctx, request, g.operation)
        if alternatives is not None and unguarded:
            alternatives = None
        if alternatives is not None:
            principal = ctx.issuer.verify(bearer_token(request.headers.get("Authorization")))
            if faults.token_expired(ctx, principal.issued_at):
                raise expired_token()
            g.principal = principal
            require_scopes(principal, alternatives)
            faults.apply_faults(ctx, g.operation, rng)
        if config.validate_requests and not op.get("x-interop-rfc6749-errors"):
            outcome = ctx.validator.validate_request(request, template, method)
            g.request_valid = outcome.ok
            if not outcome.ok:
                g.errors = outcome.errors
                summary = "; ".join(f"{e['field']}: {e['message']}" for e in outcome.errors[:5])
                raise Problem(
                    outcome.kind,
                    f"The request does not meet the standard: {summary}",
                    status=outcome.status,
                    errors=outcome.errors,
                )

    @app.after_request
    def _check_and_log(response: Response) -> Response:
        op_label = g.get("operation")
        response_valid = None
        messages: list[str] = []
        quirky = bool(g.get("quirks"))
        if quirky:
            response = quirks.after(ctx, response, op_label)
        logged = config.traffic_log and not request.path.startswith("/_sim")
        check = None
        if op_label and config.response_validation != "off":
            if config.response_validation == "log" and logged:
                # Off the request path: the traffic-log writer validates after the answer is sent.
                check = deferred_check(ctx.validator, config.system, op_label, g.template, g.method, response)
            else:
                messages = ctx.validator.validate_response(g.template, g.method, response)
                response_valid = not messages
                if messages:
                    log.error(
                        "RESPONSE BREAKS %s.yaml on %s: %s", config.system, op_label, "; ".join(messages)
                    )
                # A quirky simulator plays a non-conformant product on purpose: logged, never raised.
                if messages and config.response_validation == "raise" and not quirky:
                    response = problem_response(
                        Problem(
                            "internal-error",
                            f"Simulator bug: response breaks the standard: {'; '.join(messages)}",
                            response_errors=messages,
                        )
                    )
        if logged:
            principal = g.get("principal")
            try:
                entry = traffic_entry(
                    request,
                    response,
                    at=ctx.clock.now(),
                    client_id=principal.client_id if principal else None,
                    operation=op_label,
                    duration_ms=(time.perf_counter() - g.get("started", time.perf_counter())) * 1000,
                    request_valid=g.get("request_valid"),
                    response_valid=response_valid,
                    errors=list(g.get("errors", [])) + [{"response": m} for m in messages],
                    redact_bodies=bool(g.get("redact_traffic")),
                    signed_client=ctx.issuer.signed_client,
                )
                ctx.traffic.append(entry, check=check)
            except Exception:  # the log must never break the exchange it records
                log.exception("could not write the traffic log")
        return response

    if config.load_population and population is not None:
        ensure_population_loaded(ctx)
    return app


@functools.lru_cache(maxsize=512)
def _rule_template(rule: str) -> str:
    return flask_rule_to_template(rule)


def _template_and_method() -> tuple[str, str]:
    """The current request's OpenAPI path template and (lower-case) method; HEAD is checked as GET."""
    assert request.url_rule is not None
    method = "get" if request.method == "HEAD" else request.method.lower()
    return _rule_template(request.url_rule.rule), method


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with optional headers (ETag, Location)."""
    resp = jsonify(body)
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp
