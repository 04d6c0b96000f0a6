"""Vendor quirk profiles: switchable deviations that let a simulator play a non-conformant product.

Each quirk models a defect seen in real products (documented in `QUIRKS`). Most are generic and
applied here, around any system's handlers; the domain ones (a PACE review interval off by an
hour, an indicator that leaks report text) are read by the system's own code through
`quirk_active(name)`. Active quirks live in the state table so every worker agrees; set them with
`interop up --quirks custody=dates-dmy,...`, `INTEROP_<SYSTEM>_QUIRKS`, or `PUT /_sim/quirks`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Request, Response, g

from simulators.core import registry
from simulators.core.context import SimulatorContext
from simulators.core.problems import Problem

KEY = "quirks"


@dataclass(frozen=True)
class Quirk:
    name: str
    models: str
    # The systems it applies to; None: every registered system (the generic quirks).
    only: tuple[str, ...] | None = None

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(registry.SYSTEMS) if self.only is None else self.only


QUIRKS: dict[str, Quirk] = {
    q.name: q
    for q in (
        Quirk(
            "dates-dmy",
            "Dates and times sent in UK display form (DD/MM/YYYY, DD/MM/YYYY HH:MM) instead of ISO 8601.",
        ),
        Quirk(
            "camel-case", "Field names in camelCase (surnameAtBirth) instead of the standard's snake_case."
        ),
        Quirk("drop-required", "A required field is left out of responses (the product's export omits it)."),
        Quirk("not-found-200", "A missing resource answers 200 with an empty object instead of 404."),
        Quirk("html-errors", "Errors come back as the web server's HTML error page, not problem+json."),
        Quirk(
            "no-paging", "Collections come back as a bare JSON array with no paging envelope or next link."
        ),
        Quirk("ignore-auth", "One read endpoint answers without checking the access token."),
        Quirk(
            "non-ascii-500",
            "A request carrying a non-ASCII character (Zoë, Siobhán) crashes the product with 500.",
        ),
        Quirk("slow", "Every business operation takes over 3 seconds to answer."),
        Quirk(
            "review-every-10h",
            "PACE reviews scheduled every 10 h instead of at most 9 h (first review still at 6 h).",
            ("custody",),
        ),
        Quirk(
            "indicator-leak",
            "The 'intelligence held?' indicator also returns the reports' text.",
            ("intelligence",),
        ),
        Quirk(
            "export-drops-aliases",
            "The bulk export leaves every nominal's aliases out (written as an empty list).",
            ("records",),
        ),
        Quirk(
            "export-rewrites-ids",
            "The bulk export rewrites PNC IDs into the short display form (85/123456X, not 1985/0123456X).",
            ("records",),
        ),
    )
}

# The field each system's "drop-required" quirk omits, and the endpoint "ignore-auth" leaves open
# (each system's registry entry: `System.dropped_field`, `System.unguarded_operation`).
DROPPED_FIELD: Mapping[str, str] = registry.FieldView("dropped_field")
UNGUARDED_OPERATION: Mapping[str, str] = registry.FieldView("unguarded_operation")
SLOW_SECONDS = 3.2


def validate_names(system: str, names: list[str] | tuple[str, ...]) -> list[str]:
    for name in names:
        quirk = QUIRKS.get(name)
        if quirk is None:
            raise ValueError(f"unknown quirk {name!r}; known: {', '.join(QUIRKS)}")
        if system not in quirk.systems:
            raise ValueError(f"quirk {name!r} does not apply to {system} (only {', '.join(quirk.systems)})")
    return list(dict.fromkeys(names))


def get_quirks(ctx: SimulatorContext) -> list[str]:
    stored = ctx.state.get(KEY)
    if stored is None:
        return list(ctx.config.quirks)
    return list(stored.get("active", []))


def set_quirks(ctx: SimulatorContext, names: list[str]) -> list[str]:
    try:
        names = validate_names(ctx.system, names)
    except ValueError as exc:
        raise Problem("validation-error", str(exc)) from exc
    ctx.state.put(KEY, {"active": names})
    return names


def quirk_active(name: str) -> bool:
    """For a system's own code: is this quirk on for the current request?"""
    return name in g.get("quirks", ())


def catalogue(system: str) -> list[dict[str, str]]:
    return [{"name": q.name, "models": q.models} for q in QUIRKS.values() if system in q.systems]


# --- generic behaviour -----------------------------------------------------------------------


def before(ctx: SimulatorContext, request: Request, operation: str | None) -> bool:
    """Apply request-side quirks; returns True when auth must be skipped for this request."""
    active = g.quirks
    if not active or operation is None:
        return False
    if "slow" in active:
        time.sleep(SLOW_SECONDS)
    if "non-ascii-500" in active:
        raw = request.get_data(cache=True) + request.query_string + request.path.encode()
        try:
            raw.decode("ascii")
        except UnicodeDecodeError:
            raise RuntimeError("quirk non-ascii-500: codec can't encode character") from None
        if "%C" in request.full_path.upper() or "%E" in request.full_path.upper():
            raise RuntimeError("quirk non-ascii-500: codec can't encode character")
    return "ignore-auth" in active and operation == UNGUARDED_OPERATION.get(ctx.system)


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def _dmy(value: Any) -> Any:
    if isinstance(value, str):
        m = _DATETIME.match(value)
        if m:
            return f"{m[3]}/{m[2]}/{m[1]} {m[4]}:{m[5]}"
        m = _DATE.match(value)
        if m:
            return f"{m[3]}/{m[2]}/{m[1]}"
        return value
    if isinstance(value, dict):
        return {k: _dmy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dmy(v) for v in value]
    return value


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {re.sub(r"_([a-z0-9])", lambda m: m[1].upper(), k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _drop(value: Any, field: str) -> Any:
    if isinstance(value, dict):
        return {k: _drop(v, field) for k, v in value.items() if k != field}
    if isinstance(value, list):
        return [_drop(v, field) for v in value]
    return value


def after(ctx: SimulatorContext, response: Response, operation: str | None) -> Response:
    """Apply response-side quirks to a business operation's response."""
    active = g.get("quirks", ())
    if not active or operation is None:
        return response
    status = response.status_code
    if status == 404 and "not-found-200" in active:
        return Response("{}", status=200, mimetype="application/json")
    if status >= 400 and "html-errors" in active:
        return Response(
            f"<html><head><title>{status} Error</title></head><body><h1>{status} Error</h1>"
            f"<p>The server could not process your request.</p></body></html>",
            status=status,
            mimetype="text/html",
        )
    if response.mimetype != "application/json" or status >= 400:
        return response
    try:
        body = json.loads(response.get_data())
    except ValueError:
        return response
    if "no-paging" in active and isinstance(body, dict) and "items" in body and "next_cursor" in body:
        body = body["items"]
    if "drop-required" in active and ctx.system in DROPPED_FIELD:
        body = _drop(body, DROPPED_FIELD[ctx.system])
    if "dates-dmy" in active:
        body = _dmy(body)
    if "camel-case" in active:
        body = _camel(body)
    response.set_data(json.dumps(body, ensure_ascii=False))
    return response
