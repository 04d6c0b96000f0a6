"""The nesting limit of JSON request bodies: deeper than `MAX_JSON_DEPTH` levels is a 400.

Parsers and schema validators recurse once per level, so a body of a few hundred nested arrays
would exhaust their stack and end as a 500. No body of the standard nests more than a handful of
levels; the limit leaves ample room and is checked once, where every body is parsed (the app's
JSON provider), so handlers and `/_sim/` endpoints get it too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MAX_JSON_DEPTH = 32


class TooDeeplyNested(ValueError):
    """A JSON document nests deeper than the limit (a ValueError, so Flask answers 400)."""

    def __init__(self, limit: int = MAX_JSON_DEPTH) -> None:
        super().__init__(f"the JSON nests deeper than {limit} levels of arrays and objects")
        self.limit = limit


def depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in `value` nest deeper than `limit` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(data: str | bytes, limit: int = MAX_JSON_DEPTH, **kwargs: Any) -> Any:
    """`json.loads`, refusing documents that nest deeper than `limit` (or than the parser's stack)."""
    try:
        value = json.loads(data, **kwargs)
    except RecursionError:
        raise TooDeeplyNested(limit) from None
    if depth_exceeds(value, limit):
        raise TooDeeplyNested(limit)
    return value


def caused_by_depth(exc: BaseException) -> TooDeeplyNested | None:
    """The `TooDeeplyNested` behind `exc` (Flask wraps it in BadRequest), if any."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, TooDeeplyNested):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
