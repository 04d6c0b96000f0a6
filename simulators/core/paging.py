"""One paging scheme for every collection: `limit` + opaque `cursor`, and a `next` link.

Keyset paging (WHERE key > last ORDER BY key), so pages stay stable while rows are added and
deep pages cost the same as the first. The cursor is base64url JSON of the last key, opaque to
clients by contract.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import request
from sqlalchemy import Connection, Select

from simulators.core.problems import Problem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([key], separators=(",", ":")).encode()).decode().rstrip("=")


# The widest integer a key column holds (SQLite INTEGER, PostgreSQL BIGINT): a forged cursor with a
# bigger one must be refused here, not overflow in the database driver.
MIN_KEY_INTEGER, MAX_KEY_INTEGER = -(2**63), 2**63 - 1


def _not_a_cursor(param: str) -> Problem:
    return Problem(
        "validation-error",
        f"The {param} is not one this system issued; start again without it.",
        errors=[{"field": f"query.{param}", "message": "not a valid cursor"}],
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a cursor key")


def _fits_a_column(value: Any) -> bool:
    """Every integer inside `value` fits a 64-bit key column (bool is an int subclass: left alone)."""
    if isinstance(value, list):
        return all(_fits_a_column(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return MIN_KEY_INTEGER <= value <= MAX_KEY_INTEGER
    return True


def decode_cursor(cursor: str, param: str = "cursor") -> Any:
    """The key inside a cursor (`cursor=` of a list, `after=` of the change feed): the one decoder.

    Anything this system could not have issued is a 400: not base64url JSON of a one-item list,
    NaN or Infinity, or an integer too big for a key column.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        value = json.loads(text, parse_constant=_refuse_constant)
        if not isinstance(value, list) or len(value) != 1 or not _fits_a_column(value):
            raise ValueError
        return value[0]
    except (ValueError, RecursionError, binascii.Error, UnicodeDecodeError) as exc:
        raise _not_a_cursor(param) from exc


def typed_key(key: Any, key_column: Any, param: str = "cursor") -> Any:
    """The decoded key, if its JSON type fits the key column (a forged `[true]` must be a 400, not a 500)."""
    try:
        expected = key_column.type.python_type
    except (AttributeError, NotImplementedError):
        expected = None
    wanted = (int,) if expected is int else (str,) if expected is str else (int, str)
    if isinstance(key, bool) or not isinstance(key, wanted):
        raise _not_a_cursor(param)
    return key


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None
    limit: int


def page_params(cursor_param: str = "cursor") -> tuple[int, str | None]:
    """`limit` and cursor from the query string (already spec-validated; clamped defensively)."""
    try:
        limit = int(request.args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        limit = DEFAULT_LIMIT
    return max(1, min(limit, MAX_LIMIT)), request.args.get(cursor_param) or None


def paginate(
    session: Connection,
    stmt: Select[Any],
    key_column: Any,
    *,
    limit: int,
    cursor: str | None,
    cursor_param: str = "cursor",
    key_of: Callable[[Any], Any] | None = None,
    scalars: bool = True,
) -> Page:
    """Run `stmt` ordered by the unique `key_column`, one page after `cursor`."""
    if cursor:
        key = typed_key(decode_cursor(cursor, cursor_param), key_column, cursor_param)
        stmt = stmt.where(key_column > key)
    result = session.execute(stmt.order_by(key_column).limit(limit + 1))
    rows: Sequence[Any] = result.scalars().all() if scalars else result.all()
    more = len(rows) > limit
    rows = list(rows[:limit])
    next_cursor = None
    if more and rows:
        last = rows[-1]
        key = key_of(last) if key_of else getattr(last, key_column.key)
        next_cursor = encode_cursor(key)
    return Page(rows, next_cursor, limit)


def page_body(items: list[dict[str, Any]], page: Page, cursor_param: str = "cursor") -> dict[str, Any]:
    """The collection envelope every system returns."""
    args = {k: v for k, v in request.args.items() if k != cursor_param}
    self_link = request.path + (("?" + urlencode(request.args)) if request.args else "")
    next_link = None
    if page.next_cursor:
        next_link = request.path + "?" + urlencode({**args, cursor_param: page.next_cursor})
    return {
        "items": items,
        "limit": page.limit,
        "next_cursor": page.next_cursor,
        "links": {"self": self_link, "next": next_link},
    }
