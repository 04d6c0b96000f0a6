"""Intelligence reports about a person: source, 3x5x2 (or legacy 5x5x5) grading, classification, text.

Reports before 2016 are often graded 5x5x5 and, before April 2014, may carry a GPMS marking
(docs/domain.md 3); the original text identifies the source and the sanitised text does not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from random import Random

from simulators.population import data
from simulators.population.dates import (
    DAY,
    HISTORY_START,
    TEN_YEARS_DAYS,
    add_years,
    date_iso,
    iso,
    ord_of_ts,
    year_of,
)
from simulators.population.people import Person
from simulators.population.records import Record
from simulators.population.sharding import SEQ_STRIDE, Shard
from simulators.population.world import HOME_TOWN_NAMES

LEGACY_GRADING_UNTIL = int(datetime(2016, 1, 1, tzinfo=UTC).timestamp())  # approximate switch to 3x5x2
GSC_FROM = int(datetime(2014, 4, 2, tzinfo=UTC).timestamp())  # Government Security Classifications

_HANDLING_CONDITIONS = (
    "Not to be disseminated outside the force without reference to the originating intelligence unit.",
    "Not for evidential use. No executive action without reference to the dedicated source unit.",
    "Do not disclose to partner agencies; risk to the source if the subject learns of this report.",
    "May be shared with the local authority safeguarding team only.",
)
_LEGACY_CONDITIONS = (
    "Refer to the originator before any dissemination.",
    "Special handling set by the authorising officer: no dissemination.",
)

_TOPIC_TEXT = {
    "drug_supply": (
        "{name} is supplying {drug} from {place}. Customers arrive on foot and stay only a few "
        "minutes, mostly in the {period}.",
        "{name} is running a drug line and uses {vehicle} to deliver {drug} around {town}.",
    ),
    "weapons": (
        "{name} has been seen carrying a large knife in a bag and says it is for protection.",
        "{name} is storing a weapon at {place} for an associate.",
    ),
    "violence": (
        "{name} is involved in an ongoing feud and has threatened to seriously assault a rival in {town}.",
        "{name} has been boasting about an assault outside a bar in {town}.",
    ),
    "acquisitive": (
        "{name} is selling stolen power tools and bicycles from {place}.",
        "{name} is committing burglaries in {town} with an associate, using {vehicle}.",
    ),
    "whereabouts": (
        "{name} is staying at {place} and uses {vehicle}.",
        "{name} has moved and is now frequently seen at {place} in the {period}.",
    ),
}
_DRUGS = ("cocaine", "crack cocaine", "heroin", "cannabis", "ketamine")
_PERIODS = ("early evening", "late evening", "early morning", "afternoon")


def pick_index(x: float, weights: tuple[float, ...]) -> int:
    """Index chosen by ``x`` in [0, 1) over small fixed weights that sum to 1."""
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if x < acc:
            return i
    return len(weights) - 1


def vrm(rng: Random) -> str:
    """A current-style registration mark (two letters, two digits, three letters)."""
    letters = data.VRM_LETTERS
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(10, 75)} "
        f"{rng.choice(letters)}{rng.choice(letters)}{rng.choice(letters)}"
    )


class Intelligence(Shard):
    """Writes the intelligence reports held about a person."""

    def _intelligence_about(self, p: Person, topics: list[str]) -> list[Record]:
        """The reports about ``p``: offenders more often, on topics their offences suggest."""
        rng = self.rng
        r = rng.random
        lo_int = max(HISTORY_START, p.adult_from)
        hi_int = self.ref_ts - DAY
        n_int = 0
        if lo_int < hi_int:
            if p.offender and r() < 0.35:
                n_int = 1
                while n_int < 6 and r() < 0.4:
                    n_int += 1
            elif r() < 0.02:
                n_int = 1
        intel = []
        for _ in range(n_int):
            topic = (
                topics[int(r() * len(topics))]
                if topics and r() < 0.8
                else ("whereabouts" if r() < 0.5 else rng.choice(tuple(_TOPIC_TEXT)))
            )
            intel.append(self._intel(p, self._between(lo_int, hi_int), topic))
        return intel

    def _intel(self, p: Person, t: int, topic: str) -> Record:
        rng = self.rng
        r = rng.random
        year = year_of(t)
        n = self.intel_seq.get(year, 0) + 1
        if n >= SEQ_STRIDE:
            raise RuntimeError("intelligence reference space exhausted for one shard and year")
        self.intel_seq[year] = n
        n += self.shard * SEQ_STRIDE
        source = (
            "police_officer",
            "member_of_public",
            "chis",
            "partner_agency",
            "crimestoppers",
            "open_source",
        )[pick_index(r(), (0.30, 0.22, 0.18, 0.12, 0.12, 0.06))]
        name = f"{p.forenames[0]} {p.surname.upper()}"
        place_loc, _ = self._location()
        vehicle = f"a {rng.choice(data.COLOURS)} {rng.choice(data.VEHICLE_MAKES)} ({vrm(rng)})"
        templates = _TOPIC_TEXT[topic]
        core = templates[int(r() * len(templates))].format(
            name=name,
            drug=_DRUGS[int(r() * len(_DRUGS))],
            place=f"{place_loc['line1']}, {place_loc['town']}",
            period=_PERIODS[int(r() * len(_PERIODS))],
            vehicle=vehicle,
            town=place_loc["town"],
        )
        street = place_loc["line1"].split(" ", 1)[-1]
        when = datetime.fromtimestamp(t - self._minutes(60, 10 * 24 * 60), UTC).strftime("%d/%m/%Y")
        if source == "police_officer":
            officer = self._officer(self.constables)
            original = (
                f"PC {officer['collar_number']} {officer['name']} reports: while on patrol on {when} I "
                f"noted that {core}"
            )
            sanitised = f"Police patrols report that {core}"
        elif source == "member_of_public":
            original = (
                f"A resident of {street} who asked not to be identified (tel 07{int(r() * 1e9):09d}) "
                f"states that {core} The informant can see the address from their window."
            )
            sanitised = f"It is reported that {core}"
        elif source == "chis":
            venue = rng.choice(data.VENUES).format(street=street)
            original = (
                f"Source CHIS-{int(r() * 9000) + 1000} reports, from a meeting on {when} at {venue}, "
                f"that {core} The source was told this directly by the subject."
            )
            sanitised = f"It has been reported that {core}"
        elif source == "partner_agency":
            agency = rng.choice(data.PARTNER_AGENCIES)
            worker = self._officer(self.constables)["name"]
            original = f"{worker} of {agency} reports that {core}"
            sanitised = f"A partner agency reports that {core}"
        elif source == "crimestoppers":
            original = f"Crimestoppers report CS-{int(r() * 900000) + 100000}: {core}"
            sanitised = f"An anonymous report states that {core}"
        else:
            handle = f"{p.forenames[0].lower()}{int(r() * 1000)}"
            original = f"A public social media account (@{handle}) shows that {core}"
            sanitised = f"Open-source research indicates that {core}"

        grading = self._grading(source, t)
        if t < GSC_FROM and r() < 0.6:
            scheme_c = "GPMS"
            x = r()
            classification = "RESTRICTED" if x < 0.7 else ("CONFIDENTIAL" if x < 0.85 else "PROTECT")
        else:
            scheme_c = "GSC"
            x = r()
            if source == "chis":
                classification = "OFFICIAL-SENSITIVE" if x < 0.88 else ("SECRET" if x < 0.98 else "OFFICIAL")
            else:
                classification = "OFFICIAL" if x < 0.45 else ("OFFICIAL-SENSITIVE" if x < 0.99 else "SECRET")

        subjects = [{"nominal_id": p.nid, "role": "subject"}]
        if r() < 0.35:
            a = self._draw(t, TEN_YEARS_DAYS, {p.nid})
            if a is not None:
                subjects.append({"nominal_id": a[0], "role": "associate"})
        locations = [dict(place_loc)]
        if r() < 0.5 and p.address["town"] in HOME_TOWN_NAMES:
            locations.insert(0, dict(p.location))
        organisations = []
        if topic == "drug_supply" and r() < 0.25:
            organisations.append({"name": f"{street.split(' ')[0]} Crew", "type": "organised_crime_group"})
        elif topic == "acquisitive" and r() < 0.15:
            organisations.append({"name": f"{self.names.surnames.pick(rng)} Motors", "type": "business"})
        review_years = 10 if topic in ("weapons", "violence") else 6
        return {
            "report_id": self._uuid(),
            "reference": f"INT-{year}-{n:06d}",
            "submitted_at": iso(t),
            "source_type": source,
            "grading": grading,
            "classification": classification,
            "classification_scheme": scheme_c,
            "original_text": original,
            "sanitised_text": sanitised,
            "subjects": subjects,
            "locations": locations,
            "organisations": organisations,
            "review_date": date_iso(add_years(ord_of_ts(t), review_years)),
            "_ts": t,
        }

    def _grading(self, source: str, t: int) -> Record:
        r = self.rng.random
        if t < LEGACY_GRADING_UNTIL and r() < 0.65:
            s = "ABCDE"[pick_index(r(), (0.05, 0.35, 0.30, 0.05, 0.25))]
            i = "12345"[pick_index(r(), (0.05, 0.35, 0.35, 0.20, 0.05))]
            h = "12345"[pick_index(r(), (0.45, 0.15, 0.05, 0.30, 0.05))]
            cond = _LEGACY_CONDITIONS[int(r() * len(_LEGACY_CONDITIONS))] if h in ("4", "5") else None
            return {
                "scheme": "5x5x5",
                "source_evaluation": s,
                "intelligence_assessment": i,
                "handling_code": h,
                "handling_conditions": cond,
            }
        if source == "police_officer":
            s = "1" if r() < 0.9 else "2"
            i = "A" if r() < 0.7 else "B"
        elif source == "chis":
            x = r()
            s = "1" if x < 0.5 else ("2" if x < 0.9 else "3")
            i = "ABCDE"[pick_index(r(), (0.25, 0.35, 0.30, 0.08, 0.02))]
        else:
            x = r()
            s = "2" if x < 0.8 else ("3" if x < 0.95 else "1")
            i = "ABCDE"[pick_index(r(), (0.05, 0.25, 0.50, 0.15, 0.05))]
        handling = "C" if r() < (0.45 if source == "chis" else 0.1) else "P"
        cond = _HANDLING_CONDITIONS[int(r() * len(_HANDLING_CONDITIONS))] if handling == "C" else None
        return {
            "scheme": "3x5x2",
            "source_evaluation": s,
            "intelligence_assessment": i,
            "handling_code": handling,
            "handling_conditions": cond,
        }
