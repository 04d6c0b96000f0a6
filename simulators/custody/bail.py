"""The pre-charge bail clock and a return to detention from bail (PACE s.47ZB-47ZF, s.46A, s.47(6)).

Pure functions, like clock.py. From 28 October 2022 (docs/domain.md 2.3): the custody officer bails
for at most 3 months from the bail day; an inspector or above may extend to 6 months, a
superintendent or above to 9 months; beyond that only a magistrates' court. A person who answers
bail (s.47(6)) or is arrested for breaking it (s.46A) goes back onto the earlier detention clock:
the time already spent in police detention counts, and after an s.46A arrest the clock is paused
for the first 3 h (PCSC Act 2022).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from simulators.custody.clock import BAIL_BREACH_PAUSE, INITIAL_BAIL_MONTHS, Breach, add_months, rank_at_least

INSPECTOR_MONTHS = 6  # s.47ZD
SUPERINTENDENT_MONTHS = 9  # s.47ZE
#: Why the person is back: answering bail (s.47(6)) or arrested under s.46A (paused 3 h).
RETURN_REASONS = ("answered_bail", "breach_of_bail_conditions", "failed_to_answer_bail")
PAUSED_REASONS = ("breach_of_bail_conditions", "failed_to_answer_bail")


@dataclass(frozen=True)
class BailLimits:
    """The last return day each authority may set, counted from the bail day."""

    bail_day: date
    custody_officer: date
    inspector: date
    superintendent: date


def bail_limits(bail_day: date) -> BailLimits:
    return BailLimits(
        bail_day,
        add_months(bail_day, INITIAL_BAIL_MONTHS),
        add_months(bail_day, INSPECTOR_MONTHS),
        add_months(bail_day, SUPERINTENDENT_MONTHS),
    )


def check_bail_extension(
    bail_day: date, current_return: date, until: date, rank: str, *, court_ordered: bool
) -> Breach | None:
    """Extend pre-charge bail to `until`: later than the current day; the rank its length needs."""
    if until <= current_return:
        return Breach(
            "PACE-s47ZD-bail-extension",
            f"An extension runs to a later day than the current return day {current_return.isoformat()}; "
            f"asked for {until.isoformat()}.",
            "until",
        )
    limits = bail_limits(bail_day)
    if court_ordered:
        return None
    if until > limits.superintendent:
        return Breach(
            "PACE-s47ZF-bail-court",
            f"Pre-charge bail beyond 9 months (after {limits.superintendent.isoformat()}) is extended "
            "only by a magistrates' court (court).",
            "until",
        )
    if until > limits.inspector and not rank_at_least(rank, "superintendent"):
        return Breach(
            "PACE-s47ZD-bail-extension",
            f"Bail beyond 6 months (after {limits.inspector.isoformat()}) is extended by a superintendent "
            f"or above; the officer is a {rank}.",
            "authorised_by.rank",
        )
    if not rank_at_least(rank, "inspector"):
        return Breach(
            "PACE-s47ZD-bail-extension",
            f"Pre-charge bail is extended by an inspector or above; the officer is a {rank}.",
            "authorised_by.rank",
        )
    return None


def time_used(relevant_time: datetime, released_at: datetime) -> timedelta:
    """Time spent in police detention on the earlier clock (never negative)."""
    return max(released_at - relevant_time, timedelta(0))


def pause_for(reason: str) -> timedelta:
    """The 3 h pause after an arrest for breach of bail or failing to answer it; none on answering."""
    return BAIL_BREACH_PAUSE if reason in PAUSED_REASONS else timedelta(0)


def resumed_relevant_time(arrived_at: datetime, used: timedelta, reason: str) -> datetime:
    """The relevant time of the resumed clock (PACE-s47-6-time-used): the clock stands at `used` on
    arrival, and for an s.46A arrest does not run for the first 3 h."""
    return arrived_at + pause_for(reason) - used
