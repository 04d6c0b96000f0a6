"""The PACE detention clock and the rules every custody action must keep (PACE 1984 Part IV, Code C).

Pure functions over timezone-aware datetimes, no Flask and no database, so each rule can be tested
at the boundary minute and the same code serves the API and the population loader. A detainee
held past a limit because a clock was wrong is unlawfully detained: these functions are the one
place the numbers live.

Two clocks (docs/domain.md 2.2): the *detention clock* runs from the **relevant time** (s.41(2)); the
*review clock* runs from the **authorisation of detention** (s.40(3)).

Rule ids (stable: consumers and the harness branch on them):

==============================  ======  ======================================================
id                              status  rule
==============================  ======  ======================================================
PACE-s41-24h                    422     no detention past the current limit (24 h from the
                                        relevant time unless extended); detention cannot be
                                        authorised once the limit has passed
PACE-s37-authorisation          422     detention is authorised by a custody officer, sergeant
                                        or above
PACE-s40-review                 --      reviews: first no later than 6 h after authorisation,
                                        then at intervals of no more than 9 h (clock flag)
PACE-s40-review-rank            422     a pre-charge review is by an inspector or above who is
                                        not directly involved in the investigation
PACE-s40-postponement           422     a review later than it was due (s.40(4)) records why
PACE-s40-review-after-release   409     no review once the detainee is released
PACE-s42-rank                   422     an extension beyond 24 h is by a superintendent or above
PACE-s42-indictable             422     ... only for an indictable offence
PACE-s42-timing                 422     ... not more than 24 h after the relevant time, not
                                        before the second review, not once a warrant is issued,
                                        not after the current limit has passed
PACE-s42-max36                  422     ... to no more than 36 h after the relevant time
PACE-s42-extends                422     ... to a time later than the current limit
PACE-s43-warrant                422     a warrant of further detention: applied for before 36 h
                                        after the relevant time (+6 h if no court sits), issued
                                        for at most 36 h, ending after its issue; a further
                                        warrant (s.44) applied for while the current one runs
                                        and extending it
PACE-s43-from-issue             --      a warrant runs from its issue: once one is issued the
                                        limit is the warrant's end, and any unused balance of a
                                        superintendent's extension is lost (clock rule)
PACE-s44-96h                    422     detention never beyond 96 h after the relevant time
PACE-s47ZB-bail-period          422     pre-charge bail: initial period at most 3 months
PACE-s47ZD-bail-extension       422     bail extended to 6 months by an inspector+, to 9 months
                                        by a superintendent+ (bail.py)
PACE-s47ZF-bail-court           422     bail beyond 9 months only by a magistrates' court
PACE-s47-6-time-used            --      a return on bail (s.47(6)) or an arrest for breach of
                                        bail (s.46A) resumes the earlier clock: the time already
                                        used counts, after a 3 h pause for s.46A arrests (clock)
PACE-s40-after-charge           422     a review after charge is by the custody officer (sergeant
                                        or above), at the same intervals
PACE-s41-after-charge           422     after charge the pre-charge limits stop: no extension or
                                        warrant, and the clock's overdue flag freezes at charge
PACE-CodeC-appropriate-adult    422     a juvenile or vulnerable detainee is charged only once an
                                        appropriate adult has been informed (appropriate_adult.py)
PACE-s38-6-transfer             422     a juvenile kept in detention after charge is moved to
                                        local authority accommodation, or a certificate says why not
CUS-ALREADY-CHARGED             409     a detainee is charged once per custody record
CUS-NOT-ON-BAIL                 409     bail actions need a record released on pre-charge bail
CUS-OUTCOME-RANK                422     the outcome is decided by a custody officer (sergeant+)
CUS-OUTCOME-CHARGES             422     a charge outcome names at least one charge
CUS-NOT-AUTHORISED              422     reviews, extensions and warrants need authorised detention
CUS-ALREADY-AUTHORISED          409     detention is authorised once
CUS-CLOSED                      409     a released record is closed to changes
CUS-TIME-FUTURE                 422     a time in a request is not later than the simulated now
CUS-TIME-ORDER                  422     times are in order: arrest <= arrival <= authorisation
                                        <= reviews ... <= release
==============================  ======  ======================================================
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

BASE_LIMIT = timedelta(hours=24)  # s.41(1)
SUPT_MAX = timedelta(hours=36)  # s.42(1)
SUPT_NOT_AFTER = timedelta(hours=24)  # s.42(4)(a)
REVIEWS_BEFORE_EXTENSION = 2  # s.42(4)(b)
WFD_APPLICATION_BY = timedelta(hours=36)  # s.43(5)(a)
WFD_COURT_GRACE = timedelta(hours=6)  # s.43(5)(b)
WFD_STEP = timedelta(hours=36)  # s.43(12), s.44(3)
ABS_MAX = timedelta(hours=96)  # s.44(3)(b)
FIRST_REVIEW = timedelta(hours=6)  # s.40(3)(a)
REVIEW_INTERVAL = timedelta(hours=9)  # s.40(3)(b), (c)
OUTSIDE_AREA_CAP = timedelta(hours=24)  # s.41(2)(a)(ii)
INITIAL_BAIL_MONTHS = 3  # s.47ZB (from 28 Oct 2022)
BAIL_BREACH_PAUSE = timedelta(hours=3)  # s.47 as amended by the PCSC Act 2022 (docs/domain.md 2.3)

#: Ranks in order of seniority (the Officer schema's enum).
RANKS: tuple[str, ...] = (
    "police_staff",
    "constable",
    "sergeant",
    "inspector",
    "chief_inspector",
    "superintendent",
    "chief_superintendent",
    "assistant_chief_constable",
    "deputy_chief_constable",
    "chief_constable",
)

RULES: dict[str, str] = {
    "PACE-s41-24h": "PACE s.41: no detention without charge beyond the current limit (24 h from the relevant "
    "time unless extended under s.42, s.43 or s.44)",
    "PACE-s37-authorisation": "PACE s.37 / s.36: detention is authorised by the custody officer, a "
    "sergeant or above",
    "PACE-s40-review": "PACE s.40(3): first review no later than 6 h after detention was authorised, then at "
    "intervals of no more than 9 h",
    "PACE-s40-review-rank": "PACE s.40(1)(b): a pre-charge review is by an inspector or above not directly "
    "involved in the investigation",
    "PACE-s40-postponement": "PACE s.40(4): a review postponed past its due time records the reason",
    "PACE-s40-review-after-release": "PACE s.40: reviews apply only while the person is in police detention",
    "PACE-s42-rank": "PACE s.42(1): an extension beyond 24 h is authorised by a superintendent or above",
    "PACE-s42-indictable": "PACE s.42(1)(b): an extension beyond 24 h only for an indictable offence",
    "PACE-s42-timing": "PACE s.42(4): no extension more than 24 h after the relevant time or before the "
    "second review; none once the current limit has passed or a warrant has been issued",
    "PACE-s42-max36": "PACE s.42(1)-(2): an extension runs to no more than 36 h after the relevant time",
    "PACE-s42-extends": "PACE s.42: an extension must run to a time later than the current limit",
    "PACE-s43-warrant": "PACE s.43/s.44: a warrant of further detention is applied for before 36 h after the "
    "relevant time (or within 6 h more if no court sits) and lasts at most 36 h from issue; a further "
    "warrant is applied for while the current one runs and extends it",
    "PACE-s44-96h": "PACE s.44(3)(b): detention never extends beyond 96 h after the relevant time",
    "PACE-s47ZB-bail-period": "PACE s.47ZB: the initial pre-charge bail period is at most 3 months",
    "PACE-s43-from-issue": "PACE s.43: a warrant of further detention runs from its issue; any unused "
    "balance of a superintendent's extension is lost when it is issued",
    "PACE-s47ZD-bail-extension": "PACE s.47ZD-47ZE: pre-charge bail is extended to 6 months by an inspector "
    "or above, to 9 months by a superintendent or above, to a later day than the current one",
    "PACE-s47ZF-bail-court": "PACE s.47ZF: pre-charge bail beyond 9 months needs a magistrates' court",
    "PACE-s47-6-time-used": "PACE s.47(6), s.46A: on return to detention the time already used counts; "
    "after an arrest for breach of bail the clock is paused for 3 h (PCSC Act 2022)",
    "PACE-s40-after-charge": "PACE s.40(1)(a): a charged detainee's detention is reviewed by the custody "
    "officer (a sergeant or above), at the same intervals",
    "PACE-s41-after-charge": "PACE s.41: the pre-charge limits stop at charge; detention after charge "
    "(s.38) is not extended by a superintendent or a warrant",
    "PACE-CodeC-appropriate-adult": "Code C 3.15: a juvenile or vulnerable detainee's appropriate adult is "
    "informed as soon as practicable, and before the detainee is charged",
    "PACE-s38-6-transfer": "PACE s.38(6): a juvenile kept in detention after charge is moved to local "
    "authority accommodation unless the custody officer certifies why that is not possible",
    "CUS-ALREADY-CHARGED": "A detainee is charged once per custody record",
    "CUS-NOT-ON-BAIL": "Bail extensions and returns need a record released on pre-charge bail",
    "CUS-OUTCOME-RANK": "PACE s.37(7): the custody officer (a sergeant or above) decides the outcome",
    "CUS-OUTCOME-CHARGES": "A charge outcome names at least one charge",
    "CUS-NOT-AUTHORISED": "Reviews, extensions and warrants need detention to have been authorised",
    "CUS-ALREADY-AUTHORISED": "Detention is authorised once per custody record",
    "CUS-CLOSED": "A released custody record is closed: no further changes",
    "CUS-TIME-FUTURE": "A time in a request must not be later than the system's current time",
    "CUS-TIME-ORDER": "Times must be in order: arrest <= arrival <= authorisation <= reviews, extensions, "
    "warrants <= release",
}


def rank_at_least(rank: str | None, minimum: str) -> bool:
    """True when `rank` is `minimum` or more senior (unknown ranks never qualify)."""
    if rank not in RANKS:
        return False
    return RANKS.index(rank) >= RANKS.index(minimum)


@dataclass(frozen=True)
class Breach:
    """A broken rule: what the API answers with (`status` 422 business-rule or 409 conflict)."""

    rule: str
    detail: str
    field: str | None = None
    status: int = 422

    @property
    def kind(self) -> str:
        return "conflict" if self.status == 409 else "business-rule"


@dataclass(frozen=True)
class Extension:
    """A superintendent's extension (s.42): given at `authorised_at`, detention allowed to `until`."""

    authorised_at: datetime
    until: datetime


@dataclass(frozen=True)
class Warrant:
    """A warrant of further detention (s.43) or its extension (s.44)."""

    applied_at: datetime
    issued_at: datetime
    until: datetime


@dataclass(frozen=True)
class Detention:
    """The facts of one detention that the clock depends on."""

    arrested_at: datetime
    arrived_at: datetime
    relevant_time: datetime
    authorised_at: datetime | None = None
    reviews: tuple[datetime, ...] = ()
    extensions: tuple[Extension, ...] = ()
    warrants: tuple[Warrant, ...] = ()
    released_at: datetime | None = None
    # the latest time already on the record (any event): new events may not precede it
    last_event_at: datetime | None = None
    # charged and kept in police detention (s.38): the pre-charge limits stop here
    charged_at: datetime | None = None

    @property
    def released(self) -> bool:
        return self.released_at is not None


@dataclass(frozen=True)
class DetentionClock:
    """The clock as of `as_at` (or as it stood at release)."""

    as_at: datetime
    running: bool
    relevant_time: datetime
    detention_authorised_at: datetime | None
    detention_limit: datetime
    limit_basis: str
    absolute_limit: datetime
    next_review_due: datetime | None
    reviews_completed: int
    reviews_overdue: bool
    detention_overdue: bool
    time_remaining_seconds: int
    review_due_in_seconds: int | None
    stopped_at: datetime | None = None
    rules: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ clock


def relevant_time(
    arrested_at: datetime,
    arrived_at: datetime,
    *,
    arrested_outside_force_area: bool = False,
    voluntary_attendance: bool = False,
) -> datetime:
    """The instant the detention clock starts (s.41(2)).

    General case: arrival at the (first) police station. Arrest outside the force area (s.41(2)(a)):
    the earlier of arrival at the first station in the area and 24 h after the arrest. A voluntary
    attender arrested at the station (s.41(2)(c)): the time of arrest.
    """
    if voluntary_attendance:
        return arrested_at
    if arrested_outside_force_area:
        return min(arrived_at, arrested_at + OUTSIDE_AREA_CAP)
    return arrived_at


def detention_limit(d: Detention) -> tuple[datetime, str]:
    """The current latest lawful time of detention without charge, and what it rests on.

    A warrant runs from its issue (PACE-s43-from-issue, docs/domain.md 2.1): once one is issued the
    limit is the latest warrant's end, even when that is earlier than the end of a superintendent's
    extension still running; the unused balance of the extension is lost.
    """
    if d.warrants:
        return max(w.until for w in d.warrants), "warrant"
    limit, basis = d.relevant_time + BASE_LIMIT, "24h"
    for ext in d.extensions:
        if ext.until > limit:
            limit, basis = ext.until, "superintendent_extension"
    return limit, basis


def review_due_times(
    authorised_at: datetime | None, reviews: Sequence[datetime], interval: timedelta = REVIEW_INTERVAL
) -> list[datetime]:
    """The due time of each review in turn: `len(reviews) + 1` values, the last being the next due.

    First review no later than 6 h after authorisation, then intervals of no more than 9 h. A
    postponed review does not move the schedule (s.40(7)): the next review is due 9 h after the
    earlier of when the last review was due and when it happened.
    """
    if authorised_at is None:
        return []
    due = authorised_at + FIRST_REVIEW
    out = [due]
    for at in sorted(reviews):
        due = min(at, due) + interval
        out.append(due)
    return out


def next_review_due(d: Detention, interval: timedelta = REVIEW_INTERVAL) -> datetime | None:
    """When the next review falls due (None before authorisation and after release)."""
    if d.released:
        return None
    dues = review_due_times(d.authorised_at, d.reviews, interval)
    return dues[-1] if dues else None


def compute_clock(d: Detention, now: datetime, interval: timedelta = REVIEW_INTERVAL) -> DetentionClock:
    """The detention clock at `now`; for a released record, as it stood at release (stopped).

    `interval` is the lawful 9 h unless a vendor quirk profile deliberately gets it wrong.
    """
    at = d.released_at if d.released_at is not None else now
    limit, basis = detention_limit(d)
    dues = review_due_times(d.authorised_at, d.reviews, interval)
    due = dues[-1] if dues else None
    reviews_overdue = due is not None and at > due
    # after charge the pre-charge limit no longer runs (PACE-s41-after-charge): judged at the charge
    detention_overdue = (at if d.charged_at is None else min(at, d.charged_at)) > limit
    rules = []
    if detention_overdue:
        rules.append("PACE-s41-24h")
    if reviews_overdue:
        rules.append("PACE-s40-review")
    return DetentionClock(
        as_at=at,
        running=not d.released,
        relevant_time=d.relevant_time,
        detention_authorised_at=d.authorised_at,
        detention_limit=limit,
        limit_basis=basis,
        absolute_limit=d.relevant_time + ABS_MAX,
        next_review_due=None if d.released else due,
        reviews_completed=len(d.reviews),
        reviews_overdue=reviews_overdue,
        detention_overdue=detention_overdue,
        time_remaining_seconds=int((limit - at).total_seconds()),
        review_due_in_seconds=None if d.released or due is None else int((due - at).total_seconds()),
        stopped_at=d.released_at,
        rules=rules,
    )


# ------------------------------------------------------------------------------------ validators


def _fmt(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def check_not_future(at: datetime, now: datetime, field_name: str) -> Breach | None:
    """CUS-TIME-FUTURE: a time in a request is not later than the simulated now."""
    if at > now:
        return Breach(
            "CUS-TIME-FUTURE",
            f"{field_name} {_fmt(at)} is later than the current time {_fmt(now)}.",
            field_name,
        )
    return None


def check_order(earlier: datetime, later: datetime, earlier_name: str, later_name: str) -> Breach | None:
    """CUS-TIME-ORDER: `later` is not before `earlier`."""
    if later < earlier:
        return Breach(
            "CUS-TIME-ORDER",
            f"{later_name} {_fmt(later)} is before {earlier_name} {_fmt(earlier)}.",
            later_name,
        )
    return None


def check_booking(arrested_at: datetime, arrived_at: datetime, now: datetime) -> Breach | None:
    """Booking in: arrest <= arrival <= now."""
    return (
        check_not_future(arrested_at, now, "arrest.arrested_at")
        or check_not_future(arrived_at, now, "arrived_at")
        or check_order(arrested_at, arrived_at, "arrest.arrested_at", "arrived_at")
    )


def _check_open(d: Detention, action: str) -> Breach | None:
    if d.released and d.released_at is not None:
        return Breach(
            "CUS-CLOSED",
            f"The custody record was closed at release ({_fmt(d.released_at)}); {action} cannot be recorded.",
            status=409,
        )
    return None


def _check_event_time(
    d: Detention, at: datetime, now: datetime, name: str, *, after_authorisation: bool
) -> Breach | None:
    breach = check_not_future(at, now, name) or check_order(d.arrived_at, at, "arrived_at", name)
    if breach:
        return breach
    if after_authorisation and d.authorised_at is not None:
        breach = check_order(d.authorised_at, at, "detention_authorised_at", name)
    if breach is None and d.last_event_at is not None:
        breach = check_order(d.last_event_at, at, "the latest event on the record", name)
    return breach


def check_event(d: Detention, at: datetime, now: datetime, name: str, action: str) -> Breach | None:
    """Rights, risk assessment, property: record open, time not future, not before arrival."""
    return _check_open(d, action) or (
        check_not_future(at, now, name) or check_order(d.arrived_at, at, "arrived_at", name)
    )


def check_authorisation(d: Detention, authorised_at: datetime, rank: str, now: datetime) -> Breach | None:
    """s.37: authorised once, by a sergeant or above, after arrival and before the limit passes."""
    breach = _check_open(d, "an authorisation of detention")
    if breach:
        return breach
    if d.authorised_at is not None:
        return Breach(
            "CUS-ALREADY-AUTHORISED",
            f"Detention was already authorised at {_fmt(d.authorised_at)}.",
            status=409,
        )
    breach = check_not_future(authorised_at, now, "authorised_at") or check_order(
        d.arrived_at, authorised_at, "arrived_at", "authorised_at"
    )
    if breach:
        return breach
    if not rank_at_least(rank, "sergeant"):
        return Breach(
            "PACE-s37-authorisation",
            f"Detention is authorised by the custody officer, a sergeant or above; the officer is a {rank}.",
            "authorised_by.rank",
        )
    limit, _ = detention_limit(d)
    if authorised_at > limit:
        return Breach(
            "PACE-s41-24h",
            f"Detention cannot be authorised at {_fmt(authorised_at)}: the detention "
            f"limit passed at {_fmt(limit)}; the person must be released or charged.",
            "authorised_at",
        )
    return None


def review_due_for(d: Detention) -> datetime | None:
    """The due time of the review about to be recorded."""
    dues = review_due_times(d.authorised_at, d.reviews)
    return dues[-1] if dues else None


def check_review(
    d: Detention,
    reviewed_at: datetime,
    rank: str,
    *,
    involved: bool,
    postponement_reason: str | None,
    now: datetime,
) -> Breach | None:
    """s.40: detention authorised, record open, inspector+ not involved, late reviews give a reason."""
    if d.released and d.released_at is not None:
        return Breach(
            "PACE-s40-review-after-release",
            f"The detainee was released at {_fmt(d.released_at)}: there "
            "is no detention left to review and the record is closed.",
            status=409,
        )
    if d.authorised_at is None:
        return Breach(
            "CUS-NOT-AUTHORISED", "Detention has not been authorised, so there is nothing to review yet."
        )
    breach = _check_event_time(d, reviewed_at, now, "reviewed_at", after_authorisation=True)
    if breach:
        return breach
    if d.reviews and reviewed_at < max(d.reviews):
        return check_order(max(d.reviews), reviewed_at, "the previous review", "reviewed_at")
    if d.charged_at is not None and reviewed_at >= d.charged_at:
        if not rank_at_least(rank, "sergeant"):
            return Breach(
                "PACE-s40-after-charge",
                f"After charge detention is reviewed by the custody officer, a sergeant or above; the "
                f"reviewer is a {rank}.",
                "reviewer.rank",
            )
    elif not rank_at_least(rank, "inspector"):
        return Breach(
            "PACE-s40-review-rank",
            f"A pre-charge review is by an inspector or above; the reviewer is a {rank}.",
            "reviewer.rank",
        )
    if involved:
        return Breach(
            "PACE-s40-review-rank",
            "The review officer must not be directly involved in the investigation.",
            "involved_in_investigation",
        )
    due = review_due_for(d)
    if due is not None and reviewed_at > due and not (postponement_reason or "").strip():
        return Breach(
            "PACE-s40-postponement",
            f"This review was due by {_fmt(due)} and is recorded at "
            f"{_fmt(reviewed_at)}: a postponed review must record why (postponement_reason).",
            "postponement_reason",
        )
    return None


def check_extension(
    d: Detention, authorised_at: datetime, until: datetime, rank: str, *, indictable: bool, now: datetime
) -> Breach | None:
    """s.42: superintendent+, indictable offence, given within 24 h after the second review, to <= 36 h."""
    breach = _check_open(d, "an extension of detention")
    if breach:
        return breach
    if d.authorised_at is None:
        return Breach("CUS-NOT-AUTHORISED", "Detention has not been authorised, so it cannot be extended.")
    breach = _check_charged(d, "a superintendent's extension")
    if breach:
        return breach
    breach = _check_event_time(d, authorised_at, now, "authorised_at", after_authorisation=True)
    if breach:
        return breach
    if not rank_at_least(rank, "superintendent"):
        return Breach(
            "PACE-s42-rank",
            f"An extension beyond 24 h is authorised by a superintendent or above; the officer is a {rank}.",
            "authorised_by.rank",
        )
    if not indictable:
        return Breach(
            "PACE-s42-indictable",
            "Detention can be extended beyond 24 h only for an indictable offence.",
            "offence_indictable",
        )
    if d.warrants:
        return Breach(
            "PACE-s42-timing",
            "A warrant of further detention has been issued: a superintendent can no "
            "longer extend detention (apply to the court to extend the warrant).",
            "authorised_at",
        )
    latest = d.relevant_time + SUPT_NOT_AFTER
    if not d.extensions and authorised_at > latest:
        return Breach(
            "PACE-s42-timing",
            f"An extension cannot be given more than 24 h after the relevant time: "
            f"the latest was {_fmt(latest)}, this is {_fmt(authorised_at)}.",
            "authorised_at",
        )
    limit, _ = detention_limit(d)
    if authorised_at > limit:
        return Breach(
            "PACE-s42-timing",
            f"The detention limit passed at {_fmt(limit)}: it cannot be extended at {_fmt(authorised_at)}.",
            "authorised_at",
        )
    reviews_before = [r for r in d.reviews if r <= authorised_at]
    if len(reviews_before) < REVIEWS_BEFORE_EXTENSION:
        return Breach(
            "PACE-s42-timing",
            f"An extension cannot be given before the second review; "
            f"{len(reviews_before)} review(s) recorded by {_fmt(authorised_at)}.",
            "authorised_at",
        )
    cap = d.relevant_time + SUPT_MAX
    if until > cap:
        return Breach(
            "PACE-s42-max36",
            f"A superintendent can extend detention to at most 36 h after the relevant "
            f"time ({_fmt(cap)}); asked for {_fmt(until)}. Beyond that only a magistrates' court can "
            f"authorise detention (warrant of further detention).",
            "until",
        )
    if until <= limit or until <= authorised_at:
        return Breach(
            "PACE-s42-extends",
            f"The extension must run past the current limit {_fmt(limit)}; asked for {_fmt(until)}.",
            "until",
        )
    return None


def check_warrant(
    d: Detention,
    applied_at: datetime,
    issued_at: datetime,
    until: datetime,
    *,
    no_court_sitting: bool,
    now: datetime,
) -> Breach | None:
    """s.43 (first warrant) and s.44 (extension): application timing, 36 h per warrant, 96 h overall."""
    breach = _check_open(d, "a warrant of further detention")
    if breach:
        return breach
    if d.authorised_at is None:
        return Breach(
            "CUS-NOT-AUTHORISED", "Detention has not been authorised: there is no detention to extend."
        )
    breach = _check_charged(d, "a warrant of further detention")
    if breach:
        return breach
    breach = (
        check_not_future(applied_at, now, "applied_at")
        or check_order(d.authorised_at, applied_at, "detention_authorised_at", "applied_at")
        or check_order(applied_at, issued_at, "applied_at", "issued_at")
        or _check_event_time(d, issued_at, now, "issued_at", after_authorisation=True)
    )
    if breach:
        return breach
    limit, _ = detention_limit(d)
    if not d.warrants:
        deadline = d.relevant_time + WFD_APPLICATION_BY
        if no_court_sitting:
            deadline += WFD_COURT_GRACE
        if applied_at > deadline:
            grace = (
                " including the 6 h allowed when no court sits"
                if no_court_sitting
                else (" (or within 6 h more only if no magistrates' court sits at 36 h: no_court_sitting)")
            )
            return Breach(
                "PACE-s43-warrant",
                f"A warrant of further detention must be applied for by {_fmt(deadline)}"
                f"{grace}; the application was at {_fmt(applied_at)}.",
                "applied_at",
            )
    elif applied_at > limit:
        return Breach(
            "PACE-s43-warrant",
            f"A further warrant (s.44) must be applied for while the current warrant "
            f"runs (until {_fmt(limit)}); the application was at {_fmt(applied_at)}.",
            "applied_at",
        )
    absolute = d.relevant_time + ABS_MAX
    if until > absolute:
        return Breach(
            "PACE-s44-96h",
            f"Detention can never extend beyond 96 h after the relevant time "
            f"({_fmt(absolute)}); the warrant asks for {_fmt(until)}.",
            "until",
        )
    if until - issued_at > WFD_STEP:
        return Breach(
            "PACE-s43-warrant",
            f"A warrant authorises at most 36 h from issue ({_fmt(issued_at + WFD_STEP)})"
            f"; it asks for {_fmt(until)}.",
            "until",
        )
    if until <= issued_at:
        return Breach(
            "PACE-s43-warrant",
            f"The warrant must run past its issue {_fmt(issued_at)}; it asks for {_fmt(until)}.",
            "until",
        )
    # A first warrant runs from its issue and may end before an extension still running (the
    # balance is lost: PACE-s43-from-issue); a further warrant (s.44) extends the current one.
    if d.warrants and until <= limit:
        return Breach(
            "PACE-s43-warrant",
            f"A further warrant must run past the current warrant's end {_fmt(limit)}; it asks for "
            f"{_fmt(until)}.",
            "until",
        )
    return None


def _check_charged(d: Detention, action: str) -> Breach | None:
    """PACE-s41-after-charge: the pre-charge limits are not extended once the detainee is charged."""
    if d.charged_at is not None:
        return Breach(
            "PACE-s41-after-charge",
            f"The detainee was charged at {_fmt(d.charged_at)}: detention after charge (s.38) is not "
            f"extended by {action}.",
        )
    return None


def add_months(day: date, months: int) -> date:
    """`day` plus calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_outcome(
    d: Detention,
    decided_at: datetime,
    released_at: datetime,
    rank: str,
    *,
    outcome_type: str,
    charges: Sequence[Any] = (),
    bail_return_date: date | None = None,
    now: datetime,
) -> Breach | None:
    """Release with an outcome: record open, decided by a custody officer, times in order, bail period."""
    breach = _check_open(d, "another outcome")
    if breach:
        return breach
    breach = (
        _check_event_time(d, decided_at, now, "decided_at", after_authorisation=True)
        or check_not_future(released_at, now, "released_at")
        or check_order(decided_at, released_at, "decided_at", "released_at")
    )
    if breach:
        return breach
    if not rank_at_least(rank, "sergeant"):
        return Breach(
            "CUS-OUTCOME-RANK",
            f"The outcome is decided by the custody officer, a sergeant or above; the officer is a {rank}.",
            "decided_by.rank",
        )
    if outcome_type == "charged" and not charges and d.charged_at is None:
        return Breach("CUS-OUTCOME-CHARGES", "A charge outcome must name at least one charge.", "charges")
    if outcome_type == "bailed" and bail_return_date is not None:
        latest = add_months(decided_at.date(), INITIAL_BAIL_MONTHS)
        if bail_return_date > latest:
            return Breach(
                "PACE-s47ZB-bail-period",
                f"The initial pre-charge bail period is at most 3 months: the "
                f"return date can be {latest.isoformat()} at the latest.",
                "bail.return_date",
            )
        if bail_return_date < decided_at.date():
            return Breach(
                "CUS-TIME-ORDER", "The bail return date is before the decision.", "bail.return_date"
            )
    return None
