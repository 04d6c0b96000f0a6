"""Arazzo runtime expressions: parse them (for validation) and evaluate them (while running).

Supported: `$url`, `$method`, `$statusCode`, `$request.header.N`, `$request.query.N`,
`$request.path.N`, `$request.body#/ptr`, `$response.header.N`, `$response.body#/ptr`,
`$inputs.N`, `$outputs.N`, `$steps.ID.outputs.N`, `$workflows.ID.outputs.N`,
`$sourceDescriptions.N.url`, `$components.(inputs|parameters|successActions|failureActions).N`.
Values that are themselves JSON may be followed by `.name` segments and a `#/json/pointer`.
Strings may embed expressions as `{$inputs.surname}` (the Arazzo template form).

A value that does not exist evaluates to a `Missing` carrying why ("no value at /items/0: items
is an empty list"), so a failing step can say exactly what it got.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.errors import BadInput

ROOTS = (
    "$url",
    "$method",
    "$statusCode",
    "$request.",
    "$response.",
    "$inputs.",
    "$outputs.",
    "$steps.",
    "$workflows.",
    "$sourceDescriptions.",
    "$components.",
)
# One expression inside a condition: stops at blanks and at the condition operators.
TOKEN = re.compile(r"\$[A-Za-z][A-Za-z0-9_.\-]*(?:#[^\s()=!<>&|,\[\]]*)?")
TEMPLATE = re.compile(r"\{(\$[^{}]+)\}")
COMPONENT_KINDS = ("inputs", "parameters", "successActions", "failureActions")


class ExpressionError(BadInput):
    """A runtime expression that does not follow the Arazzo syntax."""


@dataclass(frozen=True)
class Missing:
    """No value: why, in words a test team understands."""

    reason: str

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"({self.reason})"


def is_missing(value: Any) -> bool:
    return isinstance(value, Missing)


@dataclass(frozen=True)
class Expr:
    """A parsed runtime expression: `kind` says what it reads, `name` which one, then the path."""

    text: str
    kind: str  # url | method | statusCode | request.header | ... | steps | workflows | sources | components.X
    name: str = ""  # header/query/path name, input name, step id, workflow id, source name, component name
    attrs: tuple[str, ...] = ()  # dotted segments after the name (outputs name and below)
    pointer: str | None = None  # JSON pointer after '#', without the '#'


def looks_like_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(ROOTS)


def parse(text: str) -> Expr:
    """Parse one runtime expression; ExpressionError says what is wrong."""
    raw = text.strip()
    if not raw.startswith("$"):
        raise ExpressionError(f"{text!r} is not a runtime expression (they start with $)")
    head, sep, pointer = raw.partition("#")
    ptr = pointer if sep else None
    if ptr is not None and ptr and not ptr.startswith("/"):
        raise ExpressionError(f"{text!r}: a JSON pointer after '#' starts with '/' (e.g. #/items/0)")
    if head in ("$url", "$method", "$statusCode"):
        if ptr is not None:
            raise ExpressionError(f"{text!r}: {head} takes no JSON pointer")
        return Expr(raw, head[1:])
    parts = head[1:].split(".")
    root = parts[0]
    if root in ("request", "response"):
        if len(parts) >= 2 and parts[1] == "body":
            if len(parts) > 2:
                raise ExpressionError(
                    f"{text!r}: write the path into the body as a JSON pointer, "
                    f"e.g. ${root}.body#/{'/'.join(parts[2:])}"
                )
            return Expr(raw, f"{root}.body", pointer=ptr)
        sources = ("header", "query", "path") if root == "request" else ("header",)
        if len(parts) == 3 and parts[1] in sources and parts[2]:
            if ptr is not None:
                raise ExpressionError(f"{text!r}: a {parts[1]} takes no JSON pointer")
            return Expr(raw, f"{root}.{parts[1]}", parts[2])
        raise ExpressionError(f"{text!r}: expected ${root}.body#/pointer or ${root}.{'|'.join(sources)}.NAME")
    if root in ("inputs", "outputs"):
        if len(parts) < 2 or not parts[1]:
            raise ExpressionError(f"{text!r}: expected ${root}.NAME")
        return Expr(raw, root, parts[1], tuple(parts[2:]), ptr)
    if root in ("steps", "workflows"):
        if len(parts) < 4 or parts[2] not in ("outputs", "inputs") or not parts[1] or not parts[3]:
            raise ExpressionError(f"{text!r}: expected ${root}.ID.outputs.NAME")
        if root == "steps" and parts[2] != "outputs":
            raise ExpressionError(f"{text!r}: a step's values are read as $steps.ID.outputs.NAME")
        return Expr(raw, root, parts[1], tuple(parts[2:]), ptr)
    if root == "sourceDescriptions":
        if len(parts) != 3 or not parts[1] or not parts[2]:
            raise ExpressionError(f"{text!r}: expected $sourceDescriptions.NAME.url (or .operationId)")
        return Expr(raw, "sources", parts[1], (parts[2],), ptr)
    if root == "components":
        if len(parts) < 3 or parts[1] not in COMPONENT_KINDS or not parts[2]:
            raise ExpressionError(f"{text!r}: expected $components.({'|'.join(COMPONENT_KINDS)}).NAME")
        return Expr(raw, f"components.{parts[1]}", parts[2], tuple(parts[3:]), ptr)
    import difflib

    roots = [r.rstrip(".") for r in ROOTS]
    close = difflib.get_close_matches("$" + root, roots, n=1)
    hint = f" (did you mean {close[0]}?)" if close else f"; they start with {', '.join(roots)}"
    raise ExpressionError(f"{text!r}: unknown runtime expression{hint}")


def templates(value: str) -> list[str]:
    """The `{$...}` expressions embedded in a string."""
    return [m.group(1) for m in TEMPLATE.finditer(value)]


def expressions_in(value: Any) -> list[str]:
    """Every runtime expression in a parameter value or payload (whole strings and templates)."""
    out: list[str] = []
    if isinstance(value, str):
        if looks_like_expression(value) and not TEMPLATE.search(value):
            out.append(value)
        out.extend(templates(value))
    elif isinstance(value, Mapping):
        for v in value.values():
            out.extend(expressions_in(v))
    elif isinstance(value, list):
        for v in value:
            out.extend(expressions_in(v))
    return out


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _shape(value: Any) -> str:
    if isinstance(value, Mapping):
        keys = list(value)
        shown = ", ".join(keys[:8]) + (", ..." if len(keys) > 8 else "")
        return f"an object with keys {shown}" if keys else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)" if value else "an empty list"
    if value is None:
        return "null"
    return f"{type(value).__name__} {json.dumps(value)[:60]}"


def resolve_pointer(document: Any, pointer: str, what: str = "the value") -> Any:
    """RFC 6901 JSON pointer into `document`; a `Missing` that says where it stopped and why."""
    if pointer == "":
        return document
    current = document
    walked = ""
    for raw in pointer.split("/")[1:]:
        token = _unescape(raw)
        where = walked or "/"
        if isinstance(current, Missing):
            return current
        if isinstance(current, Mapping):
            if token not in current:
                return Missing(f"no value at {walked}/{raw} in {what} ({where} is {_shape(current)})")
            current = current[token]
        elif isinstance(current, list):
            if not token.isdigit() or int(token) >= len(current):
                return Missing(f"no value at {walked}/{raw} in {what} ({where} is {_shape(current)})")
            current = current[int(token)]
        else:
            return Missing(f"no value at {walked}/{raw} in {what} ({where} is {_shape(current)})")
        walked += "/" + raw
    return current


@dataclass
class Exchange:
    """One HTTP exchange of a step, as the expressions see it."""

    url: str
    method: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_query: dict[str, Any] = field(default_factory=dict)
    request_path: dict[str, Any] = field(default_factory=dict)
    request_body: Any = None
    status_code: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: Any = None


@dataclass
class Scope:
    """Everything an expression may read at one moment of a run."""

    inputs: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    workflows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    components: dict[str, Any] = field(default_factory=dict)
    exchange: Exchange | None = None


def _header(headers: Mapping[str, str], name: str) -> Any:
    lowered = {k.lower(): v for k, v in headers.items()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    return Missing(f"no {name} header")


def _walk(value: Any, attrs: tuple[str, ...], label: str) -> Any:
    for attr in attrs:
        if isinstance(value, Missing):
            return value
        if isinstance(value, Mapping) and attr in value:
            value = value[attr]
        else:
            return Missing(f"{label} has no {attr!r} ({_shape(value)})")
        label += "." + attr
    return value


def evaluate(text: str | Expr, scope: Scope) -> Any:
    """The value of one runtime expression (a `Missing` when it names nothing)."""
    expr = text if isinstance(text, Expr) else parse(text)
    ex = scope.exchange
    kind = expr.kind
    if kind in ("url", "method", "statusCode") or kind.startswith(("request.", "response.")):
        if ex is None:
            return Missing(f"{expr.text} is read before any request was sent")
        if kind == "url":
            return ex.url
        if kind == "method":
            return ex.method
        if kind == "statusCode":
            return ex.status_code if ex.status_code is not None else Missing("no response was received")
        if kind == "request.header":
            return _header(ex.request_headers, expr.name)
        if kind == "request.query":
            return ex.request_query.get(expr.name, Missing(f"no query parameter {expr.name}"))
        if kind == "request.path":
            return ex.request_path.get(expr.name, Missing(f"no path parameter {expr.name}"))
        if kind == "request.body":
            return resolve_pointer(ex.request_body, expr.pointer or "", "the request body")
        if kind == "response.header":
            if ex.status_code is None:
                return Missing("no response was received")
            return _header(ex.response_headers, expr.name)
        if kind == "response.body":
            if ex.status_code is None:
                return Missing("no response was received")
            return resolve_pointer(ex.response_body, expr.pointer or "", "the response body")
    if kind == "inputs":
        value = scope.inputs.get(expr.name, Missing(f"no input {expr.name!r}"))
        value = _walk(value, expr.attrs, f"$inputs.{expr.name}")
    elif kind == "outputs":
        value = scope.outputs.get(expr.name, Missing(f"the workflow has no output {expr.name!r} yet"))
        value = _walk(value, expr.attrs, f"$outputs.{expr.name}")
    elif kind == "steps":
        if expr.name not in scope.steps:
            return Missing(f"step {expr.name!r} has not run")
        outputs = scope.steps[expr.name]
        name = expr.attrs[1]
        value = outputs.get(name, Missing(f"step {expr.name!r} has no output {name!r}"))
        value = _walk(value, expr.attrs[2:], f"$steps.{expr.name}.outputs.{name}")
    elif kind == "workflows":
        if expr.name not in scope.workflows:
            return Missing(f"workflow {expr.name!r} has not run")
        part = scope.workflows[expr.name].get(expr.attrs[0], {})
        value = _walk(part, expr.attrs[1:], f"$workflows.{expr.name}.{expr.attrs[0]}")
    elif kind == "sources":
        if expr.name not in scope.sources:
            return Missing(f"no source description {expr.name!r}")
        return scope.sources[expr.name] if expr.attrs == ("url",) else Missing(f"{expr.text} is not a value")
    elif kind.startswith("components."):
        section = scope.components.get(kind.split(".", 1)[1], {})
        value = section.get(expr.name, Missing(f"no component {expr.name!r}"))
        value = _walk(value, expr.attrs, expr.text)
    else:  # pragma: no cover - parse() returns only the kinds above
        raise ExpressionError(f"cannot evaluate {expr.text!r}")
    if expr.pointer is not None and not isinstance(value, Missing):
        value = resolve_pointer(value, expr.pointer, expr.text.split("#")[0])
    return value


def render(value: Any) -> str:
    """A value as text inside a template: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def interpolate(text: str, scope: Scope, transform: Any = None) -> str:
    """Replace each `{$...}` in `text` with its value (`transform` e.g. re.escape)."""

    def one(match: re.Match[str]) -> str:
        value = evaluate(match.group(1), scope)
        if isinstance(value, Missing):
            raise ExpressionError(f"{match.group(1)} has no value: {value.reason}")
        out = render(value)
        return transform(out) if transform else out

    return TEMPLATE.sub(one, text)


def resolve_value(value: Any, scope: Scope) -> Any:
    """A parameter value or payload with its expressions evaluated (whole strings keep their type)."""
    if isinstance(value, str):
        if looks_like_expression(value) and not TEMPLATE.search(value):
            return evaluate(value, scope)
        if TEMPLATE.search(value):
            return interpolate(value, scope)
        return value
    if isinstance(value, Mapping):
        return {k: resolve_value(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_value(v, scope) for v in value]
    return value


def set_pointer(document: Any, pointer: str, value: Any) -> Any:
    """Set `pointer` in `document` (for requestBody replacements); returns the document."""
    if pointer == "":
        return value
    parts = [_unescape(p) for p in pointer.split("/")[1:]]
    current = document
    for part in parts[:-1]:
        current = current[int(part)] if isinstance(current, list) else current.setdefault(part, {})
    last = parts[-1]
    if isinstance(current, list):
        if last == "-":
            current.append(value)
        else:
            current[int(last)] = value
    else:
        current[last] = value
    return document
