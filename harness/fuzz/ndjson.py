"""Lets the fuzzer send the standard's NDJSON bodies (`application/x-ndjson`: bulk import uploads).

Schemathesis serializes only the media types it knows; for any other it generates no request at
all, so a bulk upload operation would never be exercised and its auth probes never run (an
inconclusive verdict). Registered here: a generated value is sent as UTF-8 lines, each ending
with a line feed as the standard's uploads do (a string as it is, anything else as JSON lines).
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis

MEDIA_TYPE = "application/x-ndjson"


def ndjson_body(value: Any) -> bytes:
    """The bytes of a generated body: whole lines, UTF-8 (unpaired surrogates kept as sent)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        text = value
    elif isinstance(value, list):
        text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8", "surrogatepass")


@schemathesis.serializer(MEDIA_TYPE)
def _serialize(ctx: Any, value: Any) -> dict[str, Any]:
    return {"data": ndjson_body(value)}
