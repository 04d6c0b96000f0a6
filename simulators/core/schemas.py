"""Compiled JSON Schema validators for one bundled OpenAPI document, shared by requests and responses.

Why not openapi-core: it rebuilds its validators and resolves `$ref`s on every call (~1.5 ms of
a nominal read, ~90 ms for one custody record's response), far too slow to check every exchange
of a simulator under load. OpenAPI 3.1 schemas are JSON Schema 2020-12, so each schema is
compiled once by jsonschema-rs (the Rust engine Schemathesis itself uses) and reused.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from typing import Any

import jsonschema_rs

JSON_TYPES = ("application/json", "application/problem+json", "application/merge-patch+json")


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/components/...`) until a real object is reached."""
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def field_errors(prefix: str, validator: Any, instance: Any, limit: int = 20) -> Iterator[tuple[str, str]]:
    """(field, message) for each way `instance` breaks the schema, the field named as a dotted path.

    A missing or unexpected property is named itself (`body.surname`), not its parent object,
    so a vendor's developer sees at once which field to fix.
    """
    count = 0
    for error in validator.iter_errors(instance):
        path = [str(p) for p in error.instance_path]
        kind = error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
            names = [str(kind.property)]
        elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
            names = [str(n) for n in kind.unexpected]
        else:
            names = [""]
        for name in names:
            dotted = ".".join([*path, name] if name else path)
            field = f"{prefix}.{dotted}" if prefix and dotted else (prefix or dotted)
            if name and isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
                message = f"'{name}' is not an expected property"
            else:
                message = error.message
            yield field, message
            count += 1
            if count >= limit:
                return


class CompiledSchemas:
    """Validators compiled on first use, keyed by the caller, with the document's components."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._components = spec.get("components", {})
        self._validators: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def validator(self, key: Hashable, schema: dict[str, Any]) -> Any:
        found = self._validators.get(key)
        if found is None:
            with self._lock:
                found = self._validators.get(key)
                if found is None:
                    wrapped = {"allOf": [schema], "components": self._components}
                    found = jsonschema_rs.Draft202012Validator(wrapped, validate_formats=True)
                    self._validators[key] = found
        return found
