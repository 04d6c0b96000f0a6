"""People's identity details as forces record them: NI number, place of birth, nationality, and the
officer-observed ethnicity beside the self-defined one (docs/domain.md 4.5, 5.2, 6).

Everything here is drawn from the shard's **identity stream** (``Shard.irng``), never the main one:
these details were added in generator version 3, and drawing them apart left every person,
occurrence, custody record and report of a seed exactly as version 1 made it (the spec examples
name some of them). Most people have each detail; a share has it missing, as in real records,
and the identity defects that come with them (the same NI number on two nominals, a number with a
prefix never allocated) are injected and logged here.
"""

from __future__ import annotations

from simulators.domain import ni_number as ni
from simulators.population import data
from simulators.population.people import Person
from simulators.population.records import Record
from simulators.population.sharding import MAX_SHARDS, Shard

#: People of this age or over have an NI number (about when one is issued: UNCONFIRMED, docs/domain.md 4.5).
NI_AGE = 16
#: Digits per shard: each shard numbers in its own band, so numbers never repeat across shards.
_NI_BAND = 1_000_000 // MAX_SHARDS
_NI_PREFIXES = tuple(
    a + b
    for a in ni.FIRST_LETTERS
    for b in ni.SECOND_LETTERS
    if a + b not in ni.NOT_ALLOCATED_PREFIXES and a + b not in ni.ADMINISTRATIVE_PREFIXES
)
_NOT_ALLOCATED = tuple(sorted(ni.NOT_ALLOCATED_PREFIXES))

_UK_BIRTHPLACES = data.Weighted(
    [(t[0], t[5] * 3) for t in data.HOME_TOWNS] + [(t[0], t[5]) for t in data.OTHER_TOWNS]
)
#: Chance of being born abroad, by self-defined ethnicity (rough shares, not measured figures).
_BORN_ABROAD = {"W1": 0.02, "W2": 0.5, "W3": 0.1, "W9": 0.7, "NS": 0.15}
_BORN_ABROAD_OTHER = 0.4
#: Places of birth abroad (town, country, ISO 3166-1 alpha-3 code), by self-defined ethnicity.
_ABROAD: dict[str, tuple[tuple[str, str, str], ...]] = {
    "W": (
        ("Warsaw", "Poland", "POL"),
        ("Bucharest", "Romania", "ROU"),
        ("Vilnius", "Lithuania", "LTU"),
        ("Dublin", "Ireland", "IRL"),
        ("Tirana", "Albania", "ALB"),
        ("Lisbon", "Portugal", "PRT"),
    ),
    "W2": (("Dublin", "Ireland", "IRL"), ("Cork", "Ireland", "IRL")),
    "M": (("Kingston", "Jamaica", "JAM"), ("Lagos", "Nigeria", "NGA"), ("Mumbai", "India", "IND")),
    "A1": (("Mumbai", "India", "IND"), ("Amritsar", "India", "IND")),
    "A2": (("Mirpur", "Pakistan", "PAK"), ("Lahore", "Pakistan", "PAK")),
    "A3": (("Sylhet", "Bangladesh", "BGD"), ("Dhaka", "Bangladesh", "BGD")),
    "A4": (("Hong Kong", "China", "CHN"), ("Guangzhou", "China", "CHN")),
    "A9": (("Kabul", "Afghanistan", "AFG"), ("Colombo", "Sri Lanka", "LKA")),
    "B1": (("Kingston", "Jamaica", "JAM"), ("Port of Spain", "Trinidad and Tobago", "TTO")),
    "B2": (("Lagos", "Nigeria", "NGA"), ("Mogadishu", "Somalia", "SOM"), ("Accra", "Ghana", "GHA")),
    "B9": (("Kingston", "Jamaica", "JAM"), ("Harare", "Zimbabwe", "ZWE")),
    "O1": (("Hong Kong", "China", "CHN"),),
    "O2": (("Baghdad", "Iraq", "IRQ"), ("Damascus", "Syria", "SYR")),
    "O9": (("Tehran", "Iran", "IRN"), ("Asmara", "Eritrea", "ERI"), ("Manila", "Philippines", "PHL")),
    "NS": (("Warsaw", "Poland", "POL"), ("Lagos", "Nigeria", "NGA"), ("Kabul", "Afghanistan", "AFG")),
}

#: The IC code an officer tends to record for a person of each self-defined group (docs/domain.md 5.2).
#: The two are different observations: they disagree for some people, as in real records.
_OBSERVED = {
    code: data.Weighted(pairs)
    for code, pairs in {
        "W1": [("IC1", 96), ("IC2", 4)],
        "W2": [("IC1", 97), ("IC2", 3)],
        "W3": [("IC1", 80), ("IC2", 20)],
        "W9": [("IC1", 55), ("IC2", 45)],
        "M1": [("IC3", 60), ("IC1", 35), ("IC2", 5)],
        "M2": [("IC3", 60), ("IC1", 35), ("IC6", 5)],
        "M3": [("IC4", 45), ("IC1", 45), ("IC2", 10)],
        "M9": [("IC1", 40), ("IC3", 30), ("IC4", 20), ("IC6", 10)],
        "A1": [("IC4", 95), ("IC6", 5)],
        "A2": [("IC4", 93), ("IC6", 7)],
        "A3": [("IC4", 97), ("IC6", 3)],
        "A4": [("IC5", 98), ("IC4", 2)],
        "A9": [("IC4", 80), ("IC6", 10), ("IC5", 10)],
        "B1": [("IC3", 98), ("IC1", 2)],
        "B2": [("IC3", 98), ("IC6", 2)],
        "B9": [("IC3", 97), ("IC1", 3)],
        "O1": [("IC5", 98), ("IC4", 2)],
        "O2": [("IC6", 92), ("IC2", 8)],
        "O9": [("IC6", 40), ("IC4", 20), ("IC5", 20), ("IC1", 20)],
        "NS": [("IC1", 70), ("IC3", 10), ("IC4", 10), ("IC6", 5), ("IC2", 5)],
    }.items()
}


class Identity(Shard):
    """Draws the identity details a force records about a person, and their identity defects."""

    def _new_ni_number(self) -> str:
        """A valid NI number no other person of the population holds (prefix and digits unique)."""
        rng = self.irng
        while True:
            prefix = _NI_PREFIXES[int(rng.random() * len(_NI_PREFIXES))]
            digits = self.shard * _NI_BAND + int(rng.random() * _NI_BAND)
            key = f"{prefix}{digits:06d}"
            if key not in self.ni_used:
                self.ni_used.add(key)
                return key + ni.SUFFIXES[int(rng.random() * 4)]  # valid by construction (tests check)

    def _identity_details(self, p: Person) -> None:
        """Set ``p``'s NI number, place of birth, nationality and observed ethnicity (None: not recorded)."""
        rng = self.irng
        r = rng.random
        offender = p.offender  # people in custody are asked, and checked against PNC
        adult = (self.ref_ord - p.dob_ord) / 365.2425 >= NI_AGE
        p.true_ni_number = self._new_ni_number() if adult else None
        p.ni_number = p.true_ni_number if adult and r() < (0.92 if offender else 0.7) else None

        if r() < _BORN_ABROAD.get(p.eth, _BORN_ABROAD_OTHER):
            places = _ABROAD.get(p.eth) or _ABROAD[p.eth[0]]
            town, country, code = places[int(r() * len(places))]
            place, nationality = f"{town}, {country}", (code if r() < 0.55 else "GBR")
        else:
            place, nationality = _UK_BIRTHPLACES.pick(rng), "GBR"
        p.place_of_birth = place if r() < (0.9 if offender else 0.75) else None
        p.nationality = nationality if r() < (0.95 if offender else 0.8) else None

        observed = None
        if r() < (0.95 if offender else 0.3):  # recorded when an officer deals with the person
            observed = "IC9" if r() < 0.02 else _OBSERVED[p.eth].pick(rng)
        p.observed_ethnicity = observed

    def _duplicate_identity(self, p: Person) -> Record:
        """The identity details a later, duplicate nominal of ``p`` holds: some asked again, some not."""
        r = self.irng.random
        return {
            "ni_number": p.true_ni_number if r() < 0.5 else None,
            "place_of_birth": p.place_of_birth if r() < 0.5 else None,
            "nationality": p.nationality if r() < 0.6 else None,
            "officer_observed_ethnicity": p.observed_ethnicity if r() < 0.5 else None,
        }

    def _apply_identity_defects(
        self, p: Person, nominal: Record, chosen: dict[str, bool], defects: list[Record]
    ) -> None:
        """A legacy number with a prefix never allocated, or another person's number keyed in."""
        r = self.irng.random
        recorded = nominal["ni_number"]
        if chosen["invalid_ni_number"]:
            prefix = _NOT_ALLOCATED[int(r() * len(_NOT_ALLOCATED))]
            rest = recorded[2:] if recorded else f"{int(r() * 1_000_000):06d}{ni.SUFFIXES[int(r() * 4)]}"
            bad = prefix + rest
            nominal["ni_number"] = bad
            detail = f"legacy NI number {bad} has a prefix that is never allocated"
            defects.append(self._identity_defect(p, "invalid_ni_number", detail, recorded, bad))
            return
        if chosen["shared_ni_number"]:
            donors = [d for d in self.ni_donors if d[1] != recorded]
            if donors:
                other_id, other_ni = donors[int(r() * len(donors))]
                nominal["ni_number"] = other_ni
                detail = f"NI number {other_ni} of nominal {other_id} keyed into this record"
                defects.append(self._identity_defect(p, "shared_ni_number", detail, recorded, other_ni))
                return
        if recorded is not None:
            self.ni_donors.append((p.nid, recorded))

    def _identity_defect(
        self, p: Person, kind: str, detail: str, original: object, recorded: object
    ) -> Record:
        return {
            "defect_id": self._identity_uuid(),
            "kind": kind,
            "nominal_id": p.nid,
            "original_nominal_id": None,
            "field": "ni_number",
            "detail": detail,
            "original_value": original,
            "recorded_value": recorded,
        }
