"""Request and response validation against the system's OpenAPI document.

Requests that break the standard get a 400 problem naming each field (415 for a media type the
operation does not take); responses that break it are simulator bugs: logged loudly, recorded in
the traffic log, and (in tests) turned into a 500 so the test fails. Both sides share one set of
compiled schemas (schemas.py explains why they are compiled rather than openapi-core's).
"""

from __future__ import annotations

from typing import Any

from flask import Request
from werkzeug.wrappers import Response

from simulators.core.request_check import RequestChecker, ValidationOutcome
from simulators.core.response_check import ResponseChecker
from simulators.core.schemas import CompiledSchemas

__all__ = ["SpecValidator", "ValidationOutcome"]


class SpecValidator:
    """Validates live Flask requests and responses against one bundled OpenAPI document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        schemas = CompiledSchemas(spec)
        self.requests = RequestChecker(spec, schemas)
        self.responses = ResponseChecker(spec, schemas)

    def validate_request(self, request: Request, template: str, method: str) -> ValidationOutcome:
        return self.requests.check(request, template, method)

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
