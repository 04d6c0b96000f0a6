"""Response validation against the OpenAPI document: status, media type, headers, body.

A response that breaks the standard is a simulator bug: `SpecValidator` logs it, records it in
the traffic log and (in tests) turns it into a 500. Schemas are compiled once (see schemas.py).
"""

from __future__ import annotations

import json
from typing import Any

from simulators.core.schemas import JSON_TYPES, CompiledSchemas, resolve


class ResponseChecker:
    """Checks live responses against one bundled OpenAPI document."""

    def __init__(self, spec: dict[str, Any], schemas: CompiledSchemas | None = None) -> None:
        self.spec = spec
        self._schemas = schemas or CompiledSchemas(spec)

    def _response_object(self, template: str, method: str, status: int) -> tuple[str, dict[str, Any]] | None:
        op = self.spec.get("paths", {}).get(template, {}).get(method.lower())
        if op is None:
            return None
        responses = op.get("responses", {})
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in responses:
                return key, resolve(self.spec, responses[key])
        return None

    def check(
        self, template: str, method: str, status: int, media_type: str, body: bytes, headers: Any
    ) -> list[str]:
        """Every way the response breaks the document (empty when it conforms)."""
        found = self._response_object(template, method, status)
        if found is None:
            return [f"status {status} is not documented for {method.upper()} {template}"]
        status_key, response = found
        problems = []
        for name, header in (response.get("headers") or {}).items():
            header = resolve(self.spec, header)
            if header.get("required") and name not in headers:
                problems.append(f"header {name} is required but missing")
        content = response.get("content")
        if not content:
            if body.strip():
                problems.append(f"status {status} documents no body but one was sent")
            return problems
        if media_type not in content:
            return [
                *problems,
                f"content type {media_type or '(none)'} is not documented for status {status} "
                f"(documented: {', '.join(content)})",
            ]
        schema = content[media_type].get("schema")
        if schema is None or media_type not in JSON_TYPES:
            return problems
        try:
            instance = json.loads(body)
        except ValueError:
            return [*problems, "body is not valid JSON"]
        validator = self._schemas.validator(("response", template, method, status_key, media_type), schema)
        for error in validator.iter_errors(instance):
            path = ".".join(str(p) for p in error.instance_path)
            problems.append(f"body{('.' + path) if path else ''}: {error.message}")
            if len(problems) >= 20:
                break
        return problems
