"""Request and response validation against the system's OpenAPI document (openapi-core).

Requests that break the standard get a 400 problem naming each field; responses that break it
are simulator bugs: logged loudly, recorded in the traffic log, and (in tests) turned into a 500
so the test fails.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.contrib.flask import FlaskOpenAPIRequest
from werkzeug.wrappers import Request, Response

from simulators.core.response_check import ResponseChecker

# openapi-core warns that it cannot check oauth2 security; we enforce scopes ourselves (auth.py).
warnings.filterwarnings("ignore", message="Unsupported scheme type")

_REQUIRED = re.compile(r"^'(?P<name>[^']+)' is a required property")
_UNEXPECTED = re.compile(r"\('(?P<name>[^']+)'(?:, '[^']+')* (?:was|were) unexpected\)")


def _json_loads(value: bytes | str) -> Any:
    return json.loads(value)


@dataclass
class ValidationOutcome:
    """What validation found: field errors, and which HTTP status/problem kind fits them."""

    errors: list[dict[str, str]] = field(default_factory=list)
    kind: str = "validation-error"
    status: int = 400

    @property
    def ok(self) -> bool:
        return not self.errors


def _schema_errors(prefix: str, exc: BaseException) -> list[dict[str, str]]:
    cause = exc.__cause__ or exc
    schema_errors = getattr(cause, "schema_errors", None)
    if not schema_errors:
        return [{"field": prefix or "body", "message": str(cause)}]
    out = []
    for err in schema_errors:
        path = [str(p) for p in err.absolute_path]
        m = _REQUIRED.match(err.message) if err.validator == "required" else None
        if m:
            path.append(m.group("name"))
        m2 = _UNEXPECTED.search(err.message) if err.validator == "additionalProperties" else None
        if m2:
            path.append(m2.group("name"))
        name = ".".join(path)
        fieldname = f"{prefix}.{name}" if prefix and name else (prefix or name or "body")
        out.append({"field": fieldname, "message": err.message})
    return out


def _describe(exc: BaseException) -> ValidationOutcome:
    """Translate one openapi-core error into field errors."""
    cls = type(exc).__name__
    cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else ""
    if "MediaTypeNotFound" in (cls, cause):
        return ValidationOutcome(
            [{"field": "Content-Type", "message": str(exc.__cause__ or exc)}],
            kind="unsupported-media-type",
            status=415,
        )
    if "Deserialize" in cause and "MediaType" in cause:
        return ValidationOutcome(
            [{"field": "body", "message": "the body is not valid JSON"}], kind="bad-request"
        )
    name = getattr(exc, "name", None)
    location = getattr(exc, "location", None)
    if cls in ("MissingRequiredParameter", "MissingParameter"):
        return ValidationOutcome(
            [{"field": f"{location}.{name}", "message": f"{location} parameter {name} is required"}]
        )
    if cls in ("InvalidParameter", "ParameterValidationError", "ParameterDeserializeError"):
        return ValidationOutcome(_schema_errors(f"{location}.{name}" if name else "parameter", exc))
    if cls in ("MissingRequestBody", "MissingRequiredRequestBody"):
        return ValidationOutcome([{"field": "body", "message": "a JSON request body is required"}])
    if cls in ("MediaTypeNotFound",) or "MediaType" in cls and "NotFound" in cls:
        return ValidationOutcome(
            [{"field": "Content-Type", "message": str(exc)}], kind="unsupported-media-type", status=415
        )
    if "Deserialize" in cls:
        return ValidationOutcome(
            [{"field": "body", "message": "the body is not valid JSON"}], kind="bad-request"
        )
    if cls in ("InvalidRequestBody", "RequestBodyValidationError"):
        return ValidationOutcome(_schema_errors("body", exc))
    return ValidationOutcome([{"field": "request", "message": str(exc)}])


class SpecValidator:
    """Validates live Flask requests and responses against one bundled OpenAPI document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        # problem+json is JSON: register it so error responses are schema-checked too.
        # merge-patch+json (RFC 7396) is JSON too: PATCH bodies must be deserialised, not rejected.
        config = Config(
            extra_media_type_deserializers={
                "application/problem+json": _json_loads,
                "application/merge-patch+json": _json_loads,
            }
        )
        self.openapi = OpenAPI.from_dict(spec, config=config)
        self.responses = ResponseChecker(spec)

    def validate_request(self, request: Request) -> ValidationOutcome:
        result = self.openapi.unmarshal_request(FlaskOpenAPIRequest(request))
        outcome = ValidationOutcome()
        for exc in result.errors:
            part = _describe(exc)
            if part.status != 400 or part.kind != "validation-error":
                outcome.kind, outcome.status = part.kind, part.status
            outcome.errors.extend(part.errors)
        return outcome

    def validate_response(self, template: str, method: str, response: Response) -> list[str]:
        """Messages for every way `response` breaks the spec (empty when it conforms)."""
        if response.direct_passthrough:
            return []
        return self.responses.check(
            template,
            method,
            response.status_code,
            response.mimetype or "",
            response.get_data(),
            response.headers,
        )
