"""Time arithmetic of the generator: integer epoch seconds and day ordinals, formatted fast.

The generator works in whole seconds since 1970 (UTC) and in ``date.toordinal()`` days, never in
``datetime`` objects per record; these helpers convert at the edges. Formatting is cached per day,
which makes ``iso`` about ten times faster than ``datetime.isoformat`` for minute-aligned times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

MIN = 60
HOUR = 3600
DAY = 86400
EPOCH_ORD = date(1970, 1, 1).toordinal()
HISTORY_START = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
TEN_YEARS_DAYS = 3654  # at least ten whole years, whatever the leap days
SIXTEEN_YEARS_DAYS = 5845

_DAY_STR: dict[int, str] = {}  # days since 1970 -> "YYYY-MM-DD" (bounded by the calendar span used)
_HHMM = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))


def day_str(day: int) -> str:
    s = _DAY_STR.get(day)
    if s is None:
        s = _DAY_STR[day] = date.fromordinal(day + EPOCH_ORD).isoformat()
    return s


def iso(ts: int) -> str:
    """``datetime.fromtimestamp(ts, UTC).isoformat()`` for minute-aligned ``ts``, about 10x faster."""
    day, rem = divmod(ts, DAY)
    if rem % MIN:
        return datetime.fromtimestamp(ts, UTC).isoformat()
    return f"{_DAY_STR.get(day) or day_str(day)}T{_HHMM[rem // MIN]}:00+00:00"


def year_of(ts: int) -> int:
    return int(day_str(ts // DAY)[:4])


def date_iso(ordinal: int) -> str:
    return day_str(ordinal - EPOCH_ORD)


def ts_of_ord(ordinal: int) -> int:
    return (ordinal - EPOCH_ORD) * DAY


def ord_of_ts(ts: int) -> int:
    return ts // DAY + EPOCH_ORD


def add_years(ordinal: int, years: int) -> int:
    d = date.fromordinal(ordinal)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).toordinal()


def age_on(dob_ord: int, ts: int) -> int:
    b = date.fromordinal(dob_ord)
    d = date.fromordinal(ord_of_ts(ts))
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))
