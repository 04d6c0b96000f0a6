"""Boundary probes of the PACE custody rules, through the custody standard API alone.

No clock control: the standard lets a client send the time of each event (arrival, authorisation,
review, extension, warrant, outcome), so each rule is probed at its boundary with times in the
target's past. The anchor `t0` is 100 h before the target's now (from `GET /health`), so every
time up to the 96 h cap is already past; the probes of "the clock now" use arrivals 23 h 59 min and
24 h 1 min before the target's now. Each case books its own detainee (a new nominal,
`create_new`), so reruns never collide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from harness.oracle.probing import Case, Prober, contains, field_is, instant_is, iso, minute_floor
from simulators.custody.clock import add_months

SCOPES = ["custody:read", "custody:write"]
H = timedelta(hours=1)
M = timedelta(minutes=1)
CONSTABLE = {"name": "PC Amy Walsh", "collar_number": "4512", "rank": "constable"}
SERGEANT = {"name": "PS Rob Hart", "collar_number": "2210", "rank": "sergeant"}
INSPECTOR = {"name": "Insp Kate Lowe", "collar_number": "1001", "rank": "inspector"}
CHIEF_INSPECTOR = {"name": "CI Dev Patel", "collar_number": "0777", "rank": "chief_inspector"}
SUPERINTENDENT = {"name": "Supt Jo Marsh", "collar_number": "0042", "rank": "superintendent"}
RECORDS = "/custody-records"


def booking(arrested: datetime, arrived: datetime, forename: str, **extra: Any) -> dict[str, Any]:
    return {
        "station": {"code": "LS", "name": "Leeds District Custody Suite"},
        "arrest": {
            "arrested_at": iso(arrested),
            "location": "Briggate, Leeds",
            "reason": "Suspected burglary; necessary for a prompt and effective investigation",
            "officer": CONSTABLE,
        },
        "arrived_at": iso(arrived),
        "offences": [{"cjs_code": "TH68001", "title": "Burglary dwelling and theft"}],
        "detainee": {
            "surname": "Boundary",
            "forenames": [forename],
            "date_of_birth": "1984-02-29",
            "sex": "unknown",
            "address": {"line1": "1 Probe Street", "town": "Leeds", "postcode": "LS1 1AA"},
            "create_new": True,
        },
        "booked_in_by": SERGEANT,
        **extra,
    }


def authorisation(at: datetime, by: dict[str, Any] = SERGEANT) -> dict[str, Any]:
    return {
        "authorised_at": iso(at),
        "authorised_by": by,
        "grounds": "Necessary to obtain evidence by questioning",
    }


def review(at: datetime, by: dict[str, Any] = INSPECTOR, **extra: Any) -> dict[str, Any]:
    return {"reviewed_at": iso(at), "reviewer": by, "decision": "continue_detention", **extra}


def extension(
    at: datetime, until: datetime, by: dict[str, Any] = SUPERINTENDENT, indictable: bool = True
) -> dict[str, Any]:
    return {
        "authorised_at": iso(at),
        "until": iso(until),
        "authorised_by": by,
        "grounds": "Evidence to secure; enquiries conducted diligently and expeditiously",
        "offence_indictable": indictable,
    }


def warrant(applied: datetime, issued: datetime, until: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "applied_at": iso(applied),
        "issued_at": iso(issued),
        "until": iso(until),
        "court": {"name": "Leeds Magistrates' Court"},
        "applied_by": INSPECTOR,
        **extra,
    }


def outcome(
    at: datetime, type_: str = "no_further_action", by: dict[str, Any] = SERGEANT, **extra: Any
) -> dict[str, Any]:
    return {"type": type_, "decided_at": iso(at), "decided_by": by, **extra}


class CustodyProbes:
    def __init__(self, prober: Prober) -> None:
        self.p = prober

    def run(self) -> None:
        now = minute_floor(self.p.now())
        t0 = now - 100 * H
        self.detention_limit(t0, now)
        self.clock_now()
        self.reviews(t0)
        self.extension_and_warrants(t0)
        self.no_court_sitting(t0)
        self.relevant_time(t0)

    def _book(
        self, case: Case, arrested: datetime, arrived: datetime, forename: str, **extra: Any
    ) -> str | None:
        answer = case.setup(
            "Booking the detainee in", "POST", RECORDS, booking(arrested, arrived, forename, **extra), (201,)
        )
        if answer is None:
            return None
        cid = answer.body.get("custody_id")
        if not isinstance(cid, str):
            case.block("booking in answered without a custody_id")
            return None
        case.values["nominal_id"] = answer.body.get("nominal_id")
        return f"{RECORDS}/{cid}"

    # ----------------------------------------------------------------------------------- s.41

    def detention_limit(self, t0: datetime, now: datetime) -> None:
        case = Case(self.p, "custody: detention limit and the record's rules (s.37, s.41, s.47ZB)")
        rec = self._book(case, t0 - 30 * M, t0, "Limit") or f"{RECORDS}/-"
        auth = f"{rec}/authorisation"
        case.refused(
            "Detention authorised 10 min in the future is refused",
            "CUS-TIME-FUTURE",
            "POST",
            auth,
            authorisation(now + 10 * M),
        )
        case.refused(
            "Detention authorised before arrival is refused",
            "CUS-TIME-ORDER",
            "POST",
            auth,
            authorisation(t0 - M),
        )
        case.refused(
            "A review before detention is authorised is refused",
            "CUS-NOT-AUTHORISED",
            "POST",
            f"{rec}/reviews",
            review(t0 + H),
        )
        case.refused(
            "Detention authorised by a constable is refused",
            "PACE-s37-authorisation",
            "POST",
            auth,
            authorisation(t0 + 10 * M, CONSTABLE),
        )
        case.refused(
            "Detention authorised 1 min after the 24 h limit is refused",
            "PACE-s41-24h",
            "POST",
            auth,
            authorisation(t0 + 24 * H + M),
        )
        case.accepted(
            "Detention authorised by a sergeant at the 24 h limit itself is accepted",
            {
                "PACE-s41-24h": [
                    instant_is("clock/detention_limit", t0 + 24 * H),
                    field_is("clock/limit_basis", "24h"),
                    field_is("clock/detention_overdue", True),
                    contains("clock/breaches", "PACE-s41-24h"),
                ],
                "PACE-s37-authorisation": [instant_is("detention_authorised_at", t0 + 24 * H)],
            },
            "POST",
            auth,
            authorisation(t0 + 24 * H),
        )
        case.refused(
            "Detention authorised a second time is refused",
            "CUS-ALREADY-AUTHORISED",
            "POST",
            auth,
            authorisation(t0 + 24 * H),
            (409,),
        )
        decided = t0 + 24 * H + 30 * M
        latest = add_months(decided.date(), 3)
        bail = {"return_to": "Leeds District Custody Suite"}
        case.refused(
            "Pre-charge bail to 3 months and 1 day is refused",
            "PACE-s47ZB-bail-period",
            "POST",
            f"{rec}/outcome",
            outcome(
                decided, "bailed", bail={"return_date": (latest + timedelta(days=1)).isoformat(), **bail}
            ),
        )
        case.refused(
            "An outcome decided by a constable is refused",
            "CUS-OUTCOME-RANK",
            "POST",
            f"{rec}/outcome",
            outcome(decided, by=CONSTABLE),
        )
        case.refused(
            "A charge with no offence charged is refused",
            "CUS-OUTCOME-CHARGES",
            "POST",
            f"{rec}/outcome",
            outcome(decided, "charged"),
        )
        case.accepted(
            "Pre-charge bail to exactly 3 months is accepted",
            {"PACE-s47ZB-bail-period": [field_is("status", "released"), field_is("clock/status", "stopped")]},
            "POST",
            f"{rec}/outcome",
            outcome(decided, "bailed", bail={"return_date": latest.isoformat(), **bail}),
        )
        case.refused(
            "A change to a released record is refused",
            "CUS-CLOSED",
            "POST",
            f"{rec}/risk-assessment",
            {
                "assessed_at": iso(decided + M),
                "assessed_by": SERGEANT,
                "risk_level": "low",
                "observation_level": 1,
            },
            (409,),
        )

    def clock_now(self) -> None:
        """The clock's flags either side of the 24 h limit and the first review, as of the target's now."""
        case = Case(self.p, "custody: the clock now (s.40, s.41)")
        now = self.p.now().replace(microsecond=0)
        inside, outside = now - (23 * H + 59 * M), now - (24 * H + M)
        recs = []
        for arrived, overdue, name in (
            (inside, False, "Arrival 23 h 59 min ago: detention is not yet overdue"),
            (outside, True, "Arrival 24 h 1 min ago: detention is overdue"),
        ):
            answer = case.accepted(
                name,
                {
                    "PACE-s41-24h": [
                        instant_is("clock/detention_limit", arrived + 24 * H),
                        field_is("clock/detention_overdue", overdue),
                        contains("clock/breaches", "PACE-s41-24h", overdue),
                    ]
                },
                "POST",
                RECORDS,
                booking(arrived - 30 * M, arrived, "Now"),
            )
            recs.append(f"{RECORDS}/{answer.body.get('custody_id')}" if answer else f"{RECORDS}/-")
        for rec, ago, overdue, name in (
            (
                recs[0],
                5 * H + 59 * M,
                False,
                "Detention authorised 5 h 59 min ago: the first review is not yet overdue",
            ),
            (recs[1], 6 * H + M, True, "Detention authorised 6 h 1 min ago: the first review is overdue"),
        ):
            at = now - ago
            case.accepted(
                name,
                {
                    "PACE-s40-review": [
                        instant_is("clock/next_review_due", at + 6 * H),
                        field_is("clock/reviews_overdue", overdue),
                        contains("clock/breaches", "PACE-s40-review", overdue),
                    ]
                },
                "POST",
                f"{rec}/authorisation",
                authorisation(at),
            )
        # The second review: due 9 h after the first was due, even when the first was late (s.40(7)).
        for ago, late, overdue, name in (
            (14 * H + 59 * M, timedelta(0), False, "The second review, due in 1 min, is not yet overdue"),
            (
                15 * H + M,
                30 * M,
                True,
                "The second review, due 1 min ago after a late first review, is overdue",
            ),
        ):
            authorised = now - ago
            rec = self._book(case, authorised - H, authorised - 30 * M, "Second") or f"{RECORDS}/-"
            case.setup("Authorising detention", "POST", f"{rec}/authorisation", authorisation(authorised))
            reason: dict[str, Any] = (
                {"postponement_reason": "The inspector was at a serious incident."} if late else {}
            )
            case.accepted(
                name,
                {
                    "PACE-s40-review": [
                        instant_is("clock/next_review_due", authorised + 15 * H),
                        field_is("clock/reviews_overdue", overdue),
                        contains("clock/breaches", "PACE-s40-review", overdue),
                    ]
                },
                "POST",
                f"{rec}/reviews",
                review(authorised + 6 * H + late, **reason),
            )

    # ----------------------------------------------------------------------------------- s.40

    def reviews(self, t0: datetime) -> None:
        case = Case(self.p, "custody: reviews (s.40)")
        rec = self._book(case, t0 - 30 * M, t0, "Review") or f"{RECORDS}/-"
        case.accepted(
            "Detention authorised: the first review falls due 6 h later",
            {
                "PACE-s40-review": [
                    instant_is("clock/next_review_due", t0 + 6 * H),
                    field_is("clock/reviews_overdue", True),
                    contains("clock/breaches", "PACE-s40-review"),
                ]
            },
            "POST",
            f"{rec}/authorisation",
            authorisation(t0),
        )
        nominal = case.values.get("nominal_id") or ""
        cid = rec.rsplit("/", 1)[-1]
        for before, listed, name in (
            (t0 + 6 * H, True, "A record whose review is due at the instant asked for is listed as due"),
            (
                t0 + 6 * H - M,
                False,
                "A record whose review is due 1 min after the instant asked for is not listed",
            ),
        ):
            case.accepted(
                name,
                {"PACE-s40-review": [_lists(cid, listed)]},
                "GET",
                f"{RECORDS}?nominal_id={nominal}&review_due_before={iso(before)}",
            )
        reviews = f"{rec}/reviews"
        due1, due2 = t0 + 6 * H, t0 + 15 * H
        case.refused(
            "A review by a sergeant is refused",
            "PACE-s40-review-rank",
            "POST",
            reviews,
            review(due1, SERGEANT),
        )
        case.refused(
            "A review by an inspector involved in the investigation is refused",
            "PACE-s40-review-rank",
            "POST",
            reviews,
            review(due1, involved_in_investigation=True),
        )
        case.refused(
            "A review 1 min late without a postponement reason is refused",
            "PACE-s40-postponement",
            "POST",
            reviews,
            review(due1 + M),
        )
        case.accepted(
            "A review by an inspector at the minute it is due is accepted, on time",
            {
                "PACE-s40-postponement": [field_is("reviews/0/on_time", True)],
                "PACE-s40-review-rank": [],
                "PACE-s40-review": [
                    instant_is("reviews/0/due_by", due1),
                    instant_is("clock/next_review_due", due2),
                ],
            },
            "POST",
            reviews,
            review(due1),
        )
        case.refused(
            "The second review 1 min late without a reason is refused",
            "PACE-s40-postponement",
            "POST",
            reviews,
            review(due2 + M),
        )
        case.accepted(
            "The second review 1 min late with a reason is accepted; the next is due 9 h after it was due",
            {
                "PACE-s40-postponement": [field_is("reviews/1/on_time", False)],
                "PACE-s40-review": [instant_is("clock/next_review_due", due2 + 9 * H)],
            },
            "POST",
            reviews,
            review(
                due2 + M,
                postponement_reason="The inspector was dealing with a serious incident in the cell block.",
            ),
        )
        case.setup("Releasing the detainee", "POST", f"{rec}/outcome", outcome(due2 + H))
        case.refused(
            "A review after release is refused",
            "PACE-s40-review-after-release",
            "POST",
            reviews,
            review(due2 + 90 * M),
            (409,),
        )

    # ------------------------------------------------------------------------------ s.42-s.44

    def _extended(self, case: Case, t0: datetime, forename: str) -> str:
        """A detainee reviewed on time and extended to 36 h at 20 h (the lawful path to a warrant)."""
        rec = self._book(case, t0 - 30 * M, t0, forename) or f"{RECORDS}/-"
        case.setup("Authorising detention", "POST", f"{rec}/authorisation", authorisation(t0))
        case.setup("The first review", "POST", f"{rec}/reviews", review(t0 + 6 * H))
        case.setup("The second review", "POST", f"{rec}/reviews", review(t0 + 15 * H))
        case.setup(
            "A superintendent's extension to 36 h",
            "POST",
            f"{rec}/extensions",
            extension(t0 + 20 * H, t0 + 36 * H),
        )
        for at in (t0 + 24 * H, t0 + 33 * H):
            case.setup("A review while extended", "POST", f"{rec}/reviews", review(at))
        return rec

    def extension_and_warrants(self, t0: datetime) -> None:
        case = Case(self.p, "custody: extension and warrants (s.42, s.43, s.44)")
        rec = self._book(case, t0 - 30 * M, t0, "Extension") or f"{RECORDS}/-"
        ext, war = f"{rec}/extensions", f"{rec}/warrants"
        case.setup("Authorising detention", "POST", f"{rec}/authorisation", authorisation(t0))
        case.setup("The first review", "POST", f"{rec}/reviews", review(t0 + 6 * H))
        case.refused(
            "An extension before the second review is refused",
            "PACE-s42-timing",
            "POST",
            ext,
            extension(t0 + 7 * H, t0 + 36 * H),
        )
        case.setup("The second review", "POST", f"{rec}/reviews", review(t0 + 15 * H))
        case.refused(
            "An extension by a chief inspector is refused",
            "PACE-s42-rank",
            "POST",
            ext,
            extension(t0 + 20 * H, t0 + 36 * H, CHIEF_INSPECTOR),
        )
        case.refused(
            "An extension for an offence that is not indictable is refused",
            "PACE-s42-indictable",
            "POST",
            ext,
            extension(t0 + 20 * H, t0 + 36 * H, indictable=False),
        )
        case.refused(
            "An extension to 36 h 1 min after the relevant time is refused",
            "PACE-s42-max36",
            "POST",
            ext,
            extension(t0 + 20 * H, t0 + 36 * H + M),
        )
        case.refused(
            "An extension that ends at the current limit is refused",
            "PACE-s42-extends",
            "POST",
            ext,
            extension(t0 + 20 * H, t0 + 24 * H),
        )
        case.refused(
            "An extension given 1 min after the 24 h limit is refused",
            "PACE-s42-timing",
            "POST",
            ext,
            extension(t0 + 24 * H + M, t0 + 36 * H),
        )
        case.accepted(
            "An extension by a superintendent at the 24 h limit, to 36 h, is accepted",
            {
                "PACE-s42-timing": [],
                "PACE-s42-rank": [],
                "PACE-s42-indictable": [],
                "PACE-s42-extends": [],
                "PACE-s42-max36": [
                    instant_is("clock/detention_limit", t0 + 36 * H),
                    field_is("clock/limit_basis", "superintendent_extension"),
                ],
            },
            "POST",
            ext,
            extension(t0 + 24 * H, t0 + 36 * H),
        )
        for at in (t0 + 24 * H, t0 + 33 * H):
            case.setup("A review while extended", "POST", f"{rec}/reviews", review(at))
        w1 = t0 + 36 * H + 30 * M
        case.refused(
            "A first warrant applied for 1 min after 36 h is refused",
            "PACE-s43-warrant",
            "POST",
            war,
            warrant(t0 + 36 * H + M, w1, t0 + 72 * H),
        )
        case.refused(
            "A warrant for 36 h 1 min from its issue is refused",
            "PACE-s43-warrant",
            "POST",
            war,
            warrant(t0 + 36 * H, w1, w1 + 36 * H + M),
        )
        case.accepted(
            "A first warrant applied for at 36 h, for 36 h from its issue, is accepted",
            {
                "PACE-s43-warrant": [
                    instant_is("clock/detention_limit", w1 + 36 * H),
                    field_is("clock/limit_basis", "warrant"),
                ]
            },
            "POST",
            war,
            warrant(t0 + 36 * H, w1, w1 + 36 * H),
        )
        case.refused(
            "A further warrant applied for 1 min after the current one ended is refused",
            "PACE-s43-warrant",
            "POST",
            war,
            warrant(w1 + 36 * H + M, w1 + 36 * H + 30 * M, t0 + 96 * H),
        )
        case.refused(
            "A further warrant to 96 h 1 min after the relevant time is refused",
            "PACE-s44-96h",
            "POST",
            war,
            warrant(t0 + 70 * H, t0 + 71 * H, t0 + 96 * H + M),
        )
        case.accepted(
            "A further warrant to 96 h after the relevant time is accepted",
            {
                "PACE-s44-96h": [
                    instant_is("clock/detention_limit", t0 + 96 * H),
                    instant_is("clock/absolute_limit", t0 + 96 * H),
                    field_is("clock/limit_basis", "warrant"),
                ]
            },
            "POST",
            war,
            warrant(t0 + 70 * H, t0 + 71 * H, t0 + 96 * H),
        )
        case.refused(
            "An extension once a warrant is issued is refused",
            "PACE-s42-timing",
            "POST",
            ext,
            extension(t0 + 80 * H, t0 + 90 * H),
        )

    def no_court_sitting(self, t0: datetime) -> None:
        case = Case(self.p, "custody: extension and warrants (s.42, s.43, s.44)")
        rec = self._extended(case, t0, "Court")
        issued = t0 + 42 * H + 30 * M
        case.refused(
            "With no court sitting, a first warrant applied for 1 min after 42 h is refused",
            "PACE-s43-warrant",
            "POST",
            f"{rec}/warrants",
            warrant(t0 + 42 * H + M, issued, issued + 36 * H, no_court_sitting=True),
        )
        case.accepted(
            "With no court sitting, a first warrant applied for at 42 h is accepted",
            {"PACE-s43-warrant": [instant_is("clock/detention_limit", issued + 36 * H)]},
            "POST",
            f"{rec}/warrants",
            warrant(t0 + 42 * H, issued, issued + 36 * H, no_court_sitting=True),
        )

    # ------------------------------------------------------------------------------- s.41(2)

    def relevant_time(self, t0: datetime) -> None:
        case = Case(self.p, "custody: relevant time (s.41(2))")
        for arrested, arrived, starts, extra, name in (
            (t0, t0 + 24 * H + M, t0 + 24 * H, {"arrested_outside_force_area": True},
             "Arrested outside the force area, arriving 24 h 1 min later: the clock starts 24 h after it"),
            (t0, t0 + 23 * H + 59 * M, t0 + 23 * H + 59 * M, {"arrested_outside_force_area": True},
             "Arrested outside the force area, arriving 23 h 59 min later: the clock starts at arrival"),
            (t0, t0 + 10 * M, t0, {"voluntary_attendance": True},
             "A voluntary attender arrested at the station: the clock starts at the arrest"),
        ):  # fmt: skip
            case.accepted(
                name,
                {
                    "PACE-s41-24h": [
                        instant_is("relevant_time", starts),
                        instant_is("clock/detention_limit", starts + 24 * H),
                    ]
                },
                "POST",
                RECORDS,
                booking(arrested, arrived, "Start", **extra),
            )


def _lists(custody_id: str, listed: bool) -> Callable[[dict[str, Any]], str | None]:
    def check(body: dict[str, Any]) -> str | None:
        items = body.get("items")
        if not isinstance(items, list):
            return "the answer has no items list"
        found = any(isinstance(i, dict) and i.get("custody_id") == custody_id for i in items)
        if found != listed:
            return f"the record {custody_id} is {'missing from' if listed else 'among'} the items"
        return None

    return check
