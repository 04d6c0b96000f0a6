"""RFC 9457 problem details: the one error format every simulator speaks.

Handlers raise `Problem`; the app turns it, and every HTTP error or unhandled exception,
into `application/problem+json`. Never an HTML page, never a stack trace in the body.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:interop:problem:"

# Titles per kind: stable, so consumers can branch on `type`.
KINDS: dict[str, tuple[int, str]] = {
    "bad-request": (400, "Bad request"),
    "validation-error": (400, "Request failed validation"),
    "unauthorized": (401, "Authentication required"),
    "forbidden": (403, "Insufficient scope"),
    "not-found": (404, "Resource not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "not-acceptable": (406, "Not acceptable"),
    "conflict": (409, "Conflict with the current state of the resource"),
    "gone": (410, "Gone"),
    "precondition-failed": (412, "Precondition failed"),
    "payload-too-large": (413, "Payload too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "precondition-required": (428, "Precondition required"),
    "business-rule": (422, "Business rule violated"),
    "too-many-requests": (429, "Too many requests"),
    "internal-error": (500, "Internal server error"),
    "bad-gateway": (502, "Upstream system failed"),
    "service-unavailable": (503, "Service unavailable"),
    "gateway-timeout": (504, "Upstream system timed out"),
}

_STATUS_TO_KIND = {status: kind for kind, (status, _t) in reversed(list(KINDS.items()))}


class Problem(Exception):
    """An error to send as problem details.

    `kind` picks the type URI and title; `rule` names the business rule broken (e.g. a PACE section),
    `errors` lists field-level errors as ``{"field": ..., "message": ...}``.
    """

    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        status: int | None = None,
        title: str | None = None,
        rule: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        default_status, default_title = KINDS.get(kind, (status or 500, kind.replace("-", " ").capitalize()))
        super().__init__(detail)
        self.kind = kind
        self.status = status or default_status
        self.title = title or default_title
        self.detail = detail
        self.rule = rule
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.kind,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.rule:
            body["rule"] = self.rule
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extensions)
        return body


def problem_response(problem: Problem) -> Response:
    """Render a `Problem` as an RFC 9457 response."""
    instance = request.path if request else None
    resp = Response(json.dumps(problem.to_dict(instance)), status=problem.status, mimetype=PROBLEM_MEDIA_TYPE)
    for key, value in problem.headers.items():
        resp.headers[key] = value
    return resp


def _from_http_exception(exc: HTTPException) -> Problem:
    status = exc.code or 500
    kind = _STATUS_TO_KIND.get(status, "bad-request" if status < 500 else "internal-error")
    detail = {
        404: f"No resource at {request.path}.",
        405: f"{request.method} is not allowed on {request.path}.",
        413: "The request body is larger than this system accepts.",
        415: "Send the request body as application/json.",
    }.get(status, exc.description or KINDS[kind][1])
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return Problem(kind, detail, status=status, headers=headers)


def install_problem_handlers(app: Flask) -> None:
    """Make every error of `app` a problem-details response."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        return problem_response(_from_http_exception(exc))

    @app.errorhandler(Exception)
    def _unhandled(exc: Exception) -> Response:
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(
            Problem("internal-error", "The system failed to handle this request; nothing was changed.")
        )
