"""National Insurance numbers: the format and prefix rules (docs/domain.md 4.5).

A NI number is two prefix letters, six digits and a suffix letter A-D (``QQ123456C``). The first
letter is never D, F, I, Q, U or V; the second never D, F, I, O, Q, U or V; the prefixes BG, GB,
KN, NK, NT, TN and ZZ are never allocated, and CR, FY, MW, NC and OO are HMRC's administrative
prefixes, not a person's number. It is written with or without spaces (``QQ 12 34 56 C``); the
canonical form has none. Pure functions, shared by the population generator (which must emit valid
numbers, and deliberately invalid ones only as recorded defects) and the records validator.
"""

from __future__ import annotations

import re

__all__ = [
    "ADMINISTRATIVE_PREFIXES",
    "FIRST_LETTERS",
    "NOT_ALLOCATED_PREFIXES",
    "SECOND_LETTERS",
    "SUFFIXES",
    "is_valid_ni_number",
    "make_ni_number",
    "ni_number_problem",
    "normalise_ni_number",
]

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Letters a prefix may start with (not D F I Q U V).
FIRST_LETTERS = "".join(c for c in _LETTERS if c not in "DFIQUV")
#: Letters a prefix may end with (not D F I O Q U V).
SECOND_LETTERS = "".join(c for c in _LETTERS if c not in "DFIOQUV")
#: Prefixes that pass the letter rules but are never allocated.
NOT_ALLOCATED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
#: HMRC administrative prefixes that look like NI numbers but are no person's number.
ADMINISTRATIVE_PREFIXES = frozenset({"CR", "FY", "MW", "NC", "OO"})
#: The suffix letters.
SUFFIXES = "ABCD"

_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{6}[A-Z]$")
_SPACES = re.compile(r"[ \t]+")


def ni_number_problem(value: object) -> str | None:
    """Why ``value`` (canonical: upper case, no spaces) is not a NI number, or None when it is one."""
    if not isinstance(value, str) or not _SHAPE.match(value):
        return "not two letters, six digits and a suffix letter"
    prefix, suffix = value[:2], value[8]
    if prefix in ADMINISTRATIVE_PREFIXES:
        return f"prefix {prefix} is an HMRC administrative prefix, not a person's number"
    if prefix[0] not in FIRST_LETTERS:
        return f"a NI number never starts with {prefix[0]}"
    if prefix[1] not in SECOND_LETTERS:
        return f"the second letter is never {prefix[1]}"
    if prefix in NOT_ALLOCATED_PREFIXES:
        return f"prefix {prefix} is not allocated"
    if suffix not in SUFFIXES:
        return f"the suffix is A, B, C or D, not {suffix}"
    return None


def normalise_ni_number(value: object) -> str:
    """The canonical form (``QQ123456C``) of a NI number in any case and spacing; ValueError if invalid."""
    if not isinstance(value, str):
        raise ValueError("a NI number is a string")
    canonical = _SPACES.sub("", value).upper()
    problem = ni_number_problem(canonical)
    if problem:
        raise ValueError(problem)
    return canonical


def is_valid_ni_number(value: object) -> bool:
    """True when ``value`` is a NI number in any case and spacing."""
    try:
        normalise_ni_number(value)
    except ValueError:
        return False
    return True


def make_ni_number(prefix: str, digits: int, suffix: str) -> str:
    """The canonical NI number of ``prefix`` + ``digits`` (0-999999) + ``suffix``; ValueError if invalid."""
    if not 0 <= digits <= 999_999:
        raise ValueError("digits must be 0..999999")
    value = f"{prefix}{digits:06d}{suffix}"
    problem = ni_number_problem(value)
    if problem:
        raise ValueError(problem)
    return value
