"""Boundary probes of the later PACE cases, through the custody standard API alone: a warrant
shorter than a running extension (s.43), detention and reviews after charge (s.38, s.40(1)(a)),
juveniles and the appropriate adult (Code C 1.5, 3.15, s.38(6)), pre-charge bail extensions
(s.47ZD-47ZF) and a return from bail (s.47(6), s.46A). Times in the target's past, as in
custody_probes.py; docs/domain.md 2.1, 2.2, 2.3 and 2.5 state the rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from harness.oracle.custody_probes import (
    INSPECTOR,
    RECORDS,
    SERGEANT,
    SUPERINTENDENT,
    CustodyProbes,
    authorisation,
    booking,
    extension,
    outcome,
    review,
    warrant,
)
from harness.oracle.probing import Case, Prober, field_is, instant_is, iso, minute_floor
from simulators.custody.clock import add_months

H = timedelta(hours=1)
M = timedelta(minutes=1)
UK = ZoneInfo("Europe/London")
CONSTABLE_REVIEWER = {"name": "PC Amy Walsh", "collar_number": "4512", "rank": "constable"}
CHARGES = [{"cjs_code": "TH68001", "title": "Burglary dwelling and theft"}]


def charge(at: datetime, **extra: object) -> dict[str, object]:
    return {
        "charged_at": iso(at),
        "charged_by": SERGEANT,
        "charges": CHARGES,
        "grounds": "Necessary to prevent further offences; for the next available court",
        **extra,
    }


def appropriate_adult(at: datetime) -> dict[str, object]:
    return {
        "name": "Ann Boundary",
        "relationship": "parent_or_guardian",
        "reason": "juvenile",
        "informed_at": iso(at),
        "informed_by": SERGEANT,
    }


def eighteen_years_before(day: date) -> str:
    """The date of birth of someone who turns 18 on `day` (29 Feb moved to 28 Feb)."""
    try:
        return day.replace(year=day.year - 18).isoformat()
    except ValueError:
        return date(day.year - 18, 2, 28).isoformat()


class LaterProbes(CustodyProbes):
    def run_later(self, t0: datetime) -> None:
        self.warrant_from_issue(t0)
        self.after_charge(t0)
        self.juvenile(t0)
        self.bail(t0)

    def _detained(self, case: Case, t0: datetime, forename: str, dob: str | None = None) -> str:
        extra = {}
        if dob:
            extra = {"detainee": {**booking(t0, t0, forename)["detainee"], "date_of_birth": dob}}
        rec = self._book(case, t0 - 30 * M, t0, forename, **extra) or f"{RECORDS}/-"
        case.setup("Authorising detention", "POST", f"{rec}/authorisation", authorisation(t0))
        return rec

    def warrant_from_issue(self, t0: datetime) -> None:
        case = Case(self.p, "custody: a warrant runs from its issue (s.43)")
        rec = self._extended(case, t0, "Issue")
        case.accepted(
            "A warrant issued at 34 h for 1 h inside an extension to 36 h ends detention at 35 h",
            {
                "PACE-s43-from-issue": [
                    instant_is("clock/detention_limit", t0 + 35 * H),
                    field_is("clock/limit_basis", "warrant"),
                ]
            },
            "POST",
            f"{rec}/warrants",
            warrant(t0 + 33 * H, t0 + 34 * H, t0 + 35 * H),
        )

    def after_charge(self, t0: datetime) -> None:
        case = Case(self.p, "custody: detention after charge (s.38, s.40(1)(a))")
        rec = self._detained(case, t0, "Charged")
        case.setup("The first review", "POST", f"{rec}/reviews", review(t0 + 6 * H))
        case.accepted(
            "Charged at 7 h and kept: 93 h later the pre-charge limit is not overdue",
            {"PACE-s41-after-charge": [field_is("clock/detention_overdue", False)]},
            "POST",
            f"{rec}/charge",
            charge(t0 + 7 * H),
        )
        case.refused(
            "A second charge is refused",
            "CUS-ALREADY-CHARGED",
            "POST",
            f"{rec}/charge",
            charge(t0 + 8 * H),
            (409,),
        )
        case.refused(
            "A superintendent's extension after charge is refused",
            "PACE-s41-after-charge",
            "POST",
            f"{rec}/extensions",
            extension(t0 + 20 * H, t0 + 36 * H),
        )
        case.refused(
            "A review after charge by a constable is refused",
            "PACE-s40-after-charge",
            "POST",
            f"{rec}/reviews",
            review(t0 + 14 * H, CONSTABLE_REVIEWER),
        )
        case.accepted(
            "A review after charge by the custody officer (sergeant), 9 h after the first, is on time",
            {"PACE-s40-after-charge": [field_is("reviews/1/on_time", True)]},
            "POST",
            f"{rec}/reviews",
            review(t0 + 15 * H, SERGEANT),
        )

    def juvenile(self, t0: datetime) -> None:
        day = t0.astimezone(UK).date()
        case = Case(self.p, "custody: juveniles and the appropriate adult (Code C 3.15, s.38(6))")
        rec = self._detained(case, t0, "Juvenile", eighteen_years_before(day + timedelta(days=1)))
        case.refused(
            "A juvenile charged with no appropriate adult informed is refused",
            "PACE-CodeC-appropriate-adult",
            "POST",
            f"{rec}/charge",
            charge(t0 + 2 * H),
        )
        case.setup(
            "The appropriate adult informed at 2 h 1 min",
            "POST",
            f"{rec}/appropriate-adults",
            appropriate_adult(t0 + 2 * H + M),
        )
        case.refused(
            "A juvenile charged 1 min before the appropriate adult was informed is refused",
            "PACE-CodeC-appropriate-adult",
            "POST",
            f"{rec}/charge",
            charge(t0 + 2 * H),
        )
        case.refused(
            "A juvenile kept after charge with no local authority transfer or certificate is refused",
            "PACE-s38-6-transfer",
            "POST",
            f"{rec}/charge",
            charge(t0 + 2 * H + M),
        )
        case.accepted(
            "A juvenile charged when the appropriate adult was informed, with a certificate, is accepted",
            {
                "PACE-CodeC-appropriate-adult": [field_is("juvenile", True)],
                "PACE-s38-6-transfer": [
                    field_is("charge/local_authority_accommodation/arrangement", "not_practicable")
                ],
            },
            "POST",
            f"{rec}/charge",
            charge(
                t0 + 2 * H + M,
                local_authority_accommodation={
                    "arrangement": "not_practicable",
                    "certificate_reason": "No placement could be found tonight",
                },
            ),
        )
        adult = Case(self.p, "custody: juveniles and the appropriate adult (Code C 3.15, s.38(6))")
        rec = self._detained(adult, t0, "Eighteen", eighteen_years_before(day))
        adult.accepted(
            "A detainee who turned 18 on the day of arrival is an adult: charged with no appropriate adult",
            {"PACE-CodeC-appropriate-adult": [field_is("juvenile", False)]},
            "POST",
            f"{rec}/charge",
            charge(t0 + 2 * H),
        )

    def bail(self, t0: datetime) -> None:
        case = Case(self.p, "custody: pre-charge bail and a return from bail (s.47ZD-47ZF, s.47(6))")
        rec = self._detained(case, t0, "Bailed")
        bail_day = (t0 + 9 * H).date()
        case.setup(
            "Released on bail at 9 h",
            "POST",
            f"{rec}/outcome",
            outcome(t0 + 9 * H, "bailed", bail={"return_date": (bail_day + timedelta(days=28)).isoformat()}),
        )
        ext = f"{rec}/bail-extensions"

        def body(until: date, by: Mapping[str, object]) -> dict[str, object]:
            return {"authorised_at": iso(t0 + 10 * H), "authorised_by": by, "until": until.isoformat()}

        six, nine = add_months(bail_day, 6), add_months(bail_day, 9)
        case.accepted(
            "An inspector extends bail to 6 months from the bail day",
            {"PACE-s47ZD-bail-extension": [field_is("bail_extensions/0/until", six.isoformat())]},
            "POST",
            ext,
            body(six, INSPECTOR),
        )
        case.refused(
            "An inspector extending bail to 6 months and a day is refused",
            "PACE-s47ZD-bail-extension",
            "POST",
            ext,
            body(six + timedelta(days=1), INSPECTOR),
        )
        case.refused(
            "A superintendent extending bail to 9 months and a day is refused",
            "PACE-s47ZF-bail-court",
            "POST",
            ext,
            body(nine + timedelta(days=1), SUPERINTENDENT),
        )
        case.accepted(
            "A superintendent extends bail to 9 months",
            {"PACE-s47ZF-bail-court": [field_is("bail_extensions/1/until", nine.isoformat())]},
            "POST",
            ext,
            body(nine, SUPERINTENDENT),
        )
        cid = rec.rsplit("/", 1)[-1]
        back = t0 + 20 * H
        for reason, pause in (("breach_of_bail_conditions", 3 * H), ("answered_bail", 0 * H)):
            case.accepted(
                f"Back from bail ({reason}) at 20 h: 9 h already used count"
                + (", after a 3 h pause" if pause else ""),
                {
                    "PACE-s47-6-time-used": [
                        instant_is("relevant_time", back + pause - 9 * H),
                        instant_is("clock/detention_limit", back + pause + 15 * H),
                    ]
                },
                "POST",
                RECORDS,
                _booking_back(back, f"Back{reason[:6].title()}", cid, reason),
            )
        never = Case(self.p, "custody: pre-charge bail and a return from bail (s.47ZD-47ZF, s.47(6))")
        rec = self._detained(never, t0, "NeverBailed")
        never.refused(
            "A bail extension on a record not released on bail is refused",
            "CUS-NOT-ON-BAIL",
            "POST",
            f"{rec}/bail-extensions",
            body(six, INSPECTOR),
            (409,),
        )


def _booking_back(arrived: datetime, forename: str, custody_id: str, reason: str) -> dict[str, object]:
    back = {"custody_id": custody_id, "reason": reason}
    return booking(arrived - 30 * M, arrived, forename, bail_return=back)


def run_custody(prober: Prober) -> None:
    """Every custody probe: the detention clock's (custody_probes.py), then these later cases."""
    CustodyProbes(prober).run()
    LaterProbes(prober).run_later(minute_floor(prober.now()) - 100 * H)
