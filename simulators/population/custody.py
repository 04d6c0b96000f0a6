"""Custody histories: closed PACE custody records built forward from an arrest.

Times follow the detention clock and review limits of docs/domain.md 2.1-2.2: arrival within
24 hours of arrest, reviews no later than 6 hours after authorisation and then 9 hours apart, a
superintendent's extension to 36 hours only for indictable offences.
"""

from __future__ import annotations

from datetime import UTC, datetime

from simulators.domain import codelists as cl
from simulators.population import data
from simulators.population.dates import HOUR, MIN, age_on, iso, year_of
from simulators.population.people import Person
from simulators.population.records import Record
from simulators.population.scenarios import Scenario
from simulators.population.sharding import SEQ_STRIDE, Shard

BAIL_2017 = int(datetime(2017, 4, 3, tzinfo=UTC).timestamp())  # Policing and Crime Act 2017 bail reform
BAIL_2022 = int(datetime(2022, 10, 28, tzinfo=UTC).timestamp())  # PCSC Act 2022 bail reform

_CUSTODY_OUTCOMES = data.Weighted(
    [
        ("charged", 30),
        ("released_under_investigation", 18),
        ("bailed", 12),
        ("no_further_action", 27),
        ("cautioned", 10),
        ("transferred", 3),
    ]
)


class Custody(Shard):
    """Builds a custody record for an arrest."""

    def _custody(self, p: Person, arrest_ts: int, location: Record, station: str, scen: Scenario) -> Record:
        """A closed custody record whose clock obeys PACE ss.40-42 (docs/domain.md 2.1-2.2)."""
        rng = self.rng
        r = rng.random
        m = self._minutes
        key, _w, _hocr, cjs, extras, _vk, indictable, _in_act, _d, _s, _mk = scen
        arrived = arrest_ts + m(10, 90)
        relevant = arrived  # arrival at the first station, always within 24 h of arrest
        authorised = arrived + m(5, 40)
        outcome_type = _CUSTODY_OUTCOMES.pick(rng)

        # How long until the outcome decision (minutes after authorisation).
        x = r()
        if x < 0.55:
            length = m(90, 8 * 60)
        elif x < 0.85:
            length = m(8 * 60, 16 * 60)
        elif x < 0.96 or not indictable:
            length = m(16 * 60, 23 * 60)
        else:
            length = m(24 * 60 + 30, 35 * 60)
        decided = authorised + length
        limit = relevant + 24 * HOUR
        extensions: list[Record] = []
        if decided > limit - 30 * MIN and decided - relevant <= 24 * HOUR:
            decided = limit - 30 * MIN
        extended = decided - relevant > 24 * HOUR

        # Reviews: first <= 6 h after authorisation, then <= 9 h apart, until the outcome.
        reviews = []
        review_times = []
        prev = authorised
        interval = 6 * HOUR
        while prev + interval < decided:
            t = prev + int(interval * (0.6 + 0.4 * r()))
            t -= t % MIN
            if t <= prev:
                t = prev + MIN
            review_times.append(t)
            reviews.append(
                {
                    "reviewed_at": iso(t),
                    "reviewer": self._officer(self.inspectors, "inspector"),
                    "decision": "continue_detention",
                }
            )
            prev = t
            interval = 9 * HOUR

        if extended:
            # s.42: superintendent, after the second review, no later than 24 h after the relevant time.
            lo = max(review_times[1] + MIN, relevant + 20 * HOUR)
            hi = relevant + 24 * HOUR - MIN
            ext_at = self._between(lo, hi)
            limit = relevant + 36 * HOUR
            extensions.append(
                {
                    "authorised_at": iso(ext_at),
                    "until": iso(limit),
                    "by": self._officer(self.superintendents, "superintendent"),
                }
            )
            if decided > limit - 30 * MIN:
                decided = limit - 30 * MIN
        released = min(decided + m(5, 60), limit - MIN)

        offences = [{"cjs_code": cjs, "title": cl.CJS_OFFENCES[cjs]}]
        for extra in extras:
            if r() < 0.2:
                offences.append({"cjs_code": extra, "title": cl.CJS_OFFENCES[extra]})

        detail = self._outcome_detail(p, outcome_type, offences[0]["title"], decided, station)
        year = year_of(arrived)
        seq = self.custody_seq.get((station, year), 0) + 1
        if seq >= SEQ_STRIDE:
            raise RuntimeError("custody number space exhausted for one shard, station and year")
        self.custody_seq[(station, year)] = seq
        seq += self.shard * SEQ_STRIDE
        necessity = data.NECESSITY[int(r() * len(data.NECESSITY))]
        return {
            "custody_id": self._uuid(),
            "custody_number": f"{station}-{year}-{seq:06d}",
            "nominal_id": p.nid,
            "pnc_id": None,  # filled once the person's PNC ID is known
            "detainee": None,  # filled from the nominal as recorded
            "occurrence_id": None,  # filled by the caller
            "station": {"code": station, "name": data.STATIONS[station]},
            "arrest": {
                "arrested_at": iso(arrest_ts),
                "location": f"{location['line1']}, {location['town']}",
                "reason": f"Suspicion of: {offences[0]['title']}. Necessary {necessity}.",
                "officer": self._officer(self.constables),
            },
            "offences": offences,
            "arrived_at": iso(arrived),
            "relevant_time": iso(relevant),
            "detention_authorised_at": iso(authorised),
            "authorised_by": self._officer(self.sergeants, "sergeant"),
            "reviews": reviews,
            "extensions": extensions,
            "outcome": {"type": outcome_type, "decided_at": iso(decided), "detail": detail},
            "released_at": iso(released),
            "status": "released",
            "_decided": decided,
        }

    def _outcome_detail(self, p: Person, outcome_type: str, offence: str, decided: int, station: str) -> str:
        r = self.rng.random
        if outcome_type == "charged":
            court = data.COURTS[station]
            if r() < 0.2:
                return f"Charged with {offence}. Refused bail; to be produced at {court}."
            return f"Charged with {offence}. Bailed to appear at {court}."
        if outcome_type == "cautioned":
            kind = "Youth caution" if age_on(p.dob_ord, decided) < 18 else "Simple caution"
            return f"{kind} administered for {offence}."
        if outcome_type == "no_further_action":
            return "No further action: " + (
                "insufficient evidence to provide a realistic prospect of conviction."
                if r() < 0.7
                else "victim does not support a prosecution."
            )
        if outcome_type == "released_under_investigation":
            return "Released under investigation: no bail conditions and no return date."
        if outcome_type == "transferred":
            return "Transferred to the custody of another force to answer an outstanding warrant."
        if decided >= BAIL_2022:
            return "Released on pre-charge bail for 3 months with conditions: not to contact the complainant."
        if decided >= BAIL_2017:
            return "Released on pre-charge bail for 28 days with conditions: not to enter the town centre."
        return "Released on police bail to return to the station."
