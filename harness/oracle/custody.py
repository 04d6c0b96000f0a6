"""The custody oracle: does a custody record's detention clock agree with its own timeline?

Any custody record a product returns (booking in, an action's answer, a read, each item of a
search) carries the facts the PACE clock depends on (arrest, arrival, authorisation, reviews,
extensions, warrants, release) and the clock it computed from them. The expected clock is
recomputed here with the project's own PACE code (`simulators/custody/clock.py`, the single place
the numbers live) at the record's own `as_at`, so no clock control is needed: a 25 h basic limit, a
missing 36 h or 96 h cap or a review schedule off by an hour shows on every record the product
returns. Rule ids are the standard's (custody.yaml `rule` ids).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from harness.oracle.exchange import instant, shown
from simulators.custody import clock as pace

#: Rule id -> what was broken, in plain English (the title of a finding).
TITLES = {
    "PACE-s41-24h": "The detention clock does not keep the PACE limit "
    "(24 h from the relevant time unless extended)",
    "PACE-s40-review": "The review clock does not keep the PACE schedule "
    "(first review 6 h after authorisation, then every 9 h)",
    "PACE-s42-max36": "A superintendent's extension runs past 36 h after the relevant time",
    "PACE-s43-warrant": "A warrant of further detention runs for more than 36 h from its issue",
    "PACE-s44-96h": "Detention is allowed to run past 96 h after the relevant time",
    "PACE-s37-authorisation": "Detention shows as authorised by an officer below sergeant",
    "PACE-s40-review-rank": "A review shows as carried out by an officer below inspector",
    "PACE-s42-rank": "An extension shows as authorised by an officer below superintendent",
}
#: A boolean flag may flip anywhere in the minute after a limit (the standard counts in minutes).
FLAG_GRACE = timedelta(seconds=60)
#: Instants and second counts may differ by rounding.
SECOND = timedelta(seconds=1)


def is_custody_record(obj: dict[str, Any]) -> bool:
    return "custody_id" in obj and isinstance(obj.get("clock"), dict) and "relevant_time" in obj


def _iso(dt: datetime | None) -> str:
    return "null" if dt is None else dt.isoformat().replace("+00:00", "Z")


def _hours(delta: timedelta) -> str:
    h = delta.total_seconds() / 3600
    return f"{h:g} h" if abs(h - round(h, 2)) < 1e-9 else f"{h:.2f} h"


def _same(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= SECOND


def _seconds_ok(value: Any, expected: int | None) -> bool:
    if expected is None:
        return value is None
    return isinstance(value, int) and not isinstance(value, bool) and abs(value - expected) <= 1


def _flag_ok(value: Any, at: datetime, deadline: datetime | None) -> bool:
    """`value` is the overdue flag for `deadline` at `at` (either answer in the minute after it)."""
    expected = deadline is not None and at > deadline
    if value is expected:
        return True
    return isinstance(value, bool) and deadline is not None and timedelta(0) <= at - deadline <= FLAG_GRACE


class _Facts:
    """The PACE facts of a wire record, or the reason they cannot be read."""

    def __init__(self, rec: dict[str, Any]) -> None:
        arrest = a if isinstance(a := rec.get("arrest"), dict) else {}
        self.arrested_at = instant(arrest.get("arrested_at"))
        self.arrived_at = instant(rec.get("arrived_at"))
        self.relevant_time = instant(rec.get("relevant_time"))
        self.outside = rec.get("arrested_outside_force_area") is True
        self.voluntary = rec.get("voluntary_attendance") is True
        self.authorised_at = instant(rec.get("detention_authorised_at"))
        self.released_at = instant(rec.get("released_at"))
        self.reviews = [r for r in rec.get("reviews") or [] if isinstance(r, dict)]
        self.extensions = [e for e in rec.get("extensions") or [] if isinstance(e, dict)]
        self.warrants = [w for w in rec.get("warrants") or [] if isinstance(w, dict)]
        # Only the times that can be read; readable() refuses a record with any that cannot.
        times = [instant(r.get("reviewed_at")) for r in self.reviews]
        self.review_times = [t for t in times if t is not None]
        ext = [(instant(e.get("authorised_at")), instant(e.get("until"))) for e in self.extensions]
        self.ext = [pace.Extension(a, u) for a, u in ext if a is not None and u is not None]
        self.all_read = len(self.review_times) == len(times) and len(self.ext) == len(ext)
        charge = c if isinstance(c := rec.get("charge"), dict) else {}
        self.charged_at = instant(charge.get("charged_at"))
        back = rec.get("bail_return") if isinstance(rec.get("bail_return"), dict) else None
        # a return from bail resumes the earlier clock (PACE-s47-6-time-used): time used, 3 h pause
        self.resumed = (
            (back.get("time_used_seconds"), back.get("pause_seconds"))
            if back
            and isinstance(back.get("time_used_seconds"), int)
            and isinstance(back.get("pause_seconds"), int)
            else None
        )
        war = [
            (instant(w.get("applied_at")), instant(w.get("issued_at")), instant(w.get("until")))
            for w in self.warrants
        ]
        self.war = [
            pace.Warrant(a, i, u) for a, i, u in war if a is not None and i is not None and u is not None
        ]
        self.all_read = self.all_read and len(self.war) == len(war)

    def readable(self, rec: dict[str, Any]) -> bool:
        if None in (self.arrested_at, self.arrived_at, self.relevant_time):
            return False
        if rec.get("detention_authorised_at") is not None and self.authorised_at is None:
            return False
        if rec.get("released_at") is not None and self.released_at is None:
            return False
        if not self.all_read:
            return False
        return not (isinstance(rec.get("charge"), dict) and self.charged_at is None)

    def detention(self) -> pace.Detention:
        """The facts as the clock takes them; only for a record that is readable()."""
        arrested, arrived, relevant = self.arrested_at, self.arrived_at, self.relevant_time
        if arrested is None or arrived is None or relevant is None:
            raise ValueError("the custody record's times cannot be read")
        return pace.Detention(
            arrested_at=arrested,
            arrived_at=arrived,
            relevant_time=relevant,
            authorised_at=self.authorised_at,
            reviews=tuple(sorted(self.review_times)),
            extensions=tuple(self.ext),
            warrants=tuple(self.war),
            released_at=self.released_at,
            charged_at=self.charged_at,
        )


def judge_custody_record(rec: dict[str, Any]) -> dict[str, list[str]]:
    """Rule id -> what this record breaks ([] when it keeps the rule); only the rules it could be
    judged on are keys (a record whose times cannot be read is left to the contracts suite)."""
    clock = rec.get("clock")
    if not isinstance(clock, dict):
        return {}
    facts = _Facts(rec)
    as_at = instant(clock.get("as_at"))
    if as_at is None or not facts.readable(rec):
        return {}
    d = facts.detention()
    who = f"custody record {shown(rec.get('custody_id'), 60)}"
    out: dict[str, list[str]] = {"PACE-s41-24h": [], "PACE-s40-review": [], "PACE-s44-96h": []}
    try:
        expected = pace.compute_clock(d, as_at)
        _limit(out["PACE-s41-24h"], who, facts, d, clock, expected)
        _reviews(out["PACE-s40-review"], who, facts, d, clock, expected)
        _caps(out, who, facts, d, clock)
    except OverflowError:  # times at the edge of the calendar: nothing the law can be judged on
        return {}
    _ranks(out, who, rec, facts)
    return out


def _limit(
    bad: list[str], who: str, f: _Facts, d: pace.Detention, clock: dict[str, Any], c: pace.DetentionClock
) -> None:
    rt, at = d.relevant_time, c.as_at
    expected_rt = pace.relevant_time(
        d.arrested_at,
        d.arrived_at,
        arrested_outside_force_area=f.outside,
        voluntary_attendance=f.voluntary,
    )
    resumed = ""
    if f.resumed is not None:
        used, pause = f.resumed
        expected_rt = d.arrived_at + timedelta(seconds=pause - used)
        resumed = f" resuming a clock that had used {used} s, paused {pause} s (s.47(6), s.46A)"
    if not _same(rt, expected_rt):
        bad.append(
            f"{who}: relevant_time is {_iso(rt)}, but arrest at {_iso(f.arrested_at)} and arrival at "
            f"{_iso(f.arrived_at)} (arrested_outside_force_area {str(f.outside).lower()}, "
            "voluntary_attendance "
            f"{str(f.voluntary).lower()}){resumed} give {_iso(expected_rt)} (PACE s.41(2))"
        )
    if not _same(instant(clock.get("relevant_time")), rt):
        bad.append(
            f"{who}: clock.relevant_time is {shown(clock.get('relevant_time'))}, expected {_iso(rt)} "
            "(the record's relevant_time)"
        )
    limit, basis = c.detention_limit, c.limit_basis
    shown_limit = instant(clock.get("detention_limit"))
    if not _same(shown_limit, limit):
        why = {
            "24h": "with no extension or warrant the limit is 24 h after the relevant time",
            "superintendent_extension": "the latest superintendent's extension runs to then",
            "warrant": "the latest warrant of further detention runs to then",
        }[basis]
        after = f" ({_hours(shown_limit - rt)} after the relevant time)" if shown_limit else ""
        bad.append(
            f"{who}: clock.detention_limit is {shown(clock.get('detention_limit'))}{after}, expected "
            f"{_iso(limit)}: {why} (relevant time {_iso(rt)})"
        )
    if clock.get("limit_basis") != basis:
        bad.append(f"{who}: clock.limit_basis is {shown(clock.get('limit_basis'))}, expected {basis!r}")
    if d.released and not _same(instant(clock.get("as_at")), d.released_at):
        bad.append(
            f"{who}: the record was released at {_iso(d.released_at)}, so the clock stopped then; "
            f"clock.as_at is {shown(clock.get('as_at'))}"
        )
    remaining = c.time_remaining_seconds
    if not _seconds_ok(clock.get("time_remaining_seconds"), remaining):
        bad.append(
            f"{who}: clock.time_remaining_seconds is {shown(clock.get('time_remaining_seconds'))}, expected "
            f"{remaining} (from {_iso(at)} to the limit {_iso(limit)})"
        )
    judged_at = at if d.charged_at is None else min(at, d.charged_at)  # PACE-s41-after-charge
    if not _flag_ok(clock.get("detention_overdue"), judged_at, limit):
        bad.append(
            f"{who}: clock.detention_overdue is {shown(clock.get('detention_overdue'))} at {_iso(at)}, "
            "expected "
            f"{str(judged_at > limit).lower()} (limit {_iso(limit)}"
            + (f", judged at the charge {_iso(d.charged_at)})" if d.charged_at else ")")
        )
    breaches = b if isinstance(b := clock.get("breaches"), list) else []
    flagged = clock.get("detention_overdue")
    if isinstance(flagged, bool) and ("PACE-s41-24h" in breaches) != flagged:
        bad.append(
            f"{who}: clock.breaches {shown(breaches)} disagrees with clock.detention_overdue "
            f"{str(flagged).lower()}"
        )


def _reviews(
    bad: list[str], who: str, f: _Facts, d: pace.Detention, clock: dict[str, Any], c: pace.DetentionClock
) -> None:
    at, due = c.as_at, c.next_review_due
    dues = pace.review_due_times(d.authorised_at, d.reviews)
    last_due = dues[-1] if dues else None  # a released clock shows whether a review was overdue at release
    if not _same(instant(clock.get("next_review_due")), due) or (
        due is None and clock.get("next_review_due") is not None
    ):
        if due is None:
            why = "there is no next review once released" if d.released else "detention is not authorised yet"
        elif not d.reviews:
            why = f"the first review is due 6 h after detention was authorised ({_iso(d.authorised_at)})"
        else:
            why = (
                f"the next review is due 9 h after the earlier of when review {len(d.reviews)} was due "
                f"({_iso(dues[-2])}) and when it took place ({_iso(max(d.reviews))}) (s.40(3), s.40(7))"
            )
        bad.append(
            f"{who}: clock.next_review_due is {shown(clock.get('next_review_due'))}, "
            f"expected {_iso(due)}: {why}"
        )
    if clock.get("reviews_completed") != len(d.reviews):
        bad.append(
            f"{who}: clock.reviews_completed is {shown(clock.get('reviews_completed'))}, "
            f"the record lists {len(d.reviews)} review(s)"
        )
    if not _flag_ok(clock.get("reviews_overdue"), at, last_due):
        bad.append(
            f"{who}: clock.reviews_overdue is {shown(clock.get('reviews_overdue'))} at {_iso(at)}, expected "
            f"{str(c.reviews_overdue).lower()} (review due {_iso(last_due)})"
        )
    expected_in = c.review_due_in_seconds
    if not _seconds_ok(clock.get("review_due_in_seconds"), expected_in):
        bad.append(
            f"{who}: clock.review_due_in_seconds is {shown(clock.get('review_due_in_seconds'))}, expected "
            f"{'null' if expected_in is None else expected_in} "
            f"(next review due {_iso(due)}, as at {_iso(at)})"
        )
    breaches = b if isinstance(b := clock.get("breaches"), list) else []
    flagged = clock.get("reviews_overdue")
    if isinstance(flagged, bool) and ("PACE-s40-review" in breaches) != flagged:
        bad.append(
            f"{who}: clock.breaches {shown(breaches)} disagrees with clock.reviews_overdue "
            f"{str(flagged).lower()}"
        )
    order = sorted(range(len(f.reviews)), key=lambda i: f.review_times[i])
    for n, i in enumerate(order):
        review = f.reviews[i]
        if n >= len(dues) or "due_by" not in review:
            continue
        if review.get("due_by") is not None and not _same(instant(review.get("due_by")), dues[n]):
            bad.append(
                f"{who}: reviews[{i}].due_by is {shown(review.get('due_by'))}, "
                f"expected {_iso(dues[n])} (review {n + 1} in order)"
            )
        on_time = review.get("on_time")
        if isinstance(on_time, bool) and on_time != (f.review_times[i] <= dues[n]):
            bad.append(
                f"{who}: reviews[{i}].on_time is {str(on_time).lower()}, but it took place at "
                f"{_iso(f.review_times[i])} and was due by {_iso(dues[n])}"
            )


def _caps(out: dict[str, list[str]], who: str, f: _Facts, d: pace.Detention, clock: dict[str, Any]) -> None:
    rt = d.relevant_time
    cap96 = rt + pace.ABS_MAX
    if not _same(instant(clock.get("absolute_limit")), cap96):
        out["PACE-s44-96h"].append(
            f"{who}: clock.absolute_limit is {shown(clock.get('absolute_limit'))}, "
            f"expected {_iso(cap96)} (96 h after the relevant time)"
        )
    shown_limit = instant(clock.get("detention_limit"))
    if shown_limit is not None and shown_limit > cap96 + SECOND:
        out["PACE-s44-96h"].append(
            f"{who}: clock.detention_limit {_iso(shown_limit)} is {_hours(shown_limit - rt)} "
            "after the relevant time; never more than 96 h"
        )
    for i, w in enumerate(f.war):
        if w.until > cap96 + SECOND:
            out["PACE-s44-96h"].append(
                f"{who}: warrants[{i}].until {_iso(w.until)} is {_hours(w.until - rt)} "
                "after the relevant time; never more than 96 h"
            )
    if f.ext or clock.get("limit_basis") == "superintendent_extension":
        cap36 = rt + pace.SUPT_MAX
        bad = out.setdefault("PACE-s42-max36", [])
        for i, e in enumerate(f.ext):
            if e.until > cap36 + SECOND:
                bad.append(
                    f"{who}: extensions[{i}].until {_iso(e.until)} is {_hours(e.until - rt)} "
                    f"after the relevant time; a superintendent extends to 36 h at most ({_iso(cap36)})"
                )
        if (
            clock.get("limit_basis") == "superintendent_extension"
            and shown_limit is not None
            and shown_limit > cap36 + SECOND
        ):
            bad.append(
                f"{who}: clock.detention_limit {_iso(shown_limit)} rests on a superintendent's "
                f"extension but is {_hours(shown_limit - rt)} after the relevant time; 36 h at most"
            )
    if f.war:
        bad = out.setdefault("PACE-s43-warrant", [])
        for i, w in enumerate(f.war):
            if w.until - w.issued_at > pace.WFD_STEP + SECOND:
                bad.append(
                    f"{who}: warrants[{i}] issued {_iso(w.issued_at)} runs to {_iso(w.until)} "
                    f"({_hours(w.until - w.issued_at)}); a warrant lasts 36 h at most"
                )


def _rank(officer: Any) -> str | None:
    rank = officer.get("rank") if isinstance(officer, dict) else None
    return rank if rank in pace.RANKS else None


def _ranks(out: dict[str, list[str]], who: str, rec: dict[str, Any], f: _Facts) -> None:
    checks = []
    auth = rec.get("authorisation")
    if isinstance(auth, dict):
        checks.append(
            ("PACE-s37-authorisation", "authorisation.authorised_by", auth.get("authorised_by"), "sergeant")
        )
    charged = f.charged_at
    checks += [
        # after charge the custody officer reviews (PACE-s40-after-charge): a sergeant suffices
        ("PACE-s40-after-charge", f"reviews[{i}].reviewer", r.get("reviewer"), "sergeant")
        if charged is not None and at is not None and at >= charged
        else ("PACE-s40-review-rank", f"reviews[{i}].reviewer", r.get("reviewer"), "inspector")
        for i, (r, at) in enumerate(zip(f.reviews, f.review_times, strict=True))
    ]
    checks += [
        ("PACE-s42-rank", f"extensions[{i}].authorised_by", e.get("authorised_by"), "superintendent")
        for i, e in enumerate(f.extensions)
    ]
    for rule, where, officer, minimum in checks:
        rank = _rank(officer)
        if rank is None:
            continue
        bad = out.setdefault(rule, [])
        if not pace.rank_at_least(rank, minimum):
            bad.append(f"{who}: {where}.rank is {rank!r}; the law requires a {minimum} or above")
