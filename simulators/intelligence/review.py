"""MoPI review dates on intelligence reports (docs/domain.md 3.4).

Records are "normally held for a minimum of six years" and reviews of serious matters come
"every 10 years" (UNCONFIRMED group periods), so this range's convention is:

* a report without a review date gets one six years after it is submitted;
* a review date set by a submission or a change is not in the past (MOPI-review-date-past) and at
  most ten years ahead (MOPI-review-interval);
* a report whose review date has passed is `review_overdue` (historic reports may be).
"""

from __future__ import annotations

from datetime import date

from simulators.intelligence.rules import Violation

DEFAULT_REVIEW_YEARS = 6
MAX_REVIEW_YEARS = 10


def add_years(day: date, years: int) -> date:
    """`day` moved by whole years (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_review_date(today: date) -> date:
    return add_years(today, DEFAULT_REVIEW_YEARS)


def check_review_date(review_date: date, today: date) -> list[Violation]:
    """Rules for a review date being set today."""
    if review_date < today:
        return [
            Violation(
                "MOPI-review-date-past",
                "review_date",
                f"the review date {review_date.isoformat()} is in the past (today is {today.isoformat()})",
            )
        ]
    latest = add_years(today, MAX_REVIEW_YEARS)
    if review_date > latest:
        return [
            Violation(
                "MOPI-review-interval",
                "review_date",
                f"the review date may be at most {MAX_REVIEW_YEARS} years ahead ({latest.isoformat()})",
            )
        ]
    return []


def review_overdue(review_date: date, today: date) -> bool:
    return review_date < today
