"""Text from a product under test, made safe to show: bounded in size, control characters visible.

Every writer shows what a target sent (response bodies, headers, problem details) inside findings
and check messages. A hostile or broken product must not be able to run script in report.html,
break junit.xml, recolour or retitle the terminal, or bury a report under megabytes of body.
Markup escaping itself belongs to each format (Jinja autoescape, ElementTree, rich.markup.escape);
this module does what is common to all of them.
"""

from __future__ import annotations

import re
from typing import Any

# Beyond this, a body or message is cut with a note of how much was left out.
TEXT_LIMIT = 4096
# One console line: the first line of the reason, this long at most.
LINE_LIMIT = 240

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other ESC X pairs,
# and their 8-bit forms (CSI = U+009B, OSC = U+009D).
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)
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


def strip_ansi(text: str) -> str:
    """`text` without terminal escape sequences (colours, cursor moves, window titles)."""
    return _ANSI.sub("", text)


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


def shown(text: Any, limit: int = TEXT_LIMIT) -> str:
    """What a report shows for a value a target may have influenced: bounded, controls visible."""
    return cut(visible(text if isinstance(text, str) else str(text)), limit)


def one_line(text: Any, limit: int = LINE_LIMIT) -> str:
    """The first informative line of `text` for a console line: no escape sequences, bounded.

    A lead-in ending with ":" ("Consumer X expects, for ...:") is passed over for the line it
    introduces, so the line says why something failed.
    """
    raw = text if isinstance(text, str) else str(text)
    lines = [line.strip() for line in strip_ansi(raw).splitlines() if line.strip()]
    if not lines:
        return ""
    at = next((i for i, line in enumerate(lines) if not line.endswith(":")), 0)
    first = lines[at].removeprefix("- ")
    if len(lines) > at + 1:
        first += " ..."
    return cut(visible(first), limit)


def bounded(value: Any, limit: int = TEXT_LIMIT) -> Any:
    """A copy of a JSON-like document with every string shown safely (report.json, the compare page)."""
    if isinstance(value, str):
        return shown(value, limit)
    if isinstance(value, dict):
        return {bounded(k, limit) if isinstance(k, str) else k: bounded(v, limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [bounded(v, limit) for v in value]
    return value
