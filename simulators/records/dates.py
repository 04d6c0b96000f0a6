"""Full and partial dates (dates of birth): validity, "not in the future", and compatibility.

A date of birth may be known only to the year or month (`1985`, `1985-03`). Two dates are
*compatible* when one is a prefix of the other: a search for `1985-03-04` finds a record held as
`1985`, and a search for `1985` finds `1985-03-04`.
"""

from __future__ import annotations

from datetime import date

from simulators.core.problems import Problem

EARLIEST_YEAR = 1900


def parse_partial(value: str) -> tuple[int, int | None, int | None]:
    """(year, month, day) of a YYYY[-MM[-DD]] string; ValueError if it is not a real date."""
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError("not YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else None
    day = int(parts[2]) if len(parts) > 2 else None
    date(year, month or 1, day or 1)  # raises ValueError for 2023-02-30 and month 13
    return year, month, day


def earliest_day(value: str) -> date:
    year, month, day = parse_partial(value)
    return date(year, month or 1, day or 1)


def check_partial_date(value: str, field: str, today: date, *, is_birth: bool = True) -> None:
    """400 unless `value` is a real (full or partial) date, not after `today`, and (births) from 1900."""
    try:
        first = earliest_day(value)
    except ValueError as exc:
        raise Problem(
            "validation-error",
            f"{field} {value!r} is not a real date.",
            rule="RMS-DAT-001",
            errors=[{"field": field, "message": str(exc)}],
        ) from exc
    if first > today:
        raise Problem(
            "validation-error",
            f"{field} {value} is in the future.",
            rule="RMS-DAT-002",
            errors=[{"field": field, "message": "may not be in the future"}],
        )
    if is_birth and first.year < EARLIEST_YEAR:
        raise Problem(
            "validation-error",
            f"{field} {value} is before {EARLIEST_YEAR}.",
            rule="RMS-DAT-003",
            errors=[{"field": field, "message": f"must be {EARLIEST_YEAR} or later"}],
        )


def compatible(stored: str | None, query: str) -> str | None:
    """ "exact" when equal, "partial" when one is a prefix of the other, else None."""
    if not stored:
        return None
    if stored == query:
        return "exact"
    if stored.startswith(query) or query.startswith(stored):
        return "partial"
    return None


def prefixes(value: str) -> list[str]:
    """The coarser forms of a date: "1985-03-04" -> ["1985", "1985-03"]."""
    out = []
    if len(value) >= 7:
        out.append(value[:4])
    if len(value) == 10:
        out.append(value[:7])
    return out


def age_on(date_of_birth: str | None, on: date) -> int | None:
    """Age in whole years on a day; None unless the date of birth is full."""
    if not date_of_birth or len(date_of_birth) != 10:
        return None
    try:
        born = date.fromisoformat(date_of_birth)
    except ValueError:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
