"""HTTP details shared by the records blueprints: ETags, If-Match, JSON merge-patch, the request body."""

from __future__ import annotations

import copy
from typing import Any

from flask import request

from simulators.core.problems import Problem


def etag(version: int) -> str:
    """Strong ETag of a resource version."""
    return f'"v{version}"'


def check_if_match(version: int, *, required: bool) -> None:
    """428 when a required If-Match is missing; 412 when it names another version (RFC 9110 13.1.1)."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        if required:
            raise Problem(
                "precondition-required",
                "Send If-Match with the ETag from your last read, so a concurrent change is not lost.",
                rule="RMS-HTTP-428",
            )
        return
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags or etag(version) in tags:
        return
    raise Problem(
        "precondition-failed",
        f"The resource changed since you read it: If-Match {header} is not the current ETag {etag(version)}. "
        "Read it again and reapply your change.",
        rule="RMS-HTTP-412",
        current_etag=etag(version),
    )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge member by member, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_body() -> dict[str, Any]:
    """The (already spec-validated) JSON object body."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem("bad-request", "Send a JSON object body.")
    return body
