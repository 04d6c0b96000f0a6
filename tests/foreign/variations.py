"""What the standard allows a product to send differently from our simulators, one function each.

HTTP and JSON leave a product free to add media-type parameters (`; charset=utf-8`), send header
names in any case (RFC 9110 section 5.1), order object members as it likes and add whitespace
(RFC 8259 sections 2 and 4), compress when the client accepts it, use chunked transfer coding
(RFC 9112 section 7.1), and add members where a schema does not close the object. A harness that
fails a product for any of these raises a false alarm; the gateway applies them to find such bugs.
"""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import jsonschema_rs

from simulators.core.schemas import resolve

CHARSET = "charset"
HEADER_CASE = "header-case"
KEY_ORDER = "key-order"
WHITESPACE = "whitespace"
GZIP = "gzip"
CHUNKED = "chunked"
EXTRA_FIELDS = "extra-fields"
ALL = (CHARSET, HEADER_CASE, KEY_ORDER, WHITESPACE, GZIP, CHUNKED, EXTRA_FIELDS)

# What a vendor's product might add to an open object: a nested member the standard does not know.
EXTRA_NAME = "acme_extension"
EXTRA_VALUE = {"build": "7.2.1", "tags": ["gateway"]}


def media_type(headers: dict[str, str]) -> str:
    """The media type of `Content-Type` without parameters, lower case ('' when absent)."""
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return value.split(";")[0].strip().lower()


def is_json(headers: dict[str, str]) -> bool:
    kind = media_type(headers)
    return kind == "application/json" or kind.endswith("+json")


def with_charset(headers: dict[str, str]) -> dict[str, str]:
    """`application/json` -> `application/json; charset=utf-8` (and every `+json` type)."""
    if not is_json(headers) or "charset" in str(headers.get("Content-Type", "")).lower():
        return headers
    out = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    out["Content-Type"] = f"{media_type(headers)}; charset=utf-8"
    return out


def reorder_keys(value: Any) -> Any:
    """Every object's members in reverse order (deterministic, and different whenever there are two)."""
    if isinstance(value, dict):
        return {k: reorder_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reorder_keys(v) for v in value]
    return value


def serialise(value: Any, whitespace: bool) -> bytes:
    if whitespace:
        return (
            "\n  " + json.dumps(value, indent=3, separators=(" ,", " : "), ensure_ascii=False) + "\n\n"
        ).encode()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def accepts_gzip(accept_encoding: str) -> bool:
    """True when the request's Accept-Encoding allows gzip (named or `*`, with q above 0)."""
    allowed = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        if match:
            try:
                q = float(match.group(1))
            except ValueError:
                q = 0.0
        if name.strip():
            allowed[name.strip().lower()] = q
    if "gzip" in allowed:
        return allowed["gzip"] > 0
    return allowed.get("*", 0) > 0


def gzipped(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    out = {k: v for k, v in headers.items() if k.lower() not in ("content-encoding", "vary")}
    out["Content-Encoding"] = "gzip"
    out["Vary"] = "Accept-Encoding"
    return out, gzip.compress(body, mtime=0)


def recase(name: str, index: int) -> str:
    """Header names in other cases: lower, UPPER, and inverted Title-Case in turn."""
    style = index % 3
    if style == 0:
        return name.lower()
    if style == 1:
        return name.upper()
    return "-".join(p[:1].lower() + p[1:].upper() for p in name.split("-"))


def recased(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(recase(name, i), value) for i, (name, value) in enumerate(headers)]


def chunks(body: bytes, size: int = 512) -> list[bytes]:
    """The body in several pieces, so chunked transfer really sends more than one chunk."""
    return [body[i : i + size] for i in range(0, len(body), size)] or [b""]


class ExtraFields:
    """Adds `EXTRA_NAME` to each response object whose schema is open, per the role's document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.components = spec.get("components", {})
        self.templates = sorted(
            (
                (re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(t)) + "$"), t)
                for t in spec.get("paths", {})
            ),
            key=lambda pair: pair[1].count("{"),
        )
        self._validators: dict[int, Any] = {}

    def template(self, path: str) -> str | None:
        return next((t for pattern, t in self.templates if pattern.match(path)), None)

    def response_schema(self, method: str, path: str, status: int, kind: str) -> dict[str, Any] | None:
        template = self.template(path)
        op = (self.spec.get("paths", {}).get(template or "", {}) or {}).get(method.lower())
        if not op:
            return None
        responses = op.get("responses", {})
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in responses:
                content = resolve(self.spec, responses[key]).get("content") or {}
                media = content.get(kind)
                return media.get("schema") if media else None
        return None

    def apply(self, method: str, path: str, status: int, kind: str, value: Any) -> tuple[Any, bool]:
        """(the value with extra members where allowed, whether any was added and still validates)."""
        schema = self.response_schema(method, path, status, kind)
        if schema is None:
            return value, False
        extended = self._extend(schema, value)
        if extended == value or not self._valid(schema, extended):
            return value, False
        return extended, True

    def _valid(self, schema: dict[str, Any], value: Any) -> bool:
        validator = self._validators.get(id(schema))  # schemas are nodes of self.spec: ids are stable
        if validator is None:
            validator = self._validators[id(schema)] = jsonschema_rs.Draft202012Validator(
                {"allOf": [schema], "components": self.components}
            )
        return bool(validator.is_valid(value))

    def _parts(self, schema: Any, value: Any) -> list[dict[str, Any]]:
        """The schema and what it composes (allOf, and the oneOf/anyOf branch `value` matches)."""
        schema = resolve(self.spec, schema)
        if not isinstance(schema, dict):
            return []
        parts = [schema]
        for sub in schema.get("allOf", []):
            parts += self._parts(sub, value)
        for keyword in ("oneOf", "anyOf"):
            for branch in schema.get(keyword, []):
                if self._valid(branch, value):
                    parts += self._parts(branch, value)
                    break
        return parts

    def _extend(self, schema: Any, value: Any) -> Any:
        parts = self._parts(schema, value)
        if isinstance(value, dict):
            properties: dict[str, Any] = {}
            closed = False
            for part in parts:
                properties.update(part.get("properties", {}))
                additional = part.get("additionalProperties", True)
                if additional is not True or part.get("unevaluatedProperties", True) is not True:
                    closed = True  # false, or a schema an arbitrary member may not satisfy
                if "maxProperties" in part or "propertyNames" in part or "patternProperties" in part:
                    closed = True
            out = {k: (self._extend(properties[k], v) if k in properties else v) for k, v in value.items()}
            if not closed and EXTRA_NAME not in out:
                out[EXTRA_NAME] = EXTRA_VALUE
            return out
        if isinstance(value, list):
            items = next((p["items"] for p in parts if isinstance(p.get("items"), dict)), None)
            return [self._extend(items, v) for v in value] if items is not None else value
        return value
