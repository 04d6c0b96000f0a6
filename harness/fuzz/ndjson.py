"""Lets the fuzzer send the standard's NDJSON bodies (`application/x-ndjson`: bulk import uploads).

Schemathesis serializes only the media types it knows; for any other it generates no request at
all, so a bulk upload operation would never be exercised and its auth probes never run (an
inconclusive verdict). Registered here: a generated string is sent as UTF-8 text ending with a
line feed, as the standard's uploads do.

The standard's upload body is text (`type: string`), so a value of any other type only comes from
a negative test ("violates type"). It has no NDJSON rendering; it is sent as its JSON without the
line ending, an upload the standard tells a product to refuse (whole lines only, BULK-IMP-003).
Rendering it as JSON lines instead (a dict as `{...}\n`) would send a valid upload and blame the
product for accepting it.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis

MEDIA_TYPE = "application/x-ndjson"


def ndjson_body(value: Any) -> bytes:
    """The bytes of a generated body: a string as whole lines, UTF-8 (unpaired surrogates kept as
    sent); any other value as JSON without a line ending."""
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):  # a negative test's wrong type: not text, so not whole lines
        return json.dumps(value, ensure_ascii=False).rstrip("\n").encode("utf-8", "surrogatepass")
    text = value if value.endswith("\n") else value + "\n"
    return text.encode("utf-8", "surrogatepass")


@schemathesis.serializer(MEDIA_TYPE)
def _serialize(ctx: schemathesis.SerializationContext, value: Any) -> bytes:
    return ndjson_body(value)  # Schemathesis sends what a serializer returns as the body
