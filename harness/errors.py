"""Errors the CLI turns into one clear line and an exit code (never a traceback)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class InteropError(Exception):
    """A problem the user can fix: bad usage, an unreachable target, a busy port.

    The CLI prints ``str(error)`` on one line and exits with ``exit_code``.
    """

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code
