"""Errors the CLI turns into one clear line and an exit code (never a traceback)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

MAX_LINE = 1000  # a message longer than this (a pasted file, a huge value) is cut, saying so
_SPACES = str.maketrans(dict.fromkeys("\n\r\t\u2028\u2029", " "))


class InteropError(Exception):
    """A problem the user can fix: bad usage, an unreachable target, a busy port.

    The CLI prints ``str(error)`` on one line and exits with ``exit_code``.
    """

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(message: str, limit: int = MAX_LINE) -> str:
    """`message` as one terminal-safe line: line breaks become spaces, other control and
    direction characters are written as visible escapes (\\x1b), an overlong message is cut."""
    from harness.reports.safe import cut, visible  # lazily: the reports package imports this module

    return cut(visible(message.translate(_SPACES)).strip(), limit)
