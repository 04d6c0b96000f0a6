"""The PACE cases added in issue 23, as pure functions at the boundary minute on both sides:
a warrant shorter than a running extension, detention after charge, juveniles and vulnerable
adults, the pre-charge bail clock and a return from bail (docs/domain.md 2.1, 2.2, 2.3, 2.5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from simulators.custody import appropriate_adult, bail, charge
from simulators.custody import clock as pace
from tests.custody.test_clock import AUTH, EXTENDED, FAR, T0, TWO, H, M, det, reviewed, wfd

# ------------------------------------------------------ a warrant runs from its issue (s.43)


def test_a_warrant_shorter_than_the_running_extension_is_accepted():
    # extended to 36 h at 20 h; a warrant issued at 30 h for 5 h ends before the extension would
    assert wfd(EXTENDED, T0 + 29 * H, T0 + 30 * H, T0 + 35 * H) is None


@pytest.mark.parametrize(("offset", "overdue"), [(35 * H - M, False), (35 * H, False), (35 * H + M, True)])
def test_the_unused_balance_of_the_extension_is_lost(offset, overdue):
    w = pace.Warrant(T0 + 29 * H, T0 + 30 * H, T0 + 35 * H)
    d = replace(EXTENDED, warrants=(w,), last_event_at=w.issued_at)
    assert pace.detention_limit(d) == (T0 + 35 * H, "warrant")  # not the extension's 36 h
    c = pace.compute_clock(d, T0 + offset)
    assert c.detention_overdue is overdue
    assert ("PACE-s41-24h" in c.rules) is overdue


def test_a_further_warrant_must_still_extend_the_current_one():
    w = pace.Warrant(T0 + 29 * H, T0 + 30 * H, T0 + 35 * H)
    d = replace(EXTENDED, warrants=(w,), last_event_at=w.issued_at)
    assert wfd(d, T0 + 34 * H, T0 + 34 * H, T0 + 35 * H).rule == "PACE-s43-warrant"
    assert wfd(d, T0 + 34 * H, T0 + 34 * H, T0 + 35 * H + M) is None


def test_a_warrant_ends_after_its_issue():
    assert wfd(EXTENDED, T0 + 29 * H, T0 + 30 * H, T0 + 30 * H).rule == "PACE-s43-warrant"
    assert wfd(EXTENDED, T0 + 29 * H, T0 + 30 * H, T0 + 30 * H + M) is None


# ---------------------------------------------------------------- detention after charge (s.38)

CHARGED_AT = AUTH + 10 * H


def charged(*reviews: datetime) -> pace.Detention:
    """Reviewed at 6 h, charged at 10 h after authorisation, then the given reviews."""
    times = (AUTH + 6 * H, *reviews)
    return det(reviews=times, charged_at=CHARGED_AT, last_event_at=max((CHARGED_AT, *times)))


def review(d: pace.Detention, at: datetime, rank: str = "sergeant", reason: str | None = None):
    return pace.check_review(d, at, rank, involved=False, postponement_reason=reason, now=FAR)


@pytest.mark.parametrize(("rank", "ok"), [("constable", False), ("sergeant", True), ("inspector", True)])
def test_after_charge_the_custody_officer_reviews(rank, ok):
    b = review(charged(), CHARGED_AT + H, rank)
    assert (b is None) is ok
    if not ok:
        assert b.rule == "PACE-s40-after-charge"


def test_before_charge_a_sergeant_may_not_review():
    assert review(reviewed(), AUTH + 5 * H).rule == "PACE-s40-review-rank"
    # and a review cannot be back-dated before the charge already recorded
    assert review(charged(), CHARGED_AT - M).rule == "CUS-TIME-ORDER"
    assert review(charged(), CHARGED_AT) is None


@pytest.mark.parametrize(
    ("offset", "rule"), [(9 * H - M, None), (9 * H, None), (9 * H + M, "PACE-s40-postponement")]
)
def test_reviews_after_charge_keep_the_9h_interval(offset, rule):
    due = AUTH + 6 * H + 9 * H  # the schedule runs on through the charge
    b = review(charged(), AUTH + 6 * H + offset)
    assert (b.rule if b else None) == rule
    assert pace.next_review_due(charged()) == due


@pytest.mark.parametrize(("charge_at", "overdue"), [(24 * H - M, False), (24 * H, False), (24 * H + M, True)])
def test_the_pre_charge_limit_is_judged_at_the_charge(charge_at, overdue):
    d = det(reviews=(AUTH + 5 * H, AUTH + 14 * H), charged_at=T0 + charge_at)
    c = pace.compute_clock(d, T0 + 40 * H)  # long after 24 h, still in detention after charge
    assert c.detention_overdue is overdue
    assert c.reviews_overdue  # reviews still fall due after charge


def test_no_extension_or_warrant_after_charge():
    d = replace(TWO, charged_at=T0 + 19 * H, last_event_at=T0 + 19 * H)
    assert pace.check_extension(
        d, T0 + 20 * H, T0 + 36 * H, "superintendent", indictable=True, now=FAR
    ).rule == ("PACE-s41-after-charge")
    assert wfd(d, T0 + 20 * H, T0 + 21 * H, T0 + 40 * H).rule == "PACE-s41-after-charge"


def _charge(d: pace.Detention, at: datetime, rank: str = "sergeant", **kw):
    args = {
        "charges": [{"cjs_code": "TH68010", "title": "Theft from a shop"}],
        "juvenile": False,
        "vulnerable": False,
        "adult_informed": [],
        "accommodation": None,
        "now": FAR,
        **kw,
    }
    return charge.check_charge(d, at, rank, **args)


def test_charge_rules():
    d = reviewed(AUTH + 5 * H)
    assert _charge(d, AUTH + 6 * H) is None
    assert _charge(d, AUTH + 6 * H, rank="constable").rule == "CUS-OUTCOME-RANK"
    assert _charge(d, AUTH + 6 * H, charges=[]).rule == "CUS-OUTCOME-CHARGES"
    assert _charge(d, AUTH + 5 * H - M).rule == "CUS-TIME-ORDER"
    assert _charge(det(authorised_at=None), T0 + H).rule == "CUS-NOT-AUTHORISED"
    again = _charge(replace(d, charged_at=AUTH + 6 * H), AUTH + 7 * H)
    assert again.rule == "CUS-ALREADY-CHARGED" and again.status == 409
    assert _charge(replace(d, released_at=AUTH + 6 * H), AUTH + 7 * H).status == 409


# ------------------------------------------------- juveniles and vulnerable adults (Code C 3.15)


@pytest.mark.parametrize(
    ("arrival", "juvenile"),
    [
        (datetime(2025, 1, 14, 23, 59, tzinfo=UTC), True),  # the last minute of being 17
        (datetime(2025, 1, 15, 0, 0, tzinfo=UTC), False),  # 18th birthday (GMT)
        (datetime(2025, 7, 14, 22, 59, tzinfo=UTC), True),  # 23:59 BST on the eve of 18
        (datetime(2025, 7, 14, 23, 0, tzinfo=UTC), False),  # 00:00 BST: 18
    ],
)
def test_juvenile_until_the_18th_birthday_in_uk_time(arrival, juvenile):
    dob = "2007-01-15" if arrival.month == 1 else "2007-07-15"
    assert appropriate_adult.is_juvenile(dob, arrival) is juvenile


def test_juvenile_when_they_appear_so_or_age_unknown():
    at = datetime(2025, 1, 15, tzinfo=UTC)
    assert appropriate_adult.is_juvenile("1990-01-01", at, appears_juvenile=True)
    assert not appropriate_adult.is_juvenile("2007", at)  # partial date: age unknown
    assert appropriate_adult.is_juvenile("2007", at, appears_juvenile=True)
    assert appropriate_adult.eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("informed", "rule"), [(-M, None), (timedelta(0), None), (M, "PACE-CodeC-appropriate-adult")]
)
def test_a_juvenile_is_charged_only_once_the_appropriate_adult_is_informed(informed, rule):
    at = AUTH + 6 * H
    d = reviewed(AUTH + 5 * H)
    b = _charge(
        d, at, juvenile=True, adult_informed=[at + informed], accommodation={"arrangement": "transferred"}
    )
    assert (b.rule if b else None) == rule
    # the same for a vulnerable adult (no transfer needed), and with nobody informed at all
    v = _charge(d, at, vulnerable=True, adult_informed=[at + informed])
    assert (v.rule if v else None) == rule
    assert _charge(d, at, vulnerable=True).rule == "PACE-CodeC-appropriate-adult"


def test_appropriate_adult_times():
    d = det()
    assert appropriate_adult.check_appropriate_adult(d, T0 - M, FAR).rule == "CUS-TIME-ORDER"
    assert appropriate_adult.check_appropriate_adult(d, T0, FAR) is None
    assert appropriate_adult.check_appropriate_adult(d, T0 + H, T0 + H - M).rule == "CUS-TIME-FUTURE"
    assert appropriate_adult.check_appropriate_adult(det(released_at=T0 + H), T0 + H, FAR).status == 409


@pytest.mark.parametrize(
    ("accommodation", "rule"),
    [
        (None, "PACE-s38-6-transfer"),
        ({"arrangement": "transferred"}, None),
        ({"arrangement": "not_practicable"}, "PACE-s38-6-transfer"),  # a certificate gives the reason
        ({"arrangement": "not_practicable", "certificate_reason": "No placement tonight"}, None),
        ({"arrangement": "no_secure_accommodation", "certificate_reason": "Risk of serious harm"}, None),
    ],
)
def test_a_juvenile_kept_after_charge_is_transferred_or_certified(accommodation, rule):
    at = AUTH + 6 * H
    b = _charge(reviewed(AUTH + 5 * H), at, juvenile=True, adult_informed=[at], accommodation=accommodation)
    assert (b.rule if b else None) == rule


@pytest.mark.parametrize(("age", "rule"), [(11, "PACE-s38-6-transfer"), (12, None), (None, None)])
def test_no_secure_accommodation_is_certified_only_from_12(age, rule):
    at = AUTH + 6 * H
    cert = {"arrangement": "no_secure_accommodation", "certificate_reason": "Risk of serious harm"}
    b = _charge(reviewed(AUTH + 5 * H), at, juvenile=True, adult_informed=[at], accommodation=cert, age=age)
    assert (b.rule if b else None) == rule


def test_age_on_the_uk_day():
    assert appropriate_adult.age_on("2013-03-04", datetime(2025, 3, 3, 23, 59, tzinfo=UTC)) == 11
    assert appropriate_adult.age_on("2013-03-04", datetime(2025, 3, 4, 0, 0, tzinfo=UTC)) == 12
    assert appropriate_adult.age_on("2013", datetime(2025, 3, 4, tzinfo=UTC)) is None


def test_an_adult_needs_no_transfer():
    assert _charge(reviewed(AUTH + 5 * H), AUTH + 6 * H, accommodation=None) is None


# ------------------------------------------------------------ pre-charge bail (from 28 Oct 2022)

BAIL_DAY = date(2025, 3, 4)
RETURN = date(2025, 4, 1)


def extend(until: date, rank: str = "inspector", court: bool = False):
    return bail.check_bail_extension(BAIL_DAY, RETURN, until, rank, court_ordered=court)


def test_bail_limits():
    lim = bail.bail_limits(date(2025, 8, 31))
    assert (lim.custody_officer, lim.inspector, lim.superintendent) == (
        date(2025, 11, 30),
        date(2026, 2, 28),
        date(2026, 5, 31),
    )


@pytest.mark.parametrize(
    ("until", "rank", "rule"),
    [
        (date(2025, 9, 3), "sergeant", "PACE-s47ZD-bail-extension"),  # an inspector's extension
        (date(2025, 9, 3), "inspector", None),
        (date(2025, 9, 4), "inspector", None),  # 6 months from the bail day
        (date(2025, 9, 5), "inspector", "PACE-s47ZD-bail-extension"),
        (date(2025, 9, 5), "superintendent", None),
        (date(2025, 12, 4), "superintendent", None),  # 9 months
        (date(2025, 12, 5), "superintendent", "PACE-s47ZF-bail-court"),
        (date(2025, 12, 5), "chief_constable", "PACE-s47ZF-bail-court"),
    ],
)
def test_bail_extension_by_rank_and_length(until, rank, rule):
    b = extend(until, rank)
    assert (b.rule if b else None) == rule


def test_a_court_extends_beyond_9_months_and_an_extension_is_later():
    assert extend(date(2025, 12, 5), "inspector", court=True) is None
    assert extend(RETURN).rule == "PACE-s47ZD-bail-extension"
    assert extend(RETURN + timedelta(days=1)) is None


# ------------------------------------------------------ return from bail (s.47(6), s.46A, 2022)

USED = timedelta(hours=9)


@pytest.mark.parametrize(
    ("reason", "pause"),
    [("answered_bail", timedelta(0)), ("breach_of_bail_conditions", 3 * H), ("failed_to_answer_bail", 3 * H)],
)
def test_a_return_from_bail_resumes_the_clock(reason, pause):
    arrived = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
    rt = bail.resumed_relevant_time(arrived, USED, reason)
    assert rt == arrived + pause - USED
    # 24 h less the 9 h used remain from arrival, plus the 3 h pause after an s.46A arrest
    limit = arrived + 15 * H + pause
    d = pace.Detention(arrested_at=arrived - H, arrived_at=arrived, relevant_time=rt, authorised_at=arrived)
    for offset, overdue in ((-M, False), (timedelta(0), False), (M, True)):
        c = pace.compute_clock(d, limit + offset)
        assert c.detention_limit == limit and c.detention_overdue is overdue
    assert c.absolute_limit == rt + 96 * H  # the 96 h count the time already used too


def test_time_used_is_never_negative():
    at = datetime(2025, 4, 1, tzinfo=UTC)
    assert bail.time_used(at, at - H) == timedelta(0)
    assert bail.time_used(at, at + USED) == USED


def test_every_new_rule_id_is_documented():
    import inspect
    import re

    for module in (appropriate_adult, charge, bail):
        used = set(re.findall(r'"((?:PACE|CUS)-[A-Za-z0-9.-]+)"', inspect.getsource(module)))
        assert used <= set(pace.RULES), (module.__name__, used - set(pace.RULES))
