"""Occurrences: crimes a person is arrested for, crimes against them, and incidents they are part of.

Arrests come from weighted scenarios (offence, victim kind, likely markers), each usually with a
PACE custody record (custody.py) whose outcome decides the occurrence's outcome. Victims,
witnesses and other parties are drawn from people already emitted by the shard, so every link
points at a nominal that exists earlier in the stream.
"""

from __future__ import annotations

from bisect import bisect_right

from simulators.domain import codelists as cl
from simulators.population.custody import Custody
from simulators.population.dates import (
    DAY,
    HISTORY_START,
    MIN,
    SIXTEEN_YEARS_DAYS,
    TEN_YEARS_DAYS,
    age_on,
    iso,
    ord_of_ts,
    year_of,
)
from simulators.population.people import History, People, Person
from simulators.population.records import Record
from simulators.population.scenarios import (
    ARREST_W,
    CHILD_INCIDENT,
    INCIDENT_W,
    TOPICS_FOR,
    VICTIM,
    VICTIM_W,
)
from simulators.population.sharding import OCC_STRIDE
from simulators.population.world import HOME_STATION, HOME_TOWN_NAMES

#: Chance that a person has offended, by age now: _OFFENDING_CHANCE[i] below _OFFENDING_AGES[i]
#: (and the last for everyone older); rough, not measured.
_OFFENDING_AGES = (12.0, 18.0, 25.0, 35.0, 45.0, 55.0, 65.0)
_OFFENDING_CHANCE = (0.0, 0.18, 0.42, 0.45, 0.38, 0.28, 0.16, 0.08)


class Occurrences(People, Custody):
    """Plans a person's occurrences: their offending history first, then victimisation and incidents."""

    def _offending(self, p: Person) -> History:
        """Decide whether ``p`` offends and, if so, their arrests, custody records and markers."""
        r = self.r
        age_now = (self.ref_ord - p.dob_ord) / 365.2425
        base = _OFFENDING_CHANCE[bisect_right(_OFFENDING_AGES, age_now)]
        if p.sex == "female":
            base *= 0.45
        elif p.sex == "unknown":
            base *= 0.7
        lo_off = max(HISTORY_START, p.adult_from + DAY)
        hi_off = self.ref_ts - 50 * DAY  # room for the longest report, arrest and detention chain
        p.offender = r() < base and lo_off < hi_off

        history = History()
        if not p.offender:
            return history
        x = r()  # arrests per offender: most once, a prolific few many times
        if x < 0.5:
            n = 1
        elif x < 0.72:
            n = 2
        elif x < 0.85:
            n = 3
        elif x < 0.93:
            n = 4 + int(r() * 2)
        else:
            n = 6 + int(r() * 7)
        markers = history.markers
        times = sorted(self._between(lo_off, hi_off) for _ in range(n))
        for t in times:
            occ, cust, record_made, charged = self._arrest_occurrence(p, t)
            history.occurrences.append(occ)
            if cust:
                history.custody.append(cust)
            scen = occ.pop("_scenario")
            topic = TOPICS_FOR.get(scen[0])
            if topic:
                history.topics.append(topic)
            year = year_of(t)
            if record_made and history.first_record_year is None:
                history.first_record_year = year
            if charged and history.first_charge_year is None:
                history.first_charge_year = year
            for code, prob in scen[10]:
                if code not in markers and r() < prob:
                    markers[code] = ord_of_ts(t) + int(r() * 14)
        if history.first_record_year is not None:
            self._other_markers(markers, lo_off, hi_off)
        return history

    def _other_occurrences(self, p: Person, history: History) -> None:
        """Victimisation and incidents; everyone is linked to at least one occurrence (no orphans)."""
        r = self.r
        extra = 0
        if not p.offender:
            extra = 1
            while extra < 4 and r() < 0.25:
                extra += 1
        else:
            extra = (1 if r() < 0.2 else 0) + (1 if r() < 0.15 else 0)
        for _ in range(extra):
            history.occurrences.append(
                self._victim_occurrence(p) if r() < 0.55 else self._incident(p, p.nid, p.location)
            )

    def _occ_reference(self, reported: int) -> str:
        year = year_of(reported)
        n = self.occ_seq.get(year, 0) + 1
        if n >= OCC_STRIDE:
            raise RuntimeError("occurrence reference space exhausted for one shard and year")
        self.occ_seq[year] = n
        return f"OCC-{year}-{self.shard * OCC_STRIDE + n:06d}"

    def _occurrence(
        self,
        kind: str,
        code: str,
        summaries: tuple[str, ...],
        times: tuple[int, int, int, int],
        location: Record,
        status: str,
        outcome: str | None,
        links: list[Record],
    ) -> Record:
        """The occurrence record (``_created`` kept for the caller); draws its id, then its summary."""
        occ_from, occ_to, reported, created = times
        titles = cl.HOCR_CLASSIFICATIONS if kind == "crime" else cl.INCIDENT_CATEGORIES
        return {
            "occurrence_id": self._uuid(),
            "reference": self._occ_reference(reported),
            "type": kind,
            "classification": {"code": code, "title": titles[code]},
            "summary": summaries[int(self.r() * len(summaries))],
            "occurred_from": iso(occ_from),
            "occurred_to": iso(occ_to),
            "reported_at": iso(reported),
            "location": location,
            "status": status,
            "outcome": {"code": outcome, "title": cl.OUTCOMES[outcome]} if outcome else None,
            "links": links,
            "created_at": iso(created),
            "_created": created,
        }

    def _arrest_occurrence(self, p: Person, t: int) -> tuple[Record, Record | None, bool, bool]:
        """A crime with this person as suspect, usually with an arrest and a custody record.

        Returns (occurrence, custody record or None, PNC record made?, charged or summonsed?).
        """
        rng = self.rng
        r = rng.random
        scen = ARREST_W.pick(rng)
        (key, _w, hocr, cjs, extras, victim_kind, indictable, in_act, max_dur, summaries, _m) = scen
        occ_from = t
        occ_to = occ_from + self._minutes(0, max_dur)
        if in_act:
            reported = occ_to + self._minutes(2, 45)
        elif key == "harassment":
            reported = occ_to + self._minutes(30, 2 * 24 * 60)
        else:
            reported = occ_to + self._minutes(5, 16 * 60)
        # Recorded before the detainee can arrive in custody, so the nominal exists at booking-in.
        created = reported + self._minutes(2, 14)

        links = []
        exclude = {p.nid}
        victim = None
        location = None
        station = None
        if victim_kind in ("person", "home"):
            victim = self._draw(
                reported, SIXTEEN_YEARS_DAYS if victim_kind == "home" else TEN_YEARS_DAYS, exclude
            )
            if victim is not None:
                exclude.add(victim[0])
                if victim_kind == "home" and victim[4]["town"] in HOME_TOWN_NAMES:
                    location = dict(victim[3])
        if location is None:
            location, station = self._location()
        if station is None:
            station = HOME_STATION[location["town"]]

        arrested = key != "harassment" or r() < 0.8
        rec = None
        if not in_act and r() < 0.15:
            arrested = False  # voluntary attendance / interview under caution
        if arrested:
            if in_act:
                arrest_ts = reported + self._minutes(5, 90)
            else:
                arrest_ts = reported + self._minutes(60, 14 * 24 * 60)
            rec = self._custody(p, arrest_ts, location, station, scen)
            outcome_type = rec["outcome"]["type"]
            decided = rec["_decided"]
            del rec["_decided"]
            outcome, status, charged = self._occurrence_outcome(p, outcome_type, decided, victim is not None)
            record_made = True
        else:
            decided = reported + self._minutes(7 * 24 * 60, 60 * 24 * 60)
            if decided >= self.ref_ts - DAY:
                outcome, status, charged = None, "under_investigation", False
            elif r() < 0.4:
                outcome, status, charged = "1", "closed", True
            else:
                outcome = "16" if victim is not None and r() < 0.5 else ("15" if victim is not None else "21")
                status, charged = "closed", False
            record_made = charged
        role = "offender" if outcome in ("1", "2", "3") else "suspect"
        links.append({"nominal_id": p.nid, "role": role})
        if victim is not None:
            links.append({"nominal_id": victim[0], "role": "victim"})
            if r() < 0.7:
                links.append({"nominal_id": victim[0], "role": "person_reporting"})
        elif victim_kind == "business" and r() < 0.5:
            staff = self._draw(reported, SIXTEEN_YEARS_DAYS, exclude)
            if staff is not None:
                exclude.add(staff[0])
                links.append({"nominal_id": staff[0], "role": "person_reporting"})
        if r() < 0.25:
            witness = self._draw(reported, TEN_YEARS_DAYS, exclude)
            if witness is not None:
                links.append({"nominal_id": witness[0], "role": "witness"})

        occ = self._occurrence(
            "crime", hocr, summaries, (occ_from, occ_to, reported, created), location, status, outcome, links
        )
        occ["_scenario"] = scen
        if rec is not None:
            rec["occurrence_id"] = occ["occurrence_id"]
        return occ, rec, record_made, charged

    def _occurrence_outcome(
        self, p: Person, outcome_type: str, decided: int, has_victim: bool
    ) -> tuple[str | None, str, bool]:
        """Occurrence (outcome code, status, charged/summonsed?) consistent with the custody outcome."""
        r = self.rng.random
        if outcome_type == "charged":
            return "1", "closed", True
        if outcome_type == "cautioned":
            return ("2" if age_on(p.dob_ord, decided) < 18 else "3"), "closed", False
        if outcome_type == "no_further_action":
            if has_victim:
                return ("16" if r() < 0.45 else "15"), "closed", False
            return ("15" if r() < 0.7 else "21"), "closed", False
        if outcome_type == "transferred":
            return "20", "closed", False
        # bailed or released under investigation: still open unless long ago.
        if decided < self.ref_ts - 365 * DAY:
            if r() < 0.35:
                return "1", "closed", True  # later charged by postal requisition
            return ("16" if has_victim and r() < 0.5 else "15"), "closed", False
        return None, "under_investigation", False

    def _victim_occurrence(self, p: Person) -> Record:
        """A crime with this person as the victim and no suspect identified."""
        rng = self.rng
        r = rng.random
        hocr, _w, at_home, max_dur, summaries = VICTIM_W.pick(rng)
        lo = max(HISTORY_START, p.adult_from)
        hi = self.ref_ts - max_dur * MIN - 3 * DAY
        if lo >= hi:
            return self._incident(p, p.nid, p.location, child=True)
        occ_from = self._between(lo, hi)
        if at_home and age_on(p.dob_ord, occ_from) < 18:
            # A child is not the householder: make it a theft from the person (shorter, so still in range).
            hocr, _w, at_home, max_dur, summaries = VICTIM[4]
        occ_to = occ_from + self._minutes(0, max_dur)
        reported = occ_to + self._minutes(5, 24 * 60)
        created = reported + self._minutes(2, 120)
        location = (
            dict(p.location) if at_home and p.address["town"] in HOME_TOWN_NAMES else self._location()[0]
        )
        links = [{"nominal_id": p.nid, "role": "victim"}]
        if r() < 0.8:
            links.append({"nominal_id": p.nid, "role": "person_reporting"})
        if r() < 0.15:
            w = self._draw(reported, TEN_YEARS_DAYS, {p.nid})
            if w is not None:
                links.append({"nominal_id": w[0], "role": "witness"})
        if reported > self.ref_ts - 60 * DAY and r() < 0.6:
            status, outcome = "under_investigation", None
        else:
            status, outcome = "closed", ("18" if r() < 0.7 else "14")
        return self._occurrence(
            "crime", hocr, summaries, (occ_from, occ_to, reported, created), location, status, outcome, links
        )

    def _incident(
        self, p: Person, nid: str, home_location: Record, child: bool = False, not_before: int = 0
    ) -> Record:
        """A non-crime incident with this person in the category's role."""
        rng = self.rng
        r = rng.random
        hi = self.ref_ts - 2 * DAY
        lo = max(HISTORY_START, p.adult_from, not_before)
        if child or lo >= hi:
            category, _w, role, other_role, summaries = CHILD_INCIDENT
            lo = max(HISTORY_START, p.dob_ts + DAY, min(not_before, hi - DAY))
        else:
            category, _w, role, other_role, summaries = INCIDENT_W.pick(rng)
        occ_from = self._between(lo, hi)
        occ_to = occ_from + self._minutes(0, 120)
        reported = occ_to + (
            self._minutes(60, 18 * 60) if category == "PSW-MISSING" else self._minutes(0, 60)
        )
        created = reported + self._minutes(1, 30)
        links = [{"nominal_id": nid, "role": role}]
        if other_role and r() < 0.6:
            o = self._draw(reported, SIXTEEN_YEARS_DAYS, {nid, p.nid})
            if o is not None:
                links.append({"nominal_id": o[0], "role": other_role})
        location = (
            dict(home_location)
            if category in ("PSW-MISSING", "PSW-DOMESTIC", "ASB-NUISANCE")
            and home_location["town"] in HOME_TOWN_NAMES
            else self._location()[0]
        )
        status = "open" if reported > self.ref_ts - 3 * DAY else "closed"
        return self._occurrence(
            "incident",
            category,
            summaries,
            (occ_from, occ_to, reported, created),
            location,
            status,
            None,
            links,
        )
