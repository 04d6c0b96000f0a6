"""Request validation against the OpenAPI document: parameters, media type and body.

Each operation's parameters and body are read from the document once into a plan, their schemas
compiled once (schemas.py). Parameters arrive as strings: each is coerced by its declared type
(`integer`, `number`, `boolean`, `array` of those) before its schema is checked, as openapi-core
did; a value that does not coerce is checked as the string, so the error says what was wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Request
from werkzeug.exceptions import BadRequest

from simulators.core.json_depth import caused_by_depth
from simulators.core.schemas import JSON_TYPES, CompiledSchemas, field_errors, resolve

_INTEGER = re.compile(r"^[+-]?\d+$")
LOCATIONS = ("path", "query", "header")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class ValidationOutcome:
    """What validation found: field errors, and which HTTP status/problem kind fits them."""

    errors: list[dict[str, str]] = field(default_factory=list)
    kind: str = "validation-error"
    status: int = 400

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, field_name: str, message: str) -> None:
        self.errors.append({"field": field_name, "message": message})

    def fail(self, kind: str, status: int, field_name: str, message: str) -> ValidationOutcome:
        self.kind, self.status = kind, status
        self.add(field_name, message)
        return self


@dataclass(frozen=True)
class _Parameter:
    name: str
    location: str
    required: bool
    declared: str | None  # the schema's type, for coercion from the string on the wire
    item_type: str | None
    schema: dict[str, Any]


@dataclass(frozen=True)
class _Plan:
    parameters: tuple[_Parameter, ...]
    body_required: bool = False
    body_content: dict[str, Any] | None = None  # media type -> schema (None: no request body)


def _declared_type(schema: dict[str, Any]) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    return declared if isinstance(declared, str) else None


def _coerce(value: str, declared: str | None) -> Any:
    # int() refuses more than 4300 digits (ValueError): such a value stays a string and fails its schema.
    if declared == "integer" and _INTEGER.match(value):
        try:
            return int(value)
        except ValueError:
            return value
    if declared == "number":
        try:
            return float(value) if not _INTEGER.match(value) else int(value)
        except ValueError:
            return value
    if declared == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def _is_unicode_text(raw: bytes, instance: Any) -> bool:
    """False when the JSON decoded to a lone surrogate: JSON allows "\\ud800", Unicode text (and
    every database here) does not, so it is a bad request rather than a crash further on."""
    if b"\\u" not in raw and b"\xed" not in raw:  # only escapes or raw surrogate bytes make one
        return True
    try:
        json.dumps(instance, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class RequestChecker:
    """Checks live Flask requests against one bundled OpenAPI document."""

    def __init__(self, spec: dict[str, Any], schemas: CompiledSchemas | None = None) -> None:
        self.spec = spec
        self._schemas = schemas or CompiledSchemas(spec)
        # Plans are cheap (dictionary look-ups), so every operation's is made here, once.
        self._plans = {
            (template, method): self._build_plan(item, op)
            for template, item in spec.get("paths", {}).items()
            for method, op in item.items()
            if method in HTTP_METHODS
        }

    def _build_plan(self, item: dict[str, Any], op: dict[str, Any]) -> _Plan:
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*item.get("parameters", []), *op.get("parameters", [])]:  # operation's win
            p = resolve(self.spec, raw)
            merged[(p["name"].lower() if p["in"] == "header" else p["name"], p["in"])] = p
        params = []
        for p in merged.values():
            if p["in"] not in LOCATIONS:
                continue
            schema = resolve(self.spec, p.get("schema", {}))
            items = resolve(self.spec, schema.get("items", {})) if isinstance(schema, dict) else {}
            params.append(
                _Parameter(
                    name=p["name"],
                    location=p["in"],
                    required=bool(p.get("required")) or p["in"] == "path",
                    declared=_declared_type(schema),
                    item_type=_declared_type(items),
                    schema=p.get("schema", {}),
                )
            )
        body = op.get("requestBody")
        if body is None:
            return _Plan(tuple(params))
        body = resolve(self.spec, body)
        content = {m: c.get("schema", {}) for m, c in (body.get("content") or {}).items()}
        return _Plan(tuple(params), bool(body.get("required")), content)

    def check(self, request: Request, template: str, method: str) -> ValidationOutcome:
        """Every way `request` breaks the operation's parameters and body (empty when it conforms)."""
        outcome = ValidationOutcome()
        plan = self._plans.get((template, method))
        if plan is None:
            return outcome
        for param in plan.parameters:
            self._check_parameter(request, template, method, param, outcome)
        if plan.body_content is not None:
            self._check_body(request, template, method, plan, outcome)
        return outcome

    def _check_parameter(
        self, request: Request, template: str, method: str, param: _Parameter, outcome: ValidationOutcome
    ) -> None:
        label = f"{param.location}.{param.name}"
        value: Any
        if param.location == "path":
            raw = (request.view_args or {}).get(param.name)
            value = None if raw is None else str(raw)
        elif param.location == "header":
            value = request.headers.get(param.name)
        elif param.declared == "array":
            value = request.args.getlist(param.name) or None
        else:
            value = request.args.get(param.name)
        if value is None:
            if param.required:
                outcome.add(label, f"{param.location} parameter {param.name} is required")
            return
        if param.declared == "array":
            value = [_coerce(v, param.item_type) for v in value]
        else:
            value = _coerce(value, param.declared)
        validator = self._schemas.validator(("parameter", template, method, label), param.schema)
        for name, message in field_errors(label, validator, value):
            outcome.add(name, message)

    def _check_body(
        self, request: Request, template: str, method: str, plan: _Plan, outcome: ValidationOutcome
    ) -> None:
        assert plan.body_content is not None
        data = request.get_data(cache=True)
        if not data:
            if plan.body_required:
                outcome.add("body", "a JSON request body is required")
            return
        media_type = request.mimetype or ""
        if media_type not in plan.body_content:
            outcome.fail(
                "unsupported-media-type",
                415,
                "Content-Type",
                f"{media_type or 'no content type'} is not accepted here; "
                f"send {' or '.join(plan.body_content)}",
            )
            return
        if media_type in JSON_TYPES:
            # Parsed once, by the app's JSON provider (which refuses too deep a nesting, json_depth.py):
            # Flask keeps the result for the handler's own get_json().
            try:
                instance = request.get_json(force=True)
            except BadRequest as exc:
                too_deep = caused_by_depth(exc)
                outcome.fail(
                    "bad-request", 400, "body", str(too_deep) if too_deep else "the body is not valid JSON"
                )
                return
        elif media_type == "application/x-www-form-urlencoded":
            instance = request.form.to_dict()
        else:
            return  # no schema language for other media types: accepted as sent
        validator = self._schemas.validator(
            ("body", template, method, media_type), plan.body_content[media_type]
        )
        if media_type in JSON_TYPES and not _is_unicode_text(data, instance):
            outcome.fail(
                "bad-request", 400, "body", "the body holds a lone UTF-16 surrogate (\\ud800-\\udfff)"
            )
            return
        # Sorted by field, so the same request always gets the same problem document.
        errors = sorted(field_errors("body", validator, instance))
        for name, message in errors:
            outcome.add(name, message)
