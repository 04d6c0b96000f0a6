"""Option values the CLI checks before anything starts: paths, free text, URLs, choices, bounds.

Typer checks types and number ranges (`min=`/`max=`, given with the bounds below); these parsers
(`typer.Option(parser=...)`) check the rest, so a bad value is one line and exit 2 before any
server, process or container starts. Each parser keeps what it accepts as attributes, which
tests/harness/test_cli_bad_args.py reads to know which values must be refused for each option.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

SEED_MAX = 2**32 - 1  # same seed, same world: any 32-bit unsigned seed
PORT_MIN, PORT_MAX = 1, 65535
POPULATION_MAX = 1_000_000
TIMEOUT_MAX_S = 24 * 3600.0
NAME_MAX = 255  # longest file or folder name on the file systems we run on


def control_characters(text: str) -> list[str]:
    """The control and format characters in `text` (ESC, newline, NUL, bidi overrides...)."""
    return [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")]


def _printable(raw: str, what: str) -> str:
    if raw == "":
        raise ValueError(f"{what} must not be empty")
    bad = control_characters(raw)
    if bad:
        raise ValueError(f"{what} must not contain control characters (found {bad[0]!r})")
    return raw


@dataclass(frozen=True)
class PathValue:
    """A path: `kind` "file", "dir" or "path" (either); `must_exist`, else it must be creatable."""

    kind: str
    must_exist: bool

    def __call__(self, raw: str | Path) -> Path:
        if isinstance(raw, Path):
            return raw
        _printable(raw, {"file": "a file path", "dir": "a folder path"}.get(self.kind, "a path"))
        if any(len(part) > NAME_MAX for part in raw.split(os.sep)):
            raise ValueError(f"a name in the path is longer than {NAME_MAX} characters")
        path = Path(raw)
        if path.exists():
            if self.kind == "dir" and not path.is_dir():
                raise ValueError(f"{raw!r} is a file; give a directory")
            if self.kind == "file" and path.is_dir():
                raise ValueError(f"{raw!r} is a directory; give a file")
            return path
        if self.must_exist:
            raise ValueError(f"{self.kind} {raw!r} does not exist")
        for parent in path.absolute().parents:
            if parent.exists():
                if not parent.is_dir():
                    raise ValueError(f"{raw!r} cannot be created: {str(parent)!r} is not a directory")
                break
        return path


@dataclass(frozen=True)
class TextValue:
    """Free text: never empty, no control characters; `pattern` (full match) when given."""

    what: str
    pattern: str | None = None
    hint: str = ""

    def __call__(self, raw: str) -> str:
        _printable(raw, self.what)
        if self.pattern is not None and not re.fullmatch(self.pattern, raw):
            raise ValueError(f"{self.what} {raw[:80]!r} is not valid{'; ' + self.hint if self.hint else ''}")
        return raw


@dataclass(frozen=True)
class UrlValue:
    """An absolute http(s) URL with a host."""

    what: str

    def __call__(self, raw: str) -> str:
        _printable(raw, self.what)
        parsed = urlparse(raw)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in raw):
            raise ValueError(f"{self.what} must be an http(s)://host:port URL; got {raw[:80]!r}")
        return raw


@dataclass(frozen=True)
class ChoiceValue:
    """One of a list of names: the list, or a function returning it (read at each parse, so
    names registered at run time, such as a test's extra suite, count)."""

    names: Sequence[str] | Callable[[], Iterable[str]]

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.names() if callable(self.names) else self.names)

    def __call__(self, raw: str) -> str:
        if raw not in self.choices:
            raise ValueError(f"{raw[:80]!r} is not one of {', '.join(self.choices)}")
        return raw


# An OAuth 2.0 bearer token as RFC 6750 section 2.1 defines it (b64token).
BEARER_TOKEN = TextValue("a bearer token", r"[A-Za-z0-9\-._~+/]+=*", "expected RFC 6750 token characters")
