"""The smallest part of making product text safe to show: control characters made visible,
length bounded. Its own module, below both the error hierarchy (harness/errors.py: one-line CLI
errors) and the report writers (harness/reports/safe.py builds on it)."""

from __future__ import annotations

import re

# Beyond this, a body or message is cut with a note of how much was left out.
TEXT_LIMIT = 4096

# Characters shown as a visible escape (\x1b, \u202e): C0 controls but tab, newline and carriage
# return; DEL and C1 controls; Unicode direction overrides and isolates (they reorder what a reader
# sees); surrogates and the non-characters U+FFFE/U+FFFF (XML 1.0 forbids them, UTF-8 cannot
# encode lone surrogates).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def _visible_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control or invisible formatting character written as a visible escape."""
    return _INVISIBLE.sub(_visible_escape, text)


def cut(text: str, limit: int = TEXT_LIMIT) -> str:
    """`text` bounded to about `limit` bytes of UTF-8, ending with a note of how many bytes were cut."""
    if len(text) <= limit // 4:  # fast path: cannot exceed the limit even at 4 bytes a character
        return text
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    end = limit
    while True:  # never end inside a multi-byte character
        try:
            kept = data[:end].decode("utf-8", "surrogatepass")
            break
        except UnicodeDecodeError:
            end -= 1
    more = len(data) - end
    return f"{kept}... [cut: {more:,} more bytes]"
