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

# Re-exported: what every writer shows through (harness/text.py holds them, below harness/errors.py).
from harness.text import TEXT_LIMIT as TEXT_LIMIT
from harness.text import cut as cut
from harness.text import visible as visible

# One console line: the first line of the reason, this long at most.
LINE_LIMIT = 240

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other ESC X pairs,
# and their 8-bit forms (CSI = U+009B, OSC = U+009D).
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)


def strip_ansi(text: str) -> str:
    """`text` without terminal escape sequences (colours, cursor moves, window titles)."""
    return _ANSI.sub("", text)


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
