"""What the domain rules need from one recorded exchange: its operation, its caller's scopes, the
objects in its body, and a curl command that repeats it without carrying a live token."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from harness.fuzz.curl import SentRequest, to_curl

TOKEN_VAR = "$TOKEN"
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: The path parameter that follows each collection of the standard (anything else is `{id}`).
ID_PARAMETERS = {
    "custody-records": "{custody_id}",
    "nominals": "{nominal_id}",
    "occurrences": "{occurrence_id}",
    "reports": "{report_id}",
}


def template_of(path: str) -> str:
    """`/custody-records/3f1c.../reviews` -> `/custody-records/{custody_id}/reviews`."""
    parts = path.split("/")
    out = []
    for i, part in enumerate(parts):
        if UUID_RE.match(part):
            out.append(ID_PARAMETERS.get(parts[i - 1] if i else "", "{id}"))
        else:
            out.append(part)
    return "/".join(out) or "/"


def operation_of(method: str, path: str) -> str:
    return f"{method.upper()} {template_of(path)}"


def bearer_token(headers: dict[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    if value[:7].lower() == "bearer ":
        return value[7:].strip() or None
    return None


def token_scopes(headers: dict[str, str]) -> frozenset[str] | None:
    """The scopes a JWT bearer token claims (payload read without verification: the harness only
    needs to know what the caller was meant to see); None for no token or an opaque one."""
    token = bearer_token(headers)
    if not token or token.count(".") != 2:
        return None
    payload = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(claims, dict):
        return None
    scope = claims.get("scope", claims.get("scp"))
    if isinstance(scope, str):
        return frozenset(scope.split())
    if isinstance(scope, list):
        return frozenset(str(s) for s in scope)
    return None


def reproduce(method: str, url: str, headers: dict[str, str], body: bytes | None) -> str:
    """The request as a curl command; the bearer token is written as `$TOKEN`."""
    token = bearer_token(headers)
    return to_curl(SentRequest(method, url, dict(headers), body or None), {token: TOKEN_VAR} if token else {})


def objects(body: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a body, depth first (a record, a page's items, a nested record)."""
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def instant(value: Any) -> datetime | None:
    """An ISO 8601 instant with offset as an aware UTC datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return dt.astimezone(UTC) if dt.tzinfo else None


def shown(value: Any, limit: int = 80) -> str:
    """A value from the product, quoted and cut short (it is data, never markup)."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
