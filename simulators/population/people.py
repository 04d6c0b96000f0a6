"""People and their identities: who a person truly is, and the nominal record made of them.

A person's true facts (sex, date of birth, ethnicity, name, home) are drawn first; their records'
history is planned next (occurrences.py, intelligence.py); the identity fields that depend on that
history (PNC ID, CRO number, warning markers, aliases, ``created_at``) are derived last, so they are
coherent with it by construction (a PNC year is never after the first arrest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from simulators.domain import codelists as cl
from simulators.domain.identifiers import make_cro_number, make_pnc_id
from simulators.population import data
from simulators.population.dates import add_years, date_iso, iso, ord_of_ts, ts_of_ord
from simulators.population.records import Record
from simulators.population.sharding import CRO_STRIDE, PNC_STRIDE, Shard

_ETHNICITY = data.Weighted(
    [
        ("W1", 70.0),
        ("W2", 1.0),
        ("W3", 0.2),
        ("W9", 6.0),
        ("M1", 1.0),
        ("M2", 0.5),
        ("M3", 1.0),
        ("M9", 0.8),
        ("A1", 3.0),
        ("A2", 3.5),
        ("A3", 1.0),
        ("A4", 0.7),
        ("A9", 1.4),
        ("B1", 1.0),
        ("B2", 2.4),
        ("B9", 0.4),
        ("O2", 0.6),
        ("O9", 1.5),
        ("NS", 4.0),
    ]
)

_AGE_BUCKETS = data.Weighted(
    [
        ((0, 10), 5),
        ((10, 18), 9),
        ((18, 25), 13),
        ((25, 35), 19),
        ((35, 45), 17),
        ((45, 55), 14),
        ((55, 65), 11),
        ((65, 92), 12),
    ]
)

#: Warning markers that are not tied to one offence, with the chance an offender carries each.
_OTHER_MARKERS = (
    ("MH", 0.05),
    ("SH", 0.04),
    ("AT", 0.015),
    ("AG", 0.01),
    ("ES", 0.005),
    ("FI", 0.005),
    ("CO", 0.003),
    ("IM", 0.002),
    ("EX", 0.001),
)


class Person:
    """The true facts about one person while their records are being built."""

    __slots__ = (
        "address",
        "created",
        "dob_ord",
        "dob_ts",
        "eth",
        "forenames",
        "nid",
        "offender",
        "sex",
        "surname",
        "adult_from",
        "location",
        # Identity details as recorded (None: not recorded), drawn by identity.py.
        "ni_number",
        "true_ni_number",
        "place_of_birth",
        "nationality",
        "observed_ethnicity",
    )
    address: dict[str, str]
    created: int  # epoch seconds: first recorded
    dob_ord: int  # true date of birth, date.toordinal()
    dob_ts: int
    eth: str  # self-defined ethnicity code
    forenames: list[str]
    nid: str
    offender: bool
    sex: str
    surname: str
    adult_from: int  # epoch seconds: 10th birthday (age of criminal responsibility)
    location: dict[str, str]
    ni_number: str | None
    true_ni_number: str | None
    place_of_birth: str | None
    nationality: str | None
    observed_ethnicity: str | None


@dataclass(slots=True)
class History:
    """What a person's planned occurrences established, for the identity fields derived from them."""

    occurrences: list[Record] = field(default_factory=list)
    custody: list[Record] = field(default_factory=list)  # completed with the PNC ID and details once known
    markers: dict[str, int] = field(default_factory=dict)  # warning marker code -> day ordinal added
    topics: list[str] = field(default_factory=list)  # intelligence topics suggested by the offences
    first_record_year: int | None = None  # PNC: first arrest or summons
    first_charge_year: int | None = None  # CRO: first charge or summons


class People(Shard):
    """Draws people's true facts and builds their nominal records."""

    def _serial(self, last: dict[int, int], year: int, start: int, step: int, stride: int, what: str) -> int:
        """The next serial of a year in this shard's range: from a random start, up 1..step each time."""
        rng = self.rng
        serial = last.get(year) or int(rng.random() * start)
        serial += 1 + int(rng.random() * step)
        if serial >= stride:
            raise RuntimeError(f"{what} serial space exhausted for one shard and year")
        last[year] = serial
        return self.shard * stride + serial

    def _pnc(self, year: int) -> str:
        return make_pnc_id(year, self._serial(self.pnc_next, year, 5000, self.pnc_step, PNC_STRIDE, "PNC"))

    def _cro(self, year: int) -> str:
        serial = self._serial(self.cro_next, year, 1000, self.cro_step, CRO_STRIDE, "CRO")
        return make_cro_number(serial, year, sf=self.rng.random() < 0.05)

    def _name(self, sex: str, eth: str) -> tuple[str, list[str]]:
        rng = self.rng
        p = self.names
        male = sex == "male" or (sex == "unknown" and rng.random() < 0.5)
        group = None
        if eth in ("A1", "A2", "A3") and rng.random() < 0.8:
            group = (p.south_asian_male, p.south_asian_female, p.south_asian_surnames)
        elif eth == "O2" and rng.random() < 0.8:
            group = (p.arab_male, p.arab_female, p.arab_surnames)
        elif eth == "B2" and rng.random() < 0.6:
            group = (p.african_male, p.african_female, p.african_surnames)
        elif eth == "A4" and rng.random() < 0.8:
            group = (p.chinese_male, p.chinese_female, p.chinese_surnames)
        if group:
            firsts = group[0] if male else group[1]
            surname = group[2][int(rng.random() * len(group[2]))]
        else:
            firsts = p.male if male else p.female
            surname = p.surnames.pick(rng)
            if rng.random() < 0.02:
                other = p.surnames.pick(rng)
                if other != surname:
                    surname = f"{surname}-{other}"
        forenames = [firsts[int(rng.random() * len(firsts))]]
        r = rng.random()
        if r < 0.55:  # middle names, never repeating a name already given
            for _ in range(2 if r < 0.07 else 1):
                middle = firsts[int(rng.random() * len(firsts))]
                if middle not in forenames:
                    forenames.append(middle)
        return surname, forenames

    def _new_person(self, chosen: dict[str, bool]) -> Person:
        """A person's true facts: id, sex, date of birth, ethnicity, name and home."""
        rng = self.rng
        r = rng.random
        p = Person()
        p.nid = self._uuid()
        x = r()
        p.sex = "male" if x < 0.492 else ("female" if x < 0.997 else "unknown")
        lo_age, hi_age = _AGE_BUCKETS.pick(rng)
        age_days = int((lo_age + r() * (hi_age - lo_age)) * 365.2425)
        p.dob_ord = min(self.ref_ord - 30 - int(r() * 10), self.ref_ord - age_days)
        if chosen["transposed_dob"]:
            d = date.fromordinal(p.dob_ord)
            day = 1 + int(r() * 12)
            if day == d.month:
                day = d.month % 12 + 1
            p.dob_ord = d.replace(day=day).toordinal()
        p.dob_ts = ts_of_ord(p.dob_ord)
        p.adult_from = ts_of_ord(add_years(p.dob_ord, 10))  # age of criminal responsibility
        p.eth = _ETHNICITY.pick(rng)
        p.surname, p.forenames = self._name(p.sex, p.eth)
        home = r() < 0.86
        p.address, p.location, _ = self._address(home)
        return p

    def _other_markers(self, markers: dict[str, int], lo: int, hi: int) -> None:
        """Add the markers not tied to one offence (mental health, self-harm, ...) to an offender's."""
        r = self.r
        for code, prob in _OTHER_MARKERS:
            if r() < prob and code not in markers:
                markers[code] = ord_of_ts(self._between(lo, hi))

    def _nominal(self, p: Person, history: History, intel: list[Record]) -> Record:
        """The nominal record of ``p`` as first recorded, with identifiers derived from their history."""
        r = self.r
        created = min(o["_created"] for o in history.occurrences)
        for rep in intel:
            created = min(created, rep.pop("_ts"))
        p.created = created
        pnc = None
        if history.first_record_year is not None:
            year = history.first_record_year
            if r() < 0.2:  # the person's PNC record predates this force's RMS history
                earliest = max(1975, date.fromordinal(p.dob_ord).year + 10)
                if earliest < year:
                    year = earliest + int(r() * (year - earliest))
            pnc = self._pnc(year)
        cro = self._cro(history.first_charge_year) if history.first_charge_year is not None else None

        aliases: list[Record] = []
        if (p.offender and r() < 0.12) or r() < 0.01:
            for _ in range(1 if r() < 0.7 else 2):
                aliases.append(self._alias(p))

        return {
            "nominal_id": p.nid,
            "pnc_id": pnc,
            "cro_number": cro,
            "ni_number": p.ni_number,
            "surname": p.surname,
            "forenames": list(p.forenames),
            "sex": p.sex,
            "date_of_birth": date_iso(p.dob_ord),
            "place_of_birth": p.place_of_birth,
            "nationality": p.nationality,
            "ethnicity": p.eth,
            "self_defined_ethnicity": p.eth,
            "officer_observed_ethnicity": p.observed_ethnicity,
            "address": dict(p.address),
            "aliases": aliases,
            "warning_markers": [
                {
                    "code": code,
                    "description": cl.WARNING_MARKERS[code],
                    "added_on": date_iso(min(day, self.ref_ord - 1)),
                }
                for code, day in sorted(history.markers.items(), key=lambda kv: (kv[1], kv[0]))
            ],
            "created_at": iso(created),
        }

    def _alias(self, p: Person) -> Record:
        r = self.rng.random
        surname, forenames = self._name(p.sex, p.eth)
        x = r()
        if x < 0.4:
            alias = {"surname": p.surname, "forenames": forenames[:1]}
        elif x < 0.8:
            alias = {"surname": surname, "forenames": list(p.forenames)}
        else:
            alias = {"surname": surname, "forenames": forenames}
        if r() < 0.35:
            d = date.fromordinal(p.dob_ord)
            shift = int(r() * 3)
            if shift == 0:
                alt = d.replace(year=d.year + (1 if r() < 0.5 else -1), day=min(d.day, 28))
            elif shift == 1:
                alt = d.replace(day=min(28, d.day % 28 + 1))
            else:
                alt = d.replace(month=d.month % 12 + 1, day=min(d.day, 28))
            alias["date_of_birth"] = alt.isoformat()
        return alias
