"""Request and response validation against the system's OpenAPI document.

Requests that break the standard get a 400 problem naming each field (415 for a media type the
operation does not take); responses that break it are simulator bugs: logged loudly, recorded in
the traffic log, and (in tests) turned into a 500 so the test fails. Both sides share one set of
compiled schemas (schemas.py explains why they are compiled rather than openapi-core's).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Request
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response

from simulators.core.request_check import RequestChecker, ValidationOutcome
from simulators.core.response_check import ResponseChecker
from simulators.core.schemas import CompiledSchemas

__all__ = ["SpecValidator", "ValidationOutcome", "deferred_check"]

log = logging.getLogger("interop.simulator")


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


def deferred_check(
    validator: SpecValidator, system: str, label: str, template: str, method: str, response: Response
) -> Callable[[], list[str]]:
    """What `validate_response` would say, as a call for later: the traffic-log writer makes it
    after the answer has gone (response validation "log" mode), so a request does not wait for
    its own self-check. It keeps what it needs of the response (status, media type, body, a copy
    of the headers) and logs a breach as the synchronous check does."""
    if response.direct_passthrough:
        return list
    status, media_type = response.status_code, response.mimetype or ""
    body, headers = response.get_data(), Headers(response.headers)

    def check() -> list[str]:
        messages = validator.responses.check(template, method, status, media_type, body, headers)
        if messages:
            log.error("RESPONSE BREAKS %s.yaml on %s: %s", system, label, "; ".join(messages))
        return messages

    return check
