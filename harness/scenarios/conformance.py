"""Does a step's request keep to its operation's schemas? Checked before a scenario runs and as it runs.

A scenario is there to judge the product, so its own requests must keep to the standard: a
request that breaks it would be refused by a conformant product and blamed on that product.
`interop scenario validate` checks the literal parts of each step (parameters and request body)
against the operation's parameter and request-body schemas, taking a runtime expression
(`$inputs.x`, `$steps.s.outputs.y`) as fitting wherever a value is expected; the runner checks
the request again once the expressions have their values (a *scenario error*, never a finding).

The schemas are the operation's own document, bundled with the `common.yaml` beside it
(`simulators.core.spec`, the same bundle the simulators serve and validate with).
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from harness.scenarios.expressions import TEMPLATE as TEMPLATE_RE
from harness.scenarios.expressions import looks_like_expression, set_pointer
from harness.scenarios.sources import Operation, Source
from simulators.core.schemas import resolve
from simulators.core.spec import COMMON_FILE, bundle, load_spec, openapi_path

WHOLE, TEMPLATE = "whole", "template"
# Validators whose failure may be caused by an expression's value somewhere below them.
_AMBIGUOUS = {"not", "contains", "minContains", "maxContains", "uniqueItems", "if", "then", "else",
              "dependentSchemas"}  # fmt: skip
JSON_BODY = re.compile(r"^application/([a-z0-9.\-]+\+)?json$")


def expression_kind(value: Any) -> str | None:
    """`whole` for a value that is a runtime expression, `template` for text holding `{$...}`."""
    if not isinstance(value, str):
        return None
    if TEMPLATE_RE.search(value):
        return TEMPLATE
    return WHOLE if looks_like_expression(value) else None


def expression_paths(value: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], str]:
    """Every place in a payload whose value is (or holds) a runtime expression, with its text."""
    out: dict[tuple[Any, ...], str] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(expression_paths(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.update(expression_paths(v, (*path, i)))
    elif expression_kind(value):
        out[path] = value
    return out


@functools.lru_cache(maxsize=16)
def _bundled(path: str, system: str, mtimes: tuple[float, float]) -> dict[str, Any]:  # mtimes: cache key
    file = Path(path)
    if file == openapi_path(system).resolve():
        return load_spec(system)
    common = file.with_name(COMMON_FILE)
    document = yaml.safe_load(file.read_text())
    return bundle(document, yaml.safe_load(common.read_text()) if common.is_file() else {})


def _mtimes(source: Source) -> tuple[float, float]:
    common = source.path.with_name(COMMON_FILE)
    return (source.path.stat().st_mtime, common.stat().st_mtime if common.is_file() else 0.0)


def bundled(source: Source) -> dict[str, Any]:
    """The source's OpenAPI document with every `$ref` local (the standard's own bundle for its files)."""
    return _bundled(str(source.path), source.system, _mtimes(source))


@dataclass
class RequestSchemas:
    """What the standard says one operation's request is: its parameters and request bodies."""

    label: str  # "createNominal (POST /nominals)"
    components: dict[str, Any]
    who: str = "the standard"  # whose rules these are, as a finding's sentence names them
    parameters: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (in, name) -> object
    bodies: dict[str, Any] = field(default_factory=dict)  # media type -> schema
    _validators: dict[str, Any] = field(default_factory=dict)

    def parameter(self, where: str, name: str) -> dict[str, Any] | None:
        if where == "header":
            return next(
                (p for (w, n), p in self.parameters.items() if w == "header" and n.lower() == name.lower()),
                None,
            )
        return self.parameters.get((where, name))

    def names(self, where: str) -> list[str]:
        return [n for w, n in self.parameters if w == where]

    def validator(self, key: str, schema: Any) -> Any:
        found = self._validators.get(key)
        if found is None:
            wrapped = {"allOf": [schema], "components": self.components}
            found = jsonschema.Draft202012Validator(
                wrapped, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
            )
            self._validators[key] = found
        return found

    def resolve(self, node: Any) -> Any:
        return resolve({"components": self.components}, node)


_SCHEMAS: dict[tuple[str, tuple[float, float], str], RequestSchemas] = {}


def request_schemas(source: Source, op: Operation) -> RequestSchemas | None:
    """The request schemas of `op` in `source` (None when its document cannot be read)."""
    try:
        key = (str(source.path), _mtimes(source), op.pointer)
        if key in _SCHEMAS:
            return _SCHEMAS[key]
        doc = bundled(source)
    except (OSError, ValueError, yaml.YAMLError):
        return None
    item = (doc.get("paths") or {}).get(op.path) or {}
    raw = item.get(op.method.lower()) or {}
    who = f"the test-support document ({source.url})" if source.support else "the standard"
    out = RequestSchemas(f"{op.name} ({op.label})", doc.get("components") or {}, who)
    for p in [*(item.get("parameters") or []), *(raw.get("parameters") or [])]:
        p = resolve(doc, p)
        if isinstance(p, dict) and "in" in p and "name" in p:
            out.parameters[(p["in"], p["name"])] = p
    body = resolve(doc, raw.get("requestBody") or {})
    for media, content in ((body or {}).get("content") or {}).items():
        if isinstance(content, dict) and "schema" in content:
            out.bodies[media] = content["schema"]
    _SCHEMAS[key] = out
    return out


# --- describing what is wrong ----------------------------------------------------------------------
def show(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, date):  # YAML reads an unquoted 1980-01-02 as a date, not as text
        return "a YAML date (quote it to send it as text)"
    return "a list" if isinstance(value, list) else "an object"


def dotted(prefix: str, path: Iterable[Any]) -> str:
    out = prefix
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, [c for c in choices if c], n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _closed(schema: dict[str, Any]) -> bool:
    return schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False


class _Describer:
    """Turns schema errors into one sentence each, naming the field."""

    def __init__(
        self, prefix: str, exprs: dict[tuple[Any, ...], str], ignore_expressions: bool, who: str
    ) -> None:
        self.prefix = prefix  # "body" for a body, "query parameter limit" for a parameter
        self.who = who  # "the standard", or the test-support document
        self.exprs = exprs
        self.ignore = ignore_expressions
        self.seen: set[str] = set()

    def field(self, path: Iterable[Any]) -> str:
        path = list(path)
        if self.prefix == "body":
            return "the request body" if not path else "field " + dotted("", path)
        return dotted(self.prefix, path)

    def _has_expression(self, path: tuple[Any, ...]) -> bool:
        return any(p[: len(path)] == path for p in self.exprs)

    def _ignorable(self, error: Any) -> bool:
        if not self.ignore:
            return False
        path = tuple(error.absolute_path)
        text = self.exprs.get(path)
        if text is not None:
            kind = expression_kind(text)
            return kind == WHOLE or error.validator != "type"
        return error.validator in _AMBIGUOUS and self._has_expression(path)

    def real(self, errors: Iterable[Any]) -> list[Any]:
        """The errors that stand once every runtime expression is taken as a fitting value."""
        out: list[Any] = []
        for error in errors:
            if error.validator in ("anyOf", "oneOf"):
                if not error.context:  # oneOf: valid under several alternatives
                    if not (self.ignore and self._has_expression(tuple(error.absolute_path))):
                        out.append(error)
                    continue
                branches: dict[Any, list[Any]] = {}
                for sub in error.context:
                    branches.setdefault(sub.relative_schema_path[0], []).append(sub)
                real: list[list[Any]] = [self.real(errs) for errs in branches.values()]
                if all(real):
                    shortest = min(real, key=len)
                    out.extend(shortest)
            elif not self._ignorable(error):
                out.append(error)
        return out

    def messages(self, errors: Iterable[Any]) -> list[str]:
        out: list[str] = []
        for error in self.real(errors):
            for text in self.describe(error):
                if text not in self.seen:
                    self.seen.add(text)
                    out.append(text)
        return out

    def describe(self, error: Any) -> list[str]:
        path = list(error.absolute_path)
        value, schema, kind = (
            error.instance,
            error.schema if isinstance(error.schema, dict) else {},
            error.validator,
        )
        where = self.field(path)
        if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(value, dict):
            props = list(schema.get("properties") or {})
            patterns = list(schema.get("patternProperties") or {})
            unexpected = [k for k in value if k not in props and not any(re.search(p, k) for p in patterns)]
            return [
                f"{self.field([*path, k])}: not a field {self.who} has here{_suggest(k, props)}"
                for k in unexpected
            ]
        if kind == "required" and isinstance(value, dict):
            props = list(schema.get("properties") or {})
            out = []
            for name in error.validator_value:
                if name in value:
                    continue
                others = [k for k in value if k not in props]
                close = difflib.get_close_matches(name, others, n=1, cutoff=0.6)
                if close and _closed(schema):
                    continue  # said once, as the misspelt field with its "did you mean"
                hint = f" ({close[0]!r} is given: misspelt?)" if close else ""
                out.append(f"{self.field([*path, name])}: missing; {self.who} requires it{hint}")
            return out
        origin = next(
            (self.exprs[tuple(path[:n])] for n in range(len(path), -1, -1) if tuple(path[:n]) in self.exprs),
            None,
        )
        came = f" (the value of {origin})" if origin and not self.ignore else ""
        if kind == "type":
            wanted = error.validator_value
            wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
            return [f"{where}: {show(value)} is {json_type(value)}; {self.who} says {wanted}{came}"]
        if kind == "enum":
            choices = ", ".join(show(c, 30) for c in error.validator_value[:12])
            return [f"{where}: {show(value)} is not one of {choices}{came}"]
        if kind == "const":
            return [f"{where}: {show(value)} should be {show(error.validator_value)}{came}"]
        if kind == "pattern":
            return [f"{where}: {show(value)} does not match the pattern {error.validator_value}{came}"]
        if kind == "format":
            return [f"{where}: {show(value)} is not a valid {error.validator_value}{came}"]
        if kind in ("oneOf", "anyOf"):
            return [f"{where}: fits more than one alternative of the schema{came}"]
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
        return [f"{where}: {message}{came}"]


# --- parameters -------------------------------------------------------------------------------------
def _types(schema: Any) -> list[str]:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []


def wire_value(value: Any, schema: Any, schemas: RequestSchemas) -> Any:
    """What a server parses from a parameter sent as text (`25` for an integer, `'25'` for a string)."""
    schema = schemas.resolve(schema)
    if isinstance(value, list):
        items = schema.get("items", {}) if isinstance(schema, dict) else {}
        return [wire_value(v, items, schemas) for v in value] if "array" in _types(schema) else value
    text = str(value).lower() if isinstance(value, bool) else str(value)
    types = _types(schema)
    if "integer" in types and re.fullmatch(r"-?\d+", text):
        return int(text)
    if "number" in types:
        try:
            return float(text) if not re.fullmatch(r"-?\d+", text) else int(text)
        except ValueError:
            pass
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text


def parameter_problems(
    schemas: RequestSchemas, where: str, name: str, value: Any, origin: str | None = None
) -> list[str]:
    """A parameter value against the parameter's schema (nothing to say about an undeclared one)."""
    param = schemas.parameter(where, name)
    if param is None or not isinstance(param.get("schema"), dict):
        return []
    instance = wire_value(value, param["schema"], schemas)
    validator = schemas.validator(f"{where}:{name}", param["schema"])
    describer = _Describer(f"{where} parameter {name}", {(): origin} if origin else {}, False, schemas.who)
    return describer.messages(validator.iter_errors(instance))


def missing_required(schemas: RequestSchemas, given: Iterable[tuple[Any, str]]) -> list[tuple[str, str]]:
    """Required query, header and cookie parameters not among `given` ((in, name) pairs)."""
    have = {(w, n.lower() if w == "header" else n) for w, n in given}
    return [
        (where, name)
        for (where, name), param in schemas.parameters.items()
        if where in ("query", "header", "cookie")
        and param.get("required")
        and (where, name.lower() if where == "header" else name) not in have
    ]


# --- bodies -------------------------------------------------------------------------------------------
def payload_of(body: dict[str, Any]) -> tuple[Any, list[int]]:
    """A step's payload with its replacements applied as written (expressions not evaluated), and
    the indexes of replacements whose target points at nothing."""
    payload = copy.deepcopy(body.get("payload"))
    bad: list[int] = []
    for i, rep in enumerate(body.get("replacements") or []):
        try:
            payload = set_pointer(payload, str(rep.get("target", "")), copy.deepcopy(rep.get("value")))
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            bad.append(i)
    return payload, bad


def body_schema(schemas: RequestSchemas, content_type: str | None) -> tuple[str | None, Any]:
    media = content_type or next(iter(schemas.bodies), None)
    if media is None:
        return None, None
    return media, schemas.bodies.get(media.split(";")[0].strip().lower())


def body_problems(
    schemas: RequestSchemas,
    content_type: str | None,
    payload: Any,
    exprs: dict[tuple[Any, ...], str],
    *,
    static: bool,
) -> list[str]:
    """The body against its schema; `static`: `exprs` are unresolved and taken as fitting."""
    media, schema = body_schema(schemas, content_type)
    if schema is None or media is None or not JSON_BODY.match(media.split(";")[0].strip()):
        return []
    validator = schemas.validator(f"body:{media}", schema)
    describer = _Describer("body", exprs, static, schemas.who)
    return describer.messages(validator.iter_errors(payload))
