"""Shards: how a population is cut up, and the state each shard owns (RNG, reservoir, counters).

A population of N people is cut into ``shard_count(N)`` shards of ``shard_size(N)`` people. Each
shard has its own RNG (seeded from the spec seed and the shard index), its own reservoir of people
already emitted (victims, witnesses, associates are drawn from it), and its own identifier ranges
(the strides below), so shards can be generated in any order or in parallel and still concatenate
to exactly the same population. Boundaries depend only on the number of people.
"""

from __future__ import annotations

from collections import deque
from random import Random

from simulators.population.dates import DAY, MIN, ord_of_ts
from simulators.population.records import Record
from simulators.population.spec import PopulationSpec
from simulators.population.world import world

MAX_SHARDS = 64
MIN_SHARD_SIZE = 5000
# Per-shard identifier ranges keep every shard's references disjoint without coordination.
OCC_STRIDE = 100_000  # occurrence references per shard and year
SEQ_STRIDE = 10_000  # custody numbers per shard, station and year; intelligence references per shard and year
PNC_STRIDE = 150_000  # PNC serials per shard and year (64 x 150,000 < 10,000,000)
CRO_STRIDE = 15_000  # CRO serials per shard and year (64 x 15,000 < 1,000,000)


def shard_size(people: int) -> int:
    """People per shard: at least 5,000 and never more than 64 shards. Depends only on the spec."""
    return max(MIN_SHARD_SIZE, -(-people // MAX_SHARDS))


def shard_count(people: int) -> int:
    return -(-people // shard_size(people)) if people > 0 else 0


RESERVOIR_SIZE = 2000
#: A person in the reservoir: (nominal id, DOB epoch s, created epoch s, home location, home address).
Entry = tuple[str, int, int, Record, Record]
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


class Shard:
    """One shard's seeded state and the small draws every domain uses (ids, times, places, people)."""

    def __init__(self, spec: PopulationSpec, shard: int = 0) -> None:
        self.spec = spec
        self.shard = shard
        size = shard_size(spec.people)
        self.first_person = shard * size
        self.n_people = max(0, min(size, spec.people - self.first_person))
        self.rng = Random(f"{spec.seed}:{shard}")
        self.r = self.rng.random
        # A second stream for the identity details added in generator version 3 (identity.py), so
        # adding them left every value drawn from the main stream as it was.
        self.irng = Random(f"{spec.seed}:{shard}:identity")
        self.ni_used: set[str] = set()  # NI prefix + digits given to someone in this shard
        # Recent people whose NI number another person's record may wrongly carry (shared_ni_number).
        self.ni_donors: deque[tuple[str, str]] = deque(maxlen=256)
        self.rates = spec.defect_rates()
        ref = spec.reference_utc
        self.ref_ts = int(ref.timestamp())
        self.ref_ord = ord_of_ts(self.ref_ts)
        w = world(spec.seed)
        self.names = w.names
        self.home_towns = w.home_towns
        self.other_towns = w.other_towns
        self.constables = w.constables
        self.sergeants = w.sergeants
        self.inspectors = w.inspectors
        self.superintendents = w.superintendents
        self.reservoir: list[Entry] = []
        self.seen = 0
        self.occ_seq: dict[int, int] = {}
        self.custody_seq: dict[tuple[str, int], int] = {}
        self.intel_seq: dict[int, int] = {}
        self.pnc_next: dict[int, int] = {}
        self.cro_next: dict[int, int] = {}
        self.pnc_step = max(1, min(150, 100_000 // size))
        self.cro_step = max(1, min(10, 10_000 // size))

    def _uuid(self) -> str:
        """Same string as ``str(uuid.UUID(int=rng.getrandbits(128), version=4))``, built faster."""
        h = "%032x" % ((self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _identity_uuid(self) -> str:
        """A UUID from the identity stream (for records made by identity.py)."""
        h = "%032x" % ((self.irng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _between(self, lo: int, hi: int) -> int:
        """A time in [lo, hi], to the minute."""
        t = lo + int(self.r() * (hi - lo))
        return t - t % MIN

    def _minutes(self, lo: int, hi: int) -> int:
        """A whole number of minutes in [lo, hi], in seconds."""
        return (lo + int(self.r() * (hi - lo + 1))) * MIN

    def _address(self, home: bool = True) -> tuple[Record, Record, str | None]:
        """(nominal address, occurrence location, custody station code) for a random street."""
        rng = self.rng
        streets = (self.home_towns if home else self.other_towns).pick(rng)
        name, town, county, units, station = streets[int(rng.random() * len(streets))]
        number = 1 + int(rng.random() * (rng.random() * 220))
        postcode = units[int(rng.random() * 3)]
        if rng.random() < 0.14:
            flat = 1 + int(rng.random() * 24)
            address = {
                "line1": f"Flat {flat}",
                "line2": f"{number} {name}",
                "town": town,
                "county": county,
                "postcode": postcode,
            }
            line1 = f"Flat {flat}, {number} {name}"
        else:
            address = {"line1": f"{number} {name}", "town": town, "county": county, "postcode": postcode}
            line1 = address["line1"]
        return address, {"line1": line1, "town": town, "postcode": postcode}, station

    def _location(self) -> tuple[Record, str]:
        """(occurrence location, custody station code) for a random street in the force area."""
        r = self.r
        streets = self.home_towns.pick(self.rng)
        name, town, _county, units, station = streets[int(r() * len(streets))]
        number = 1 + int(r() * (r() * 220))
        return {"line1": f"{number} {name}", "town": town, "postcode": units[int(r() * 3)]}, station

    def _officer(self, pool: list[tuple[str, str]], rank: str | None = None) -> Record:
        collar, name = pool[int(self.rng.random() * len(pool))]
        out = {"collar_number": collar, "name": name}
        if rank:
            out["rank"] = rank
        return out

    def _draw(self, t: int, min_age_days: int, exclude: set[str]) -> Entry | None:
        """A previously generated person who existed (and was old enough) at time ``t``."""
        res = self.reservoir
        if not res:
            return None
        rng = self.rng
        for _ in range(4):
            c = res[int(rng.random() * len(res))]
            if c[2] <= t and c[1] + min_age_days * DAY <= t and c[0] not in exclude:
                return c
        return None

    def _remember(self, entry: Entry) -> None:
        """Reservoir sampling (Algorithm R): a bounded, uniform sample of everyone seen so far."""
        self.seen += 1
        if len(self.reservoir) < RESERVOIR_SIZE:
            self.reservoir.append(entry)
        else:
            j = int(self.rng.random() * self.seen)
            if j < RESERVOIR_SIZE:
                self.reservoir[j] = entry
