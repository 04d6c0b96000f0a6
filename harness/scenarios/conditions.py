"""Arazzo Criterion Objects: `simple` conditions, `regex` and `jsonpath`, judged one at a time.

Each criterion gives a `Verdict` with what was expected and what was actually there, so a failing
step reads "expected $response.body#/status == 'detained', got $response.body#/status = 'booked_in'".

Simple conditions follow the Arazzo grammar: literals (`null`, `true`, `false`, numbers,
'single-quoted strings' with '' for a quote), runtime expressions, `== != < <= > >=`, `!`, `&&`,
`||`, parentheses and `[n]` indexing. They are parsed here, never handed to `eval`. Two
conveniences, both documented in docs/scenarios.md: timestamps with an offset compare as instants
(`...Z` equals `...+00:00`), and a value that is not there compares equal to `null`.

`jsonpath` conditions are RFC 9535 queries (python-jsonpath, strict mode) that must select at
least one node of the context; `regex` conditions must match the context (a string, or the JSON
text of any other value). Both may embed `{$...}` expressions (regex values are escaped).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harness.errors import BadInput
from harness.scenarios.expressions import (
    TOKEN,
    ExpressionError,
    Missing,
    Scope,
    evaluate,
    interpolate,
    parse,
    templates,
)

SHOW = 300  # characters of a value shown in a finding


class ConditionError(BadInput):
    """A condition that cannot be parsed."""


@dataclass(frozen=True)
class Verdict:
    ok: bool
    expected: str
    actual: str


def show(value: Any, limit: int = SHOW, raw: bool = False) -> str:
    """A value as a finding shows it: JSON (or the raw text), cut to `limit` characters."""
    if isinstance(value, Missing):
        return str(value)
    text = value if raw and isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


# --- the simple-condition grammar -------------------------------------------------------------

_OPERATORS = ("==", "!=", "<=", ">=", "<", ">")


@dataclass(frozen=True)
class _Tok:
    kind: str  # expr | num | str | lit | op | and | or | not | ( | ) | [ | ]
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == "$":
            m = TOKEN.match(text, i)
            if not m:
                raise ConditionError(f"cannot read the expression at column {i + 1}")
            out.append(_Tok("expr", m.group(0), i))
            i = m.end()
            continue
        if c == "'":
            j, buf = i + 1, []
            while True:
                if j >= len(text):
                    raise ConditionError(f"the string starting at column {i + 1} is not closed with '")
                if text[j] == "'":
                    if j + 1 < len(text) and text[j + 1] == "'":
                        buf.append("'")
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            out.append(_Tok("str", "".join(buf), i))
            i = j + 1
            continue
        m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?").match(text, i)
        if m and (c.isdigit() or c == "-"):
            out.append(_Tok("num", m.group(0), i))
            i = m.end()
            continue
        m = re.compile(r"[A-Za-z_]+").match(text, i)
        if m:
            word = m.group(0)
            if word not in ("true", "false", "null"):
                raise ConditionError(f"unknown word {word!r} at column {i + 1} (strings are 'single-quoted')")
            out.append(_Tok("lit", word, i))
            i = m.end()
            continue
        two = text[i : i + 2]
        if two in ("&&", "||"):
            out.append(_Tok("and" if two == "&&" else "or", two, i))
            i += 2
            continue
        if two in _OPERATORS:
            out.append(_Tok("op", two, i))
            i += 2
            continue
        if c in "<>":
            out.append(_Tok("op", c, i))
            i += 1
            continue
        if c == "=":
            raise ConditionError(f"'=' at column {i + 1}: compare with '=='")
        if c == "!":
            out.append(_Tok("not", c, i))
            i += 1
            continue
        if c in "()[]":
            out.append(_Tok(c, c, i))
            i += 1
            continue
        raise ConditionError(f"unexpected {c!r} at column {i + 1}")
    return out


class _Parser:
    """Recursive descent over the tokens; builds a small tuple tree."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, kind: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise ConditionError("the condition ends too early")
        if kind and tok.kind != kind:
            raise ConditionError(f"expected {kind!r} at column {tok.pos + 1}, found {tok.text!r}")
        self.i += 1
        return tok

    def parse(self) -> tuple[Any, ...]:
        if not self.toks:
            raise ConditionError("the condition is empty")
        node = self.or_()
        tok = self.peek()
        if tok is not None:
            raise ConditionError(f"unexpected {tok.text!r} at column {tok.pos + 1}")
        return node

    def or_(self) -> tuple[Any, ...]:
        node = self.and_()
        while (tok := self.peek()) and tok.kind == "or":
            self.i += 1
            node = ("or", node, self.and_())
        return node

    def and_(self) -> tuple[Any, ...]:
        node = self.unary()
        while (tok := self.peek()) and tok.kind == "and":
            self.i += 1
            node = ("and", node, self.unary())
        return node

    def unary(self) -> tuple[Any, ...]:
        tok = self.peek()
        if tok is not None and tok.kind == "not":
            self.i += 1
            return ("not", self.unary())
        return self.comparison()

    def comparison(self) -> tuple[Any, ...]:
        left = self.primary()
        tok = self.peek()
        if tok is not None and tok.kind == "op":
            self.i += 1
            return ("cmp", tok.text, left, self.primary())
        return ("truthy", left)

    def primary(self) -> tuple[Any, ...]:
        tok = self.take()
        if tok.kind == "(":
            node: tuple[Any, ...] = self.or_()
            self.take(")")
            return node
        if tok.kind == "num":
            node = (
                "lit",
                float(tok.text) if any(c in tok.text for c in ".eE") else int(tok.text),
            )
        elif tok.kind == "str":
            node = ("lit", tok.text)
        elif tok.kind == "lit":
            node = ("lit", {"true": True, "false": False, "null": None}[tok.text])
        elif tok.kind == "expr":
            try:
                parse(tok.text)
            except ExpressionError as exc:
                raise ConditionError(str(exc)) from exc
            node = ("expr", tok.text)
        else:
            raise ConditionError(f"expected a value at column {tok.pos + 1}, found {tok.text!r}")
        while (nxt := self.peek()) and nxt.kind == "[":
            self.i += 1
            index = self.take("num")
            self.take("]")
            node = ("index", node, int(index.text))
        return node


def parse_simple(condition: str) -> tuple[Any, ...]:
    """Parse a simple condition (ConditionError on bad syntax)."""
    return _Parser(condition).parse()


def expressions_of(condition: str) -> list[str]:
    """The runtime expressions a simple condition reads (for validation)."""
    return [t.text for t in _tokenize(condition) if t.kind == "expr"]


def _instant(value: Any) -> datetime | None:
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] in "Tt ":
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
        return dt if dt.tzinfo is not None else None
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def compare(op: str, left: Any, right: Any) -> bool:
    """Arazzo comparison with the two documented conveniences (instants, missing == null)."""
    if isinstance(left, Missing) or isinstance(right, Missing):
        other = right if isinstance(left, Missing) else left
        both = isinstance(left, Missing) and isinstance(right, Missing)
        same = both or other is None
        return {"==": same, "!=": not same}.get(op, False)
    a, b = _instant(left), _instant(right)
    if a is not None and b is not None:
        left, right = a, b
    elif isinstance(left, bool) or isinstance(right, bool):
        if op in ("==", "!="):
            same = isinstance(left, bool) and isinstance(right, bool) and left == right
            return same if op == "==" else not same
        return False
    elif (
        (isinstance(left, int | float) or isinstance(right, int | float))
        and left is not None
        and right is not None
    ):
        na, nb = _number(left), _number(right)
        if na is None or nb is None:
            return op == "!="
        left, right = na, nb
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    try:
        return bool({"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op])
    except TypeError:
        return False


def _truthy(value: Any) -> bool:
    return not (isinstance(value, Missing) or value is None or value is False or value in (0, "", [], {}))


class _Evaluator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.seen: dict[str, Any] = {}

    def value(self, node: tuple[Any, ...]) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "expr":
            value = evaluate(node[1], self.scope)
            self.seen.setdefault(node[1], value)
            return value
        if kind == "index":
            base = self.value(node[1])
            if isinstance(base, list) and 0 <= node[2] < len(base):
                return base[node[2]]
            if isinstance(base, Missing):
                return base
            return Missing(f"no item [{node[2]}] ({show(base, 80)})")
        return self.test(node)

    def test(self, node: tuple[Any, ...]) -> bool:
        kind = node[0]
        if kind == "or":
            return self.test(node[1]) or self.test(node[2])
        if kind == "and":
            return self.test(node[1]) and self.test(node[2])
        if kind == "not":
            return not self.test(node[1])
        if kind == "cmp":
            return compare(node[1], self.value(node[2]), self.value(node[3]))
        if kind == "truthy":
            return _truthy(self.value(node[1]))
        return _truthy(self.value(node))


def judge_simple(condition: str, scope: Scope) -> Verdict:
    evaluator = _Evaluator(scope)
    ok = evaluator.test(parse_simple(condition))
    seen = "; ".join(f"{k} = {show(v)}" for k, v in evaluator.seen.items()) or "(no runtime values)"
    return Verdict(ok, condition, seen)


# --- regex and jsonpath -------------------------------------------------------------------------


def _jsonpath_env() -> Any:
    import jsonpath

    return jsonpath.JSONPathEnvironment(strict=True)


def check_regex(condition: str) -> None:
    try:
        re.compile(re.sub(r"\{\$[^{}]+\}", "x", condition))
    except re.error as exc:
        raise ConditionError(f"not a valid regular expression: {exc}") from exc


def check_jsonpath(condition: str) -> None:
    try:
        _jsonpath_env().compile(re.sub(r"\{\$[^{}]+\}", "x", condition))
    except Exception as exc:  # python-jsonpath raises its own JSONPathSyntaxError family
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConditionError(f"not a valid JSONPath (RFC 9535) query: {first}") from exc


def _context(criterion: dict[str, Any], scope: Scope) -> Any:
    return evaluate(criterion["context"], scope)


def judge_regex(criterion: dict[str, Any], scope: Scope) -> Verdict:
    context = _context(criterion, scope)
    pattern = interpolate(criterion["condition"], scope, re.escape)
    expected = f"{criterion['context']} matches /{interpolate(criterion['condition'], scope)}/"
    if isinstance(context, Missing):
        return Verdict(False, expected, f"{criterion['context']} {context}")
    text = context if isinstance(context, str) else json.dumps(context, ensure_ascii=False)
    return Verdict(
        re.search(pattern, text) is not None, expected, f"{criterion['context']} = {show(text, raw=True)}"
    )


def judge_jsonpath(criterion: dict[str, Any], scope: Scope) -> Verdict:
    context = _context(criterion, scope)
    query = interpolate(criterion["condition"], scope)
    expected = f"{criterion['context']} has a match for {query}"
    if isinstance(context, Missing):
        return Verdict(False, expected, f"{criterion['context']} {context}")
    found = _jsonpath_env().findall(query, context)
    if found:
        return Verdict(True, expected, f"{len(found)} match(es): {show(found, 120)}")
    return Verdict(False, expected, f"no match in {criterion['context']} = {show(context)}")


def criterion_type(criterion: dict[str, Any]) -> str:
    kind = criterion.get("type", "simple")
    name: str = kind["type"] if isinstance(kind, dict) else kind
    return name


def judge(criterion: dict[str, Any], scope: Scope) -> Verdict:
    """Judge one Criterion Object; an expression that cannot be evaluated is a failed verdict."""
    kind = criterion_type(criterion)
    try:
        if kind == "simple":
            verdict = judge_simple(criterion["condition"], scope)
        elif kind == "regex":
            verdict = judge_regex(criterion, scope)
        elif kind == "jsonpath":
            verdict = judge_jsonpath(criterion, scope)
        else:
            return Verdict(False, criterion["condition"], f"{kind} conditions are not supported")
    except (ConditionError, ExpressionError) as exc:
        return Verdict(False, criterion["condition"], f"the condition could not be evaluated: {exc}")
    note = criterion.get("x-interop-description")
    if note:
        verdict = Verdict(verdict.ok, f"{note} ({verdict.expected})", verdict.actual)
    return verdict


def embedded_expressions(criterion: dict[str, Any]) -> list[str]:
    """Every runtime expression a criterion reads (validation)."""
    out = [criterion["context"]] if criterion.get("context") else []
    if criterion_type(criterion) == "simple":
        out.extend(expressions_of(criterion["condition"]))
    else:
        out.extend(templates(criterion["condition"]))
    return out
