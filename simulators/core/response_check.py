"""Fast response validation against the OpenAPI document: status, media type, headers, body.

Why not openapi-core here (it still validates requests): it rebuilds its schema validators on
every call, which costs ~90 ms for one custody record and seconds for a page, far too slow to
check every response of a simulator under load. This checks the same things with validators
compiled once per (operation, status, media type) by jsonschema-rs (the Rust JSON Schema engine
Schemathesis itself uses); OpenAPI 3.1 schemas are JSON Schema 2020-12, so no translation is needed.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import jsonschema_rs

JSON_TYPES = ("application/json", "application/problem+json", "application/merge-patch+json")


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


class ResponseChecker:
    """Checks live responses against one bundled OpenAPI document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._components = spec.get("components", {})
        self._validators: dict[tuple[str, str, str, str], Any] = {}
        self._lock = threading.Lock()

    def _response_object(self, template: str, method: str, status: int) -> tuple[str, dict[str, Any]] | None:
        op = self.spec.get("paths", {}).get(template, {}).get(method.lower())
        if op is None:
            return None
        responses = op.get("responses", {})
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in responses:
                return key, _resolve(self.spec, responses[key])
        return None

    def _validator(self, key: tuple[str, str, str, str], schema: dict[str, Any]) -> Any:
        validator = self._validators.get(key)
        if validator is None:
            with self._lock:
                validator = self._validators.get(key)
                if validator is None:
                    wrapped = {"allOf": [schema], "components": self._components}
                    validator = jsonschema_rs.Draft202012Validator(wrapped, validate_formats=True)
                    self._validators[key] = validator
        return validator

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
            header = _resolve(self.spec, header)
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
        validator = self._validator((template, method, status_key, media_type), schema)
        for error in validator.iter_errors(instance):
            path = ".".join(str(p) for p in error.instance_path)
            problems.append(f"body{('.' + path) if path else ''}: {error.message}")
            if len(problems) >= 20:
                break
        return problems
