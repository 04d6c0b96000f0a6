"""The PACE rules as pure functions, at the boundary minute on both sides."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from simulators.custody import clock as pace

T0 = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)  # arrival = relevant time
AUTH = T0 + timedelta(minutes=15)
H = timedelta(hours=1)
M = timedelta(minutes=1)
FAR = T0 + timedelta(days=30)  # "now" far enough ahead that nothing is in the future


def det(**kw) -> pace.Detention:
    base = pace.Detention(arrested_at=T0 - 30 * M, arrived_at=T0, relevant_time=T0, authorised_at=AUTH)
    return replace(base, **kw)


def reviewed(*times: datetime) -> pace.Detention:
    return det(reviews=tuple(times), last_event_at=max((AUTH, *times)))


# ------------------------------------------------------------------------------- relevant time


def test_relevant_time_is_arrival_in_the_general_case():
    assert pace.relevant_time(T0 - 2 * H, T0) == T0


@pytest.mark.parametrize(
    ("travel", "expected_offset"),
    [
        (timedelta(hours=23, minutes=59), timedelta(hours=23, minutes=59)),  # arrival first
        (timedelta(hours=24), timedelta(hours=24)),  # the same instant
        (timedelta(hours=24, minutes=1), timedelta(hours=24)),  # 24 h after arrest comes first
    ],
)
def test_relevant_time_outside_force_area_is_earlier_of_arrival_and_24h(travel, expected_offset):
    arrest = T0
    assert (
        pace.relevant_time(arrest, arrest + travel, arrested_outside_force_area=True)
        == arrest + expected_offset
    )


def test_relevant_time_voluntary_attender_is_arrest():
    assert pace.relevant_time(T0, T0 + H, voluntary_attendance=True) == T0


# ------------------------------------------------------------------------------------- limits


@pytest.mark.parametrize(("offset", "overdue"), [(24 * H - M, False), (24 * H, False), (24 * H + M, True)])
def test_24h_limit_boundary(offset, overdue):
    c = pace.compute_clock(det(reviews=(AUTH + 5 * H, AUTH + 14 * H, AUTH + 23 * H)), T0 + offset)
    assert c.detention_limit == T0 + 24 * H
    assert c.limit_basis == "24h"
    assert c.detention_overdue is overdue
    assert ("PACE-s41-24h" in c.rules) is overdue
    assert c.time_remaining_seconds == int((24 * H - offset).total_seconds())


def test_limits_follow_extension_then_warrants():
    ext = pace.Extension(T0 + 20 * H, T0 + 36 * H)
    w1 = pace.Warrant(T0 + 35 * H, T0 + 35 * H + 30 * M, T0 + 60 * H)
    d = det(extensions=(ext,))
    assert pace.detention_limit(d) == (T0 + 36 * H, "superintendent_extension")
    assert pace.detention_limit(replace(d, warrants=(w1,))) == (T0 + 60 * H, "warrant")
    c = pace.compute_clock(replace(d, warrants=(w1,)), T0 + 60 * H + M)
    assert c.detention_overdue and c.absolute_limit == T0 + 96 * H


def test_released_clock_stops_at_release():
    d = det(released_at=T0 + 25 * H)
    c = pace.compute_clock(d, FAR)
    assert c.as_at == T0 + 25 * H and not c.running and c.detention_overdue
    assert c.next_review_due is None and c.review_due_in_seconds is None


# ------------------------------------------------------------------------------------ reviews


@pytest.mark.parametrize(("offset", "overdue"), [(6 * H - M, False), (6 * H, False), (6 * H + M, True)])
def test_first_review_due_6h_after_authorisation(offset, overdue):
    c = pace.compute_clock(det(), AUTH + offset)
    assert c.next_review_due == AUTH + 6 * H
    assert c.reviews_overdue is overdue
    assert ("PACE-s40-review" in c.rules) is overdue


@pytest.mark.parametrize(("offset", "overdue"), [(9 * H - M, False), (9 * H, False), (9 * H + M, True)])
def test_later_reviews_due_9h_after_the_previous(offset, overdue):
    first = AUTH + 4 * H  # early: the next is due 9 h after it
    c = pace.compute_clock(reviewed(first), first + offset)
    assert c.next_review_due == first + 9 * H
    assert c.reviews_overdue is overdue


def test_postponed_review_does_not_move_the_schedule():
    late = AUTH + 7 * H  # due at +6 h
    assert pace.review_due_times(AUTH, [late]) == [AUTH + 6 * H, AUTH + 15 * H]


def test_no_review_clock_before_authorisation():
    c = pace.compute_clock(det(authorised_at=None), T0 + 10 * H)
    assert c.next_review_due is None and not c.reviews_overdue


@pytest.mark.parametrize(
    ("offset", "rule"), [(6 * H - M, None), (6 * H, None), (6 * H + M, "PACE-s40-postponement")]
)
def test_late_review_needs_a_postponement_reason(offset, rule):
    b = pace.check_review(
        det(), AUTH + offset, "inspector", involved=False, postponement_reason=None, now=FAR
    )
    assert (b.rule if b else None) == rule
    assert (
        pace.check_review(
            det(),
            AUTH + offset,
            "inspector",
            involved=False,
            postponement_reason="Inspector at a firearms incident",
            now=FAR,
        )
        is None
    )


@pytest.mark.parametrize(
    ("rank", "ok"), [("sergeant", False), ("inspector", True), ("chief_superintendent", True)]
)
def test_review_rank(rank, ok):
    b = pace.check_review(det(), AUTH + H, rank, involved=False, postponement_reason=None, now=FAR)
    assert (b is None) is ok
    if not ok:
        assert b.rule == "PACE-s40-review-rank"


def test_review_by_involved_officer_refused():
    b = pace.check_review(det(), AUTH + H, "inspector", involved=True, postponement_reason=None, now=FAR)
    assert b.rule == "PACE-s40-review-rank"


def test_review_after_release_is_409():
    b = pace.check_review(
        det(released_at=AUTH + 2 * H),
        AUTH + 3 * H,
        "inspector",
        involved=False,
        postponement_reason=None,
        now=FAR,
    )
    assert b.rule == "PACE-s40-review-after-release" and b.status == 409


def test_review_needs_authorisation_and_order():
    assert (
        pace.check_review(
            det(authorised_at=None), AUTH, "inspector", involved=False, postponement_reason=None, now=FAR
        ).rule
        == "CUS-NOT-AUTHORISED"
    )
    assert (
        pace.check_review(
            det(), AUTH - M, "inspector", involved=False, postponement_reason=None, now=FAR
        ).rule
        == "CUS-TIME-ORDER"
    )
    assert (
        pace.check_review(
            reviewed(AUTH + 3 * H),
            AUTH + 2 * H,
            "inspector",
            involved=False,
            postponement_reason=None,
            now=FAR,
        ).rule
        == "CUS-TIME-ORDER"
    )
    assert (
        pace.check_review(
            det(),
            AUTH + H,
            "inspector",
            involved=False,
            postponement_reason=None,
            now=AUTH + H - timedelta(seconds=1),
        ).rule
        == "CUS-TIME-FUTURE"
    )


# ------------------------------------------------------------------------------- authorisation


@pytest.mark.parametrize(
    ("rank", "ok"), [("constable", False), ("police_staff", False), ("sergeant", True), ("inspector", True)]
)
def test_authorisation_rank(rank, ok):
    b = pace.check_authorisation(det(authorised_at=None), T0 + 10 * M, rank, FAR)
    assert (b is None) is ok
    if not ok:
        assert b.rule == "PACE-s37-authorisation"


def test_authorisation_once_and_in_time():
    assert pace.check_authorisation(det(), AUTH + M, "sergeant", FAR).rule == "CUS-ALREADY-AUTHORISED"
    fresh = det(authorised_at=None)
    assert pace.check_authorisation(fresh, T0 - M, "sergeant", FAR).rule == "CUS-TIME-ORDER"
    assert pace.check_authorisation(fresh, T0, "sergeant", FAR) is None
    assert pace.check_authorisation(fresh, T0 + 24 * H, "sergeant", FAR) is None
    assert pace.check_authorisation(fresh, T0 + 24 * H + M, "sergeant", FAR).rule == "PACE-s41-24h"
    assert pace.check_authorisation(fresh, T0 + H, "sergeant", T0 + H - M).rule == "CUS-TIME-FUTURE"


# ---------------------------------------------------------------------------------- extensions

TWO = reviewed(AUTH + 6 * H, AUTH + 15 * H)  # second review at 15:15 after T0


def ext(
    d: pace.Detention, at: datetime, until: datetime, rank: str = "superintendent", indictable: bool = True
):
    return pace.check_extension(d, at, until, rank, indictable=indictable, now=FAR)


@pytest.mark.parametrize(
    ("rank", "ok"),
    [("inspector", False), ("chief_inspector", False), ("superintendent", True), ("chief_constable", True)],
)
def test_extension_rank(rank, ok):
    b = ext(TWO, T0 + 20 * H, T0 + 36 * H, rank)
    assert (b is None) is ok
    if not ok:
        assert b.rule == "PACE-s42-rank"


@pytest.mark.parametrize(("offset", "ok"), [(24 * H - M, True), (24 * H, True), (24 * H + M, False)])
def test_extension_not_more_than_24h_after_relevant_time(offset, ok):
    b = ext(TWO, T0 + offset, T0 + 36 * H)
    assert (b is None) is ok
    if not ok:
        assert b.rule == "PACE-s42-timing"


@pytest.mark.parametrize(
    ("until", "rule"), [(36 * H - M, None), (36 * H, None), (36 * H + M, "PACE-s42-max36")]
)
def test_extension_max_36h(until, rule):
    b = ext(TWO, T0 + 20 * H, T0 + until)
    assert (b.rule if b else None) == rule


def test_extension_not_before_second_review():
    one = reviewed(AUTH + 6 * H)
    assert ext(one, T0 + 20 * H, T0 + 36 * H).rule == "PACE-s42-timing"
    second = AUTH + 15 * H
    assert ext(TWO, second, T0 + 36 * H) is None  # at the second review itself
    assert ext(TWO, second - M, T0 + 36 * H).rule in ("CUS-TIME-ORDER", "PACE-s42-timing")


def test_extension_other_rules():
    assert ext(TWO, T0 + 20 * H, T0 + 36 * H, indictable=False).rule == "PACE-s42-indictable"
    assert ext(TWO, T0 + 20 * H, T0 + 24 * H).rule == "PACE-s42-extends"
    assert ext(det(authorised_at=None), T0 + 20 * H, T0 + 36 * H).rule == "CUS-NOT-AUTHORISED"
    closed = replace(TWO, released_at=T0 + 21 * H)
    b = ext(closed, T0 + 20 * H, T0 + 36 * H)
    assert b.rule == "CUS-CLOSED" and b.status == 409


def test_further_extension_within_36h_while_extended():
    first = pace.Extension(T0 + 20 * H, T0 + 30 * H)
    d = replace(TWO, extensions=(first,), last_event_at=T0 + 20 * H)
    assert ext(d, T0 + 29 * H, T0 + 36 * H) is None  # s.42(2): after 24 h, while the extension runs
    assert ext(d, T0 + 30 * H + M, T0 + 36 * H).rule == "PACE-s42-timing"  # the extension had run out


def test_no_extension_once_a_warrant_is_issued():
    w = pace.Warrant(T0 + 20 * H, T0 + 21 * H, T0 + 50 * H)
    d = replace(TWO, warrants=(w,), last_event_at=T0 + 21 * H)
    assert ext(d, T0 + 22 * H, T0 + 36 * H).rule == "PACE-s42-timing"


# ------------------------------------------------------------------------------------ warrants

EXTENDED = replace(TWO, extensions=(pace.Extension(T0 + 20 * H, T0 + 36 * H),), last_event_at=T0 + 20 * H)


def wfd(d: pace.Detention, applied: datetime, issued: datetime, until: datetime, no_court: bool = False):
    return pace.check_warrant(d, applied, issued, until, no_court_sitting=no_court, now=FAR)


@pytest.mark.parametrize(
    ("applied", "no_court", "rule"),
    [
        (36 * H - M, False, None),
        (36 * H, False, None),
        (36 * H + M, False, "PACE-s43-warrant"),
        (42 * H, True, None),
        (42 * H + M, True, "PACE-s43-warrant"),
    ],
)
def test_warrant_application_by_36h_or_42h_without_court(applied, no_court, rule):
    b = wfd(EXTENDED, T0 + applied, T0 + applied, T0 + applied + 30 * H, no_court)
    assert (b.rule if b else None) == rule


@pytest.mark.parametrize(
    ("length", "rule"), [(36 * H - M, None), (36 * H, None), (36 * H + M, "PACE-s43-warrant")]
)
def test_warrant_lasts_at_most_36h(length, rule):
    issued = T0 + 35 * H
    b = wfd(EXTENDED, T0 + 34 * H, issued, issued + length)
    assert (b.rule if b else None) == rule


def _with_warrants(*ws: pace.Warrant) -> pace.Detention:
    return replace(EXTENDED, warrants=ws, last_event_at=max(w.issued_at for w in ws))


@pytest.mark.parametrize(
    ("until", "rule"), [(96 * H - M, None), (96 * H, None), (96 * H + M, "PACE-s44-96h")]
)
def test_never_beyond_96h(until, rule):
    w1 = pace.Warrant(T0 + 34 * H, T0 + 35 * H, T0 + 71 * H)
    b = wfd(_with_warrants(w1), T0 + 65 * H, T0 + 66 * H, T0 + until)
    assert (b.rule if b else None) == rule


@pytest.mark.parametrize(
    ("applied", "rule"), [(71 * H - M, None), (71 * H, None), (71 * H + M, "PACE-s43-warrant")]
)
def test_further_warrant_applied_for_while_the_current_runs(applied, rule):
    w1 = pace.Warrant(T0 + 34 * H, T0 + 35 * H, T0 + 71 * H)
    b = wfd(_with_warrants(w1), T0 + applied, T0 + applied, T0 + 90 * H)
    assert (b.rule if b else None) == rule


def test_warrant_other_rules():
    assert wfd(EXTENDED, T0 + 30 * H, T0 + 29 * H, T0 + 50 * H).rule == "CUS-TIME-ORDER"
    # a first warrant may end before the extension it replaces (test_pace_cases.py), not before its issue
    assert wfd(EXTENDED, T0 + 30 * H, T0 + 31 * H, T0 + 31 * H).rule == "PACE-s43-warrant"
    assert (
        pace.check_warrant(
            EXTENDED, T0 + 30 * H, T0 + 31 * H, T0 + 50 * H, no_court_sitting=False, now=T0 + 30 * H + 30 * M
        ).rule
        == "CUS-TIME-FUTURE"
    )
    assert wfd(det(authorised_at=None), T0 + 30 * H, T0 + 31 * H, T0 + 50 * H).rule == "CUS-NOT-AUTHORISED"


# ------------------------------------------------------------------------------------- outcome


def test_outcome_rules():
    d = det()
    out = pace.check_outcome
    assert out(d, AUTH + H, AUTH + H, "sergeant", outcome_type="no_further_action", now=FAR) is None
    assert (
        out(d, AUTH + H, AUTH + H, "constable", outcome_type="no_further_action", now=FAR).rule
        == "CUS-OUTCOME-RANK"
    )
    assert (
        out(d, AUTH + H, AUTH + H, "sergeant", outcome_type="charged", now=FAR).rule == "CUS-OUTCOME-CHARGES"
    )
    assert (
        out(d, AUTH + H, AUTH + H - M, "sergeant", outcome_type="cautioned", now=FAR).rule == "CUS-TIME-ORDER"
    )
    assert (
        out(d, AUTH + H, AUTH + 2 * H, "sergeant", outcome_type="cautioned", now=AUTH + H + M).rule
        == "CUS-TIME-FUTURE"
    )
    closed = det(released_at=AUTH + H)
    assert (
        out(closed, AUTH + 2 * H, AUTH + 2 * H, "sergeant", outcome_type="cautioned", now=FAR).status == 409
    )
    # a release past the limit is never refused: the clock shows it
    assert out(d, T0 + 30 * H, T0 + 30 * H, "sergeant", outcome_type="no_further_action", now=FAR) is None


@pytest.mark.parametrize(
    ("decided", "ret", "ok"),
    [
        (date(2025, 3, 4), date(2025, 6, 4), True),
        (date(2025, 3, 4), date(2025, 6, 5), False),
        (date(2025, 11, 30), date(2026, 2, 28), True),  # clamped to the month's end
        (date(2025, 11, 30), date(2026, 3, 1), False),
    ],
)
def test_initial_bail_period_3_months(decided, ret, ok):
    at = datetime(decided.year, decided.month, decided.day, 12, tzinfo=UTC)
    d = det(arrived_at=T0, authorised_at=None)
    b = pace.check_outcome(
        d,
        at,
        at,
        "sergeant",
        outcome_type="bailed",
        bail_return_date=ret,
        now=datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert (b is None) is ok
    if not ok:
        assert b.rule == "PACE-s47ZB-bail-period"


def test_every_rule_id_is_documented():
    import inspect

    source = inspect.getsource(pace)
    import re

    used = set(re.findall(r'"((?:PACE|CUS)-[A-Za-z0-9-]+)"', source))
    assert used <= set(pace.RULES), used - set(pace.RULES)


def test_rank_order():
    assert pace.rank_at_least("superintendent", "inspector")
    assert not pace.rank_at_least("inspector", "superintendent")
    assert not pace.rank_at_least("wizard", "constable")
