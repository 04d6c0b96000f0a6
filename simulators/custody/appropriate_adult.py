"""Juveniles and vulnerable adults in custody: who needs an appropriate adult (Code C 1.5, 3.15).

Pure functions, like clock.py. A detainee is a juvenile when under 18 at arrival at the station by
their date of birth (or treated as one when they appear to be, `appears_juvenile`); vulnerable when
the custody officer records so. Their appropriate adult must be informed as soon as practicable and,
in any case, before they are charged (`PACE-CodeC-appropriate-adult`, docs/domain.md 2.5).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from simulators.custody.clock import Breach, Detention, _check_open, _fmt, check_not_future, check_order

JUVENILE_UNDER = 18  # Code C 1.5
UK = ZoneInfo("Europe/London")  # birthdays fall on local days


def full_date(value: str | None) -> date | None:
    """A full YYYY-MM-DD date of birth; None for a partial or missing one (age then unknown)."""
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def eighteenth_birthday(dob: date) -> date:
    """The day a person born on `dob` turns 18 (29 February birthdays: 1 March in common years)."""
    try:
        return dob.replace(year=dob.year + JUVENILE_UNDER)
    except ValueError:
        return date(dob.year + JUVENILE_UNDER, 3, 1)


def age_on(date_of_birth: str | None, at: datetime) -> int | None:
    """Age in whole years at `at` (UK local day), or None when the date of birth is partial."""
    dob = full_date(date_of_birth)
    if dob is None:
        return None
    day = at.astimezone(UK).date()
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def is_juvenile(date_of_birth: str | None, at: datetime, *, appears_juvenile: bool = False) -> bool:
    """Under 18 at `at` (UK local day), or treated as a juvenile because they appear to be."""
    dob = full_date(date_of_birth)
    if dob is None:
        return appears_juvenile
    return at.astimezone(UK).date() < eighteenth_birthday(dob) or appears_juvenile


def check_appropriate_adult(d: Detention, informed_at: datetime, now: datetime) -> Breach | None:
    """The adult is told of the grounds for detention: not before arrival, not in the future."""
    return (
        _check_open(d, "an appropriate adult")
        or check_not_future(informed_at, now, "informed_at")
        or check_order(d.arrived_at, informed_at, "arrived_at", "informed_at")
    )


def check_informed_before_charge(
    needs_adult: bool, informed: list[datetime], charged_at: datetime
) -> Breach | None:
    """PACE-CodeC-appropriate-adult: a juvenile or vulnerable detainee is charged only once their
    appropriate adult has been informed (at or before the charge)."""
    if not needs_adult:
        return None
    if any(at <= charged_at for at in informed):
        return None
    when = f" (informed at {_fmt(min(informed))}, after the charge)" if informed else ""
    return Breach(
        "PACE-CodeC-appropriate-adult",
        "A juvenile or vulnerable detainee is charged only once an appropriate adult has been "
        f"informed{when}: record the appropriate adult first.",
        "charged_at",
    )
