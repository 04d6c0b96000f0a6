"""Errors the CLI turns into one clear line and an exit code (never a traceback).

Every error the harness raises on purpose derives from `InteropError`; the subclass says which
documented exit code it means (`interop --help`, docs/vendors.md):

- `InteropError` itself: 2, bad usage, an unreachable target, a busy port, refused credentials;
- `BadInput` (also a `ValueError`): 2, a file or value the user gave cannot be used (a scenario,
  a pact, an expression, a form field); the message names what and where;
- `CheckFailed`: 1, a check of the standard failed (the pytest plugin's failing items);
- `NotJudged`: 3, the harness could not set up what a check needs, so that check is not judged.
"""

from __future__ import annotations

from harness.text import cut, visible

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCONCLUSIVE = 3

MAX_LINE = 1000  # a message longer than this (a pasted file, a huge value) is cut, saying so
_SPACES = str.maketrans(dict.fromkeys("\n\r\t\u2028\u2029", " "))


class InteropError(Exception):
    """A problem the user can fix: bad usage, an unreachable target, a busy port.

    The CLI prints ``str(error)`` on one line and exits with ``exit_code`` (by default the
    class's `default_exit_code`).
    """

    default_exit_code = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.exit_code = self.default_exit_code if exit_code is None else exit_code


class BadInput(InteropError, ValueError):
    """A file or value the user gave cannot be used; still a ValueError for parsers' callers."""


class CheckFailed(InteropError):
    """A check of the standard failed: a finding, not a usage problem."""

    default_exit_code = EXIT_FINDINGS


class NotJudged(InteropError):
    """What a check needs could not be set up in the product, so the check is not judged."""

    default_exit_code = EXIT_INCONCLUSIVE


def one_line(message: str, limit: int = MAX_LINE) -> str:
    """`message` as one terminal-safe line: line breaks become spaces, other control and
    direction characters are written as visible escapes (\\x1b), an overlong message is cut."""
    return cut(visible(message.translate(_SPACES)).strip(), limit)
