"""The seeded population generator: one person at a time, with all of their cross-system records.

Design notes (why it looks like this):

* **Deterministic.** Seeded ``random.Random`` instances (one per shard, one for the shared "world" of
  streets and officers) drive everything in a fixed order; ids are UUIDs built from
  ``getrandbits(128)``; times are offsets from the spec's fixed reference time, never the wall
  clock. Same spec -> same records, byte for byte.
* **Streamed, bounded memory.** Each person is planned, emitted and forgotten. Occurrences that need
  other people (victims, witnesses, associates) draw them from a bounded reservoir sample of people
  already emitted, so every link points at a nominal that exists earlier in the stream.
* **Sharded.** People are generated in fixed-size shards (``shard_size``), each with its own RNG,
  reservoir and identifier ranges, so files can be written by several processes and still be
  byte-identical to the sequential stream. Shard boundaries depend only on the number of people.
* **Coherent by construction.** A person's timeline is drawn first (arrests, victimisations,
  incidents, intelligence), then PNC ID/CRO/markers/created_at are derived from it, so e.g. the PNC
  year is never after the first arrest and ``created_at`` is never after the first link. PACE times
  are built forward from the arrest with the limits of docs/domain.md 2.1-2.2.
* **Fast.** Plain dicts, integer epoch seconds internally, pre-built pools, local-variable binding.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import lru_cache
from random import Random

from simulators.domain import codelists as cl
from simulators.domain.identifiers import make_cro_number, make_pnc_id
from simulators.population import data
from simulators.population.spec import PopulationSpec
from simulators.population.variants import forename_variant, postcode_slip, surname_variant

MIN = 60
HOUR = 3600
DAY = 86400
EPOCH_ORD = date(1970, 1, 1).toordinal()
HISTORY_START = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
LEGACY_GRADING_UNTIL = int(datetime(2016, 1, 1, tzinfo=UTC).timestamp())  # approximate switch to 3x5x2
GSC_FROM = int(datetime(2014, 4, 2, tzinfo=UTC).timestamp())  # Government Security Classifications
BAIL_2017 = int(datetime(2017, 4, 3, tzinfo=UTC).timestamp())  # Policing and Crime Act 2017 bail reform
BAIL_2022 = int(datetime(2022, 10, 28, tzinfo=UTC).timestamp())  # PCSC Act 2022 bail reform
RESERVOIR_SIZE = 2000
TEN_YEARS_DAYS = 3654  # at least ten whole years, whatever the leap days
SIXTEEN_YEARS_DAYS = 5845

_DAY_STR: dict[int, str] = {}  # days since 1970 -> "YYYY-MM-DD" (bounded by the calendar span used)
_HHMM = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def _day_str(day: int) -> str:
    s = _DAY_STR.get(day)
    if s is None:
        s = _DAY_STR[day] = date.fromordinal(day + EPOCH_ORD).isoformat()
    return s


def _iso(ts: int) -> str:
    """``datetime.fromtimestamp(ts, UTC).isoformat()`` for minute-aligned ``ts``, about 10x faster."""
    day, rem = divmod(ts, DAY)
    if rem % MIN:
        return datetime.fromtimestamp(ts, UTC).isoformat()
    return f"{_DAY_STR.get(day) or _day_str(day)}T{_HHMM[rem // MIN]}:00+00:00"


def _year(ts: int) -> int:
    return int(_day_str(ts // DAY)[:4])


def _date_iso(ordinal: int) -> str:
    return _day_str(ordinal - EPOCH_ORD)


def _ts_of_ord(ordinal: int) -> int:
    return (ordinal - EPOCH_ORD) * DAY


def _ord_of_ts(ts: int) -> int:
    return ts // DAY + EPOCH_ORD


def _add_years(ordinal: int, years: int) -> int:
    d = date.fromordinal(ordinal)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).toordinal()


def _age(dob_ord: int, ts: int) -> int:
    b = date.fromordinal(dob_ord)
    d = date.fromordinal(_ord_of_ts(ts))
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


# ------------------------------------------------------------------------------------------ scenarios
# Arrest scenarios: key -> (weight, HOCR code, principal CJS code, extra CJS codes, victim kind,
#   indictable (s.42 extension possible), in-the-act arrest, duration minutes (max), summaries,
#   (marker, probability)).
_ARREST = (
    (
        "shoplifting",
        14,
        "46",
        "TH68010",
        ("CJ67002",),
        "business",
        True,
        True,
        20,
        (
            "Detained by store staff after leaving a shop with unpaid goods.",
            "Suspect seen on CCTV concealing items and leaving without paying.",
            "Repeat theft of alcohol and meat products from a supermarket.",
        ),
        (),
    ),
    (
        "common_assault",
        10,
        "105A",
        "CJ88001",
        (),
        "person",
        False,
        False,
        15,
        (
            "Victim pushed and struck during an argument outside licensed premises.",
            "Assault without injury following a neighbour dispute.",
            "Victim slapped during a domestic argument; no visible injury.",
        ),
        (("VI", 0.15),),
    ),
    (
        "assault_beating",
        4,
        "105A",
        "CJ88116",
        (),
        "person",
        False,
        False,
        15,
        ("Victim punched once in the street; no injury recorded.",),
        (("VI", 0.15),),
    ),
    (
        "abh",
        8,
        "8N",
        "OF61102",
        (),
        "person",
        True,
        False,
        20,
        (
            "Victim punched repeatedly causing bruising and a cut lip.",
            "Assault in a taxi queue; victim treated for facial injuries.",
            "Domestic assault causing bruising to the arms and neck.",
        ),
        (("VI", 0.45),),
    ),
    (
        "gbh",
        3,
        "8N",
        "OF61131",
        (),
        "person",
        True,
        False,
        20,
        (
            "Victim suffered a broken jaw after being assaulted outside a bar.",
            "Victim knocked unconscious and suffered a fractured eye socket.",
        ),
        (("VI", 0.7),),
    ),
    (
        "wounding_intent",
        1,
        "5D",
        "OF61016",
        ("CJ88144",),
        "person",
        True,
        False,
        20,
        (
            "Victim stabbed in the leg during a planned attack.",
            "Victim attacked with a bottle causing a deep facial wound.",
        ),
        (("VI", 0.95), ("WE", 0.6)),
    ),
    (
        "public_order_s4",
        7,
        "9A",
        "PU86004",
        ("CJ67002",),
        "person",
        False,
        True,
        30,
        (
            "Suspect threatened door staff with violence and squared up to them.",
            "Threats of violence shouted at a bus driver.",
        ),
        (("VI", 0.1),),
    ),
    (
        "public_order_s4a",
        4,
        "9A",
        "PU86116",
        (),
        "person",
        False,
        True,
        30,
        ("Abuse shouted at a shop worker causing distress.",),
        (),
    ),
    (
        "cannabis_possession",
        10,
        "92E",
        "MD71530",
        (),
        "none",
        True,
        True,
        10,
        (
            "Cannabis found during a stop and search.",
            "Quantity of cannabis resin found in a vehicle during a traffic stop.",
        ),
        (("DR", 0.1),),
    ),
    (
        "supply_class_a",
        4,
        "92A",
        "MD71230",
        ("MD71530",),
        "none",
        True,
        True,
        10,
        (
            "Wraps of cocaine and cash found during a warrant.",
            "Suspect seen making street-level exchanges; cocaine wraps recovered.",
        ),
        (("DR", 0.7), ("WE", 0.1)),
    ),
    (
        "criminal_damage",
        9,
        "58D",
        "CD71039",
        (),
        "person",
        True,
        False,
        60,
        (
            "Windows of a house smashed with a brick.",
            "Car wing mirrors and paintwork damaged.",
            "Front door kicked and damaged during a dispute.",
        ),
        (),
    ),
    (
        "burglary_dwelling",
        6,
        "28E",
        "TH68036",
        ("CD71039",),
        "home",
        True,
        False,
        600,
        (
            "Entry forced via the rear door; jewellery and electrical items stolen.",
            "Insecure window used to gain entry; handbag and car keys taken.",
            "Shed and house entered overnight; tools and a laptop stolen.",
        ),
        (),
    ),
    (
        "theft_from_vehicle",
        4,
        "45",
        "TH68007",
        (),
        "person",
        True,
        False,
        600,
        (
            "Vehicle window smashed and a bag stolen from the passenger seat.",
            "Tools stolen from a van parked overnight.",
        ),
        (),
    ),
    (
        "twoc",
        3,
        "48",
        "TH68050",
        (),
        "person",
        False,
        False,
        480,
        ("Vehicle taken without consent from outside the owner's address.",),
        (),
    ),
    (
        "harassment",
        6,
        "8L",
        "PH97004",
        (),
        "person",
        False,
        False,
        30 * 24 * 60,
        (
            "Repeated unwanted calls and messages to an ex-partner.",
            "Course of conduct including turning up at the victim's workplace.",
        ),
        (),
    ),
    (
        "bladed_article",
        5,
        "10D",
        "CJ88144",
        (),
        "none",
        True,
        True,
        10,
        (
            "Lock knife found in a waistband during a stop and search.",
            "Kitchen knife recovered from a rucksack in the town centre.",
        ),
        (("WE", 0.7),),
    ),
)
_ARREST_W = data.Weighted([(s, s[1]) for s in _ARREST])

#: Crimes where the person is the victim and no suspect was identified:
#: (HOCR, weight, at home?, max minutes, summaries).
_VICTIM = (
    (
        "28E",
        10,
        True,
        600,
        (
            "Burglary while the occupants were at work; electrical items taken.",
            "Entry forced overnight; car keys and purse stolen.",
        ),
    ),
    ("45", 8, False, 720, ("Vehicle window smashed and items taken overnight.",)),
    (
        "44",
        6,
        False,
        600,
        ("Pedal cycle stolen from outside a shop.", "Bicycle taken from a communal bike store."),
    ),
    ("34B", 3, False, 10, ("Mobile phone taken by force by two unknown males.",)),
    ("39", 4, False, 30, ("Wallet taken from a pocket on a busy bus.",)),
    ("58C", 8, False, 600, ("Vehicle paintwork scratched overnight.", "Tyres of a parked car slashed.")),
    ("58A", 5, True, 60, ("Eggs and stones thrown at the front windows.",)),
    ("49", 8, False, 600, ("Parcel stolen from a doorstep.", "Garden furniture stolen.")),
    ("105A", 6, False, 10, ("Victim pushed by an unknown male who left the scene.",)),
    ("8L", 4, False, 20160, ("Repeated abusive messages from an unidentified social media account.",)),
    ("48", 4, False, 600, ("Car stolen from a driveway overnight using a relay device.",)),
)
_VICTIM_W = data.Weighted([(v, v[1]) for v in _VICTIM])

#: Incidents: (category, weight, role of the person, second person's role or None, summaries).
_INCIDENTS = (
    ("ASB-PERSONAL", 10, "person_reporting", None, ("Youths repeatedly shouting abuse at the caller.",)),
    (
        "ASB-NUISANCE",
        12,
        "person_reporting",
        None,
        ("Loud music from a neighbouring property late at night.", "Group gathering and drinking in a park."),
    ),
    ("ASB-ENVIRONMENTAL", 4, "person_reporting", None, ("Fly-tipping in a back alley.",)),
    (
        "PSW-CONCERN",
        10,
        "subject",
        "person_reporting",
        ("Caller concerned for a relative who is not answering.", "Person found distressed on a bridge."),
    ),
    ("PSW-MISSING", 6, "missing_person", "person_reporting", ("Reported missing after not returning home.",)),
    ("PSW-SUSPICIOUS", 8, "person_reporting", None, ("Persons seen trying car door handles.",)),
    (
        "PSW-DOMESTIC",
        8,
        "involved_party",
        "involved_party",
        ("Verbal argument between partners; no offences.",),
    ),
    ("PSW-LOST-FOUND", 4, "person_reporting", None, ("Wallet handed in at the front counter.",)),
    ("TRA-RTC-DAMAGE", 6, "involved_party", "involved_party", ("Two vehicles in collision; damage only.",)),
)
_INCIDENT_W = data.Weighted([(i, i[1]) for i in _INCIDENTS])
_CHILD_INCIDENT = next(i for i in _INCIDENTS if i[0] == "PSW-CONCERN")

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
_TOPICS_FOR = {
    "shoplifting": "acquisitive",
    "burglary_dwelling": "acquisitive",
    "theft_from_vehicle": "acquisitive",
    "twoc": "acquisitive",
    "cannabis_possession": "drug_supply",
    "supply_class_a": "drug_supply",
    "bladed_article": "weapons",
    "wounding_intent": "weapons",
    "abh": "violence",
    "gbh": "violence",
    "common_assault": "violence",
    "assault_beating": "violence",
    "public_order_s4": "violence",
}
_DRUGS = ("cocaine", "crack cocaine", "heroin", "cannabis", "ketamine")
_PERIODS = ("early evening", "late evening", "early morning", "afternoon")


class _Person:
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
    )


MAX_SHARDS = 64
MIN_SHARD_SIZE = 5000
# Per-shard identifier ranges keep every shard's references disjoint without coordination.
_OCC_STRIDE = 100_000  # occurrence references per shard and year
_SEQ_STRIDE = (
    10_000  # custody numbers per shard, station and year; intelligence references per shard and year
)
_PNC_STRIDE = 150_000  # PNC serials per shard and year (64 x 150,000 < 10,000,000)
_CRO_STRIDE = 15_000  # CRO serials per shard and year (64 x 15,000 < 1,000,000)


def shard_size(people: int) -> int:
    """People per shard: at least 5,000 and never more than 64 shards. Depends only on the spec."""
    return max(MIN_SHARD_SIZE, -(-people // MAX_SHARDS))


def shard_count(people: int) -> int:
    return -(-people // shard_size(people)) if people > 0 else 0


class World:
    """Population-wide pools (streets with postcodes, officers) shared by every shard of one seed."""

    def __init__(self, seed: int) -> None:
        rng = Random(f"{seed}:world")
        self.names = data.name_pools()
        suffixes = data.street_suffixes()
        pools = self.names
        letters = data.INWARD_LETTERS

        def streets(town: str, county: str, area: str, d1: int, d2: int, n: int, station: str | None) -> list:
            seen: set[str] = set()
            out = []
            while len(out) < n:
                base = (
                    pools.surnames.pick(rng) if rng.random() < 0.7 else rng.choice(pools.male + pools.female)
                )
                name = f"{base} {rng.choice(suffixes)}"
                if name in seen:
                    continue
                seen.add(name)
                if area in ("SE", "E", "N") and rng.random() < 0.15:
                    outward = rng.choice(
                        [d for d in data.LONDON_SUFFIX_DISTRICTS if d.startswith(area[0])]
                        or data.LONDON_SUFFIX_DISTRICTS
                    )
                else:
                    outward = f"{area}{rng.randint(d1, d2)}"
                sector = rng.randint(0, 9)
                units = tuple(
                    f"{outward} {sector}{rng.choice(letters)}{rng.choice(letters)}" for _ in range(3)
                )
                out.append((name, town, county, units, station))
            return out

        home = []
        for town, county, area, d1, d2, weight, station in data.HOME_TOWNS:
            home.append((streets(town, county, area, d1, d2, 240, station), weight))
        other = []
        for town, county, area, d1, d2, weight in data.OTHER_TOWNS:
            other.append((streets(town, county, area, d1, d2, 50, None), weight))
        self.home_towns = data.Weighted(home)
        self.other_towns = data.Weighted(other)

        collars = rng.sample(range(1000, 10000), 700)

        def officer(collar: int) -> tuple[str, str]:
            first = rng.choice(pools.male) if rng.random() < 0.65 else rng.choice(pools.female)
            return (str(collar), f"{first} {pools.surnames.pick(rng)}")

        self.constables = [officer(c) for c in collars[:560]]
        self.sergeants = [officer(c) for c in collars[560:640]]
        self.inspectors = [officer(c) for c in collars[640:680]]
        self.superintendents = [officer(c) for c in collars[680:688]]


@lru_cache(maxsize=4)
def world(seed: int) -> World:
    """The (immutable) world of one seed, built once per process."""
    return World(seed)


class Generator:
    """Generates one shard of a population. Use ``generate(spec)`` rather than this class directly.

    A population of N people is cut into ``shard_count(N)`` shards of ``shard_size(N)`` people. Each
    shard has its own RNG (seeded from the spec seed and the shard index), its own reservoir of
    people for victims/witnesses, and its own identifier ranges, so shards can be generated in any
    order or in parallel and still concatenate to exactly the same population.
    """

    def __init__(self, spec: PopulationSpec, shard: int = 0) -> None:
        self.spec = spec
        self.shard = shard
        size = shard_size(spec.people)
        self.first_person = shard * size
        self.n_people = max(0, min(size, spec.people - self.first_person))
        self.rng = Random(f"{spec.seed}:{shard}")
        self.r = self.rng.random
        self.rates = spec.defect_rates()
        ref = spec.reference_utc
        self.ref_ts = int(ref.timestamp())
        self.ref_ord = _ord_of_ts(self.ref_ts)
        w = world(spec.seed)
        self.names = w.names
        self.home_towns = w.home_towns
        self.other_towns = w.other_towns
        self.constables = w.constables
        self.sergeants = w.sergeants
        self.inspectors = w.inspectors
        self.superintendents = w.superintendents
        self.reservoir: list[tuple] = []
        self.seen = 0
        self.occ_seq: dict[int, int] = {}
        self.custody_seq: dict[tuple[str, int], int] = {}
        self.intel_seq: dict[int, int] = {}
        self.pnc_next: dict[int, int] = {}
        self.cro_next: dict[int, int] = {}
        self.pnc_step = max(1, min(150, 100_000 // size))
        self.cro_step = max(1, min(10, 10_000 // size))

    # ------------------------------------------------------------------------------ small helpers

    def _uuid(self) -> str:
        """Same string as ``str(uuid.UUID(int=rng.getrandbits(128), version=4))``, built faster."""
        h = "%032x" % ((self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _between(self, lo: int, hi: int) -> int:
        """A time in [lo, hi], to the minute."""
        t = lo + int(self.r() * (hi - lo))
        return t - t % MIN

    def _minutes(self, lo: int, hi: int) -> int:
        """A whole number of minutes in [lo, hi], in seconds."""
        return (lo + int(self.r() * (hi - lo + 1))) * MIN

    def _address(self, home: bool = True) -> tuple[dict, dict, str | None]:
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

    def _location(self) -> tuple[dict, str]:
        """(occurrence location, custody station code) for a random street in the force area."""
        r = self.r
        streets = self.home_towns.pick(self.rng)
        name, town, _county, units, station = streets[int(r() * len(streets))]
        number = 1 + int(r() * (r() * 220))
        return {"line1": f"{number} {name}", "town": town, "postcode": units[int(r() * 3)]}, station

    def _officer(self, pool: list[tuple[str, str]], rank: str | None = None) -> dict:
        collar, name = pool[int(self.rng.random() * len(pool))]
        out = {"collar_number": collar, "name": name}
        if rank:
            out["rank"] = rank
        return out

    def _draw(self, t: int, min_age_days: int, exclude: set[str]) -> tuple | None:
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

    def _remember(self, entry: tuple) -> None:
        """Reservoir sampling (Algorithm R): a bounded, uniform sample of everyone seen so far."""
        self.seen += 1
        if len(self.reservoir) < RESERVOIR_SIZE:
            self.reservoir.append(entry)
        else:
            j = int(self.rng.random() * self.seen)
            if j < RESERVOIR_SIZE:
                self.reservoir[j] = entry

    def _occ_reference(self, reported: int) -> str:
        year = _year(reported)
        n = self.occ_seq.get(year, 0) + 1
        if n >= _OCC_STRIDE:
            raise RuntimeError("occurrence reference space exhausted for one shard and year")
        self.occ_seq[year] = n
        return f"OCC-{year}-{self.shard * _OCC_STRIDE + n:06d}"

    def _pnc(self, year: int) -> str:
        rng = self.rng
        serial = self.pnc_next.get(year) or int(rng.random() * 5000)
        serial += 1 + int(rng.random() * self.pnc_step)
        if serial >= _PNC_STRIDE:
            raise RuntimeError("PNC serial space exhausted for one shard and year")
        self.pnc_next[year] = serial
        return make_pnc_id(year, self.shard * _PNC_STRIDE + serial)

    def _cro(self, year: int) -> str:
        rng = self.rng
        serial = self.cro_next.get(year) or int(rng.random() * 1000)
        serial += 1 + int(rng.random() * self.cro_step)
        if serial >= _CRO_STRIDE:
            raise RuntimeError("CRO serial space exhausted for one shard and year")
        self.cro_next[year] = serial
        return make_cro_number(self.shard * _CRO_STRIDE + serial, year, sf=rng.random() < 0.05)

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

    # ------------------------------------------------------------------------------ the person

    def people(self) -> Iterator[tuple[str, dict]]:
        """Every record of the population, person by person."""
        for batch in self.batches():
            yield from batch

    def batches(self) -> Iterator[list[tuple[str, dict]]]:
        """One list per person: nominal(s) first, then occurrences, custody, intelligence, defects."""
        for _ in range(self.n_people):
            yield self._one_person()

    def _one_person(self) -> list[tuple[str, dict]]:
        """Plan one person's life, derive their identity records, inject defects, emit everything."""
        rng = self.rng
        r = rng.random
        ref_ts = self.ref_ts
        rates = self.rates

        # Decide this person's defects first: some of them constrain the true values.
        chosen = {k: r() < rate for k, rate in rates.items()}

        p = _Person()
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
        p.dob_ts = _ts_of_ord(p.dob_ord)
        p.adult_from = _ts_of_ord(_add_years(p.dob_ord, 10))  # age of criminal responsibility
        p.eth = _ETHNICITY.pick(rng)
        p.surname, p.forenames = self._name(p.sex, p.eth)
        home = r() < 0.86
        p.address, p.location, _ = self._address(home)

        # Offending profile.
        age_now = (self.ref_ord - p.dob_ord) / 365.2425
        if age_now < 12:
            base = 0.0
        elif age_now < 18:
            base = 0.18
        elif age_now < 25:
            base = 0.42
        elif age_now < 35:
            base = 0.45
        elif age_now < 45:
            base = 0.38
        elif age_now < 55:
            base = 0.28
        elif age_now < 65:
            base = 0.16
        else:
            base = 0.08
        if p.sex == "female":
            base *= 0.45
        elif p.sex == "unknown":
            base *= 0.7
        lo_off = max(HISTORY_START, p.adult_from + DAY)
        hi_off = ref_ts - 50 * DAY  # room for the longest report, arrest and detention chain
        p.offender = r() < base and lo_off < hi_off

        occurrences: list[dict] = []
        intel: list[dict] = []
        markers: dict[str, int] = {}
        first_record_year: int | None = None  # PNC: first arrest or summons
        first_charge_year: int | None = None  # CRO: first charge or summons
        topics: list[str] = []
        custody: list[dict] = []  # completed with the detainee's PNC ID and details once known

        if p.offender:
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
            times = sorted(self._between(lo_off, hi_off) for _ in range(n))
            for t in times:
                occ, cust, record_made, charged = self._arrest_occurrence(p, t)
                occurrences.append(occ)
                if cust:
                    custody.append(cust)
                scen = occ.pop("_scenario")
                topic = _TOPICS_FOR.get(scen[0])
                if topic:
                    topics.append(topic)
                year = _year(t)
                if record_made and first_record_year is None:
                    first_record_year = year
                if charged and first_charge_year is None:
                    first_charge_year = year
                for code, prob in scen[10]:
                    if code not in markers and r() < prob:
                        markers[code] = _ord_of_ts(t) + int(r() * 14)
            if first_record_year is not None:
                for code, prob in (
                    ("MH", 0.05),
                    ("SH", 0.04),
                    ("AT", 0.015),
                    ("AG", 0.01),
                    ("ES", 0.005),
                    ("FI", 0.005),
                    ("CO", 0.003),
                    ("IM", 0.002),
                    ("EX", 0.001),
                ):
                    if r() < prob and code not in markers:
                        markers[code] = _ord_of_ts(self._between(lo_off, hi_off))

        # Victimisation and incidents; everyone is linked to at least one occurrence (no orphans).
        extra = 0
        if not p.offender:
            extra = 1
            while extra < 4 and r() < 0.25:
                extra += 1
        else:
            extra = (1 if r() < 0.2 else 0) + (1 if r() < 0.15 else 0)
        for _ in range(extra):
            occurrences.append(
                self._victim_occurrence(p) if r() < 0.55 else self._incident(p, p.nid, p.location)
            )

        # Intelligence about this person.
        lo_int = max(HISTORY_START, p.adult_from)
        hi_int = ref_ts - DAY
        n_int = 0
        if lo_int < hi_int:
            if p.offender and r() < 0.35:
                n_int = 1
                while n_int < 6 and r() < 0.4:
                    n_int += 1
            elif r() < 0.02:
                n_int = 1
        for _ in range(n_int):
            topic = (
                topics[int(r() * len(topics))]
                if topics and r() < 0.8
                else ("whereabouts" if r() < 0.5 else rng.choice(tuple(_TOPIC_TEXT)))
            )
            intel.append(self._intel(p, self._between(lo_int, hi_int), topic))

        # Derived identity facts.
        created = min(o["_created"] for o in occurrences)
        for rep in intel:
            created = min(created, rep.pop("_ts"))
        p.created = created
        pnc = None
        if first_record_year is not None:
            year = first_record_year
            if r() < 0.2:  # the person's PNC record predates this force's RMS history
                earliest = max(1975, date.fromordinal(p.dob_ord).year + 10)
                if earliest < year:
                    year = earliest + int(r() * (year - earliest))
            pnc = self._pnc(year)
        cro = self._cro(first_charge_year) if first_charge_year is not None else None

        aliases: list[dict] = []
        if (p.offender and r() < 0.12) or r() < 0.01:
            for _ in range(1 if r() < 0.7 else 2):
                aliases.append(self._alias(p))

        nominal = {
            "nominal_id": p.nid,
            "pnc_id": pnc,
            "cro_number": cro,
            "surname": p.surname,
            "forenames": list(p.forenames),
            "sex": p.sex,
            "date_of_birth": _date_iso(p.dob_ord),
            "ethnicity": p.eth,
            "address": dict(p.address),
            "aliases": aliases,
            "warning_markers": [
                {
                    "code": code,
                    "description": cl.WARNING_MARKERS[code],
                    "added_on": _date_iso(min(day, self.ref_ord - 1)),
                }
                for code, day in sorted(markers.items(), key=lambda kv: (kv[1], kv[0]))
            ],
            "created_at": _iso(created),
        }

        defects: list[dict] = []
        self._apply_defects(p, nominal, chosen, defects)

        out: list[tuple[str, dict]] = [("nominals", nominal)]
        entry = (p.nid, p.dob_ts, p.created, p.location, p.address)

        # A duplicate nominal: the same person recorded again, later, under a spelling variant.
        dup_occ = None
        if chosen["duplicate_nominal"]:
            dup, dup_occ, defect = self._duplicate(p)
            out.append(("nominals", dup))
            defects.append(defect)

        for o in occurrences:
            del o["_created"]
            out.append(("occurrences", o))
        if dup_occ is not None:
            del dup_occ["_created"]
            out.append(("occurrences", dup_occ))

        detainee = {
            "surname": nominal["surname"],
            "forenames": list(nominal["forenames"]),
            "date_of_birth": nominal["date_of_birth"],
        }
        for rec in custody:
            rec["pnc_id"] = pnc
            rec["detainee"] = dict(detainee, forenames=list(detainee["forenames"]))
            out.append(("custody_records", rec))
        for rep in intel:
            out.append(("intelligence_reports", rep))
        for d in defects:
            out.append(("defects", d))

        self._remember(entry)
        return out

    # ------------------------------------------------------------------------------ occurrences

    def _arrest_occurrence(self, p: _Person, t: int) -> tuple[dict, dict | None, bool, bool]:
        """A crime with this person as suspect, usually with an arrest and a custody record.

        Returns (occurrence, custody record or None, PNC record made?, charged or summonsed?).
        """
        rng = self.rng
        r = rng.random
        scen = _ARREST_W.pick(rng)
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
                if victim_kind == "home" and victim[4]["town"] in _HOME_TOWN_NAMES:
                    location = dict(victim[3])
        if location is None:
            location, station = self._location()
        if station is None:
            station = _HOME_STATION[location["town"]]

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

        occ = {
            "occurrence_id": self._uuid(),
            "reference": self._occ_reference(reported),
            "type": "crime",
            "classification": {"code": hocr, "title": cl.HOCR_CLASSIFICATIONS[hocr]},
            "summary": summaries[int(r() * len(summaries))],
            "occurred_from": _iso(occ_from),
            "occurred_to": _iso(occ_to),
            "reported_at": _iso(reported),
            "location": location,
            "status": status,
            "outcome": {"code": outcome, "title": cl.OUTCOMES[outcome]} if outcome else None,
            "links": links,
            "created_at": _iso(created),
            "_created": created,
            "_scenario": scen,
        }
        if rec is not None:
            rec["occurrence_id"] = occ["occurrence_id"]
        return occ, rec, record_made, charged

    def _occurrence_outcome(
        self, p: _Person, outcome_type: str, decided: int, has_victim: bool
    ) -> tuple[str | None, str, bool]:
        """Occurrence (outcome code, status, charged/summonsed?) consistent with the custody outcome."""
        r = self.rng.random
        if outcome_type == "charged":
            return "1", "closed", True
        if outcome_type == "cautioned":
            return ("2" if _age(p.dob_ord, decided) < 18 else "3"), "closed", False
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

    def _victim_occurrence(self, p: _Person) -> dict:
        """A crime with this person as the victim and no suspect identified."""
        rng = self.rng
        r = rng.random
        hocr, _w, at_home, max_dur, summaries = _VICTIM_W.pick(rng)
        lo = max(HISTORY_START, p.adult_from)
        hi = self.ref_ts - max_dur * MIN - 3 * DAY
        if lo >= hi:
            return self._incident(p, p.nid, p.location, child=True)
        occ_from = self._between(lo, hi)
        if at_home and _age(p.dob_ord, occ_from) < 18:
            # A child is not the householder: make it a theft from the person (shorter, so still in range).
            hocr, _w, at_home, max_dur, summaries = _VICTIM[4]
        occ_to = occ_from + self._minutes(0, max_dur)
        reported = occ_to + self._minutes(5, 24 * 60)
        created = reported + self._minutes(2, 120)
        location = (
            dict(p.location) if at_home and p.address["town"] in _HOME_TOWN_NAMES else self._location()[0]
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
        return {
            "occurrence_id": self._uuid(),
            "reference": self._occ_reference(reported),
            "type": "crime",
            "classification": {"code": hocr, "title": cl.HOCR_CLASSIFICATIONS[hocr]},
            "summary": summaries[int(r() * len(summaries))],
            "occurred_from": _iso(occ_from),
            "occurred_to": _iso(occ_to),
            "reported_at": _iso(reported),
            "location": location,
            "status": status,
            "outcome": {"code": outcome, "title": cl.OUTCOMES[outcome]} if outcome else None,
            "links": links,
            "created_at": _iso(created),
            "_created": created,
        }

    def _incident(
        self, p: _Person, nid: str, home_location: dict, child: bool = False, not_before: int = 0
    ) -> dict:
        """A non-crime incident with this person in the category's role."""
        rng = self.rng
        r = rng.random
        hi = self.ref_ts - 2 * DAY
        lo = max(HISTORY_START, p.adult_from, not_before)
        if child or lo >= hi:
            category, _w, role, other_role, summaries = _CHILD_INCIDENT
            lo = max(HISTORY_START, p.dob_ts + DAY, min(not_before, hi - DAY))
        else:
            category, _w, role, other_role, summaries = _INCIDENT_W.pick(rng)
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
            and home_location["town"] in _HOME_TOWN_NAMES
            else self._location()[0]
        )
        status = "open" if reported > self.ref_ts - 3 * DAY else "closed"
        return {
            "occurrence_id": self._uuid(),
            "reference": self._occ_reference(reported),
            "type": "incident",
            "classification": {"code": category, "title": cl.INCIDENT_CATEGORIES[category]},
            "summary": summaries[int(r() * len(summaries))],
            "occurred_from": _iso(occ_from),
            "occurred_to": _iso(occ_to),
            "reported_at": _iso(reported),
            "location": location,
            "status": status,
            "outcome": None,
            "links": links,
            "created_at": _iso(created),
            "_created": created,
        }

    # ------------------------------------------------------------------------------ custody (PACE)

    def _custody(self, p: _Person, arrest_ts: int, location: dict, station: str, scen: tuple) -> dict:
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
        extensions: list[dict] = []
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
                    "reviewed_at": _iso(t),
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
                    "authorised_at": _iso(ext_at),
                    "until": _iso(limit),
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
        year = _year(arrived)
        seq = self.custody_seq.get((station, year), 0) + 1
        if seq >= _SEQ_STRIDE:
            raise RuntimeError("custody number space exhausted for one shard, station and year")
        self.custody_seq[(station, year)] = seq
        seq += self.shard * _SEQ_STRIDE
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
                "arrested_at": _iso(arrest_ts),
                "location": f"{location['line1']}, {location['town']}",
                "reason": f"Suspicion of: {offences[0]['title']}. Necessary {necessity}.",
                "officer": self._officer(self.constables),
            },
            "offences": offences,
            "arrived_at": _iso(arrived),
            "relevant_time": _iso(relevant),
            "detention_authorised_at": _iso(authorised),
            "authorised_by": self._officer(self.sergeants, "sergeant"),
            "reviews": reviews,
            "extensions": extensions,
            "outcome": {"type": outcome_type, "decided_at": _iso(decided), "detail": detail},
            "released_at": _iso(released),
            "status": "released",
            "_decided": decided,
        }

    def _outcome_detail(self, p: _Person, outcome_type: str, offence: str, decided: int, station: str) -> str:
        r = self.rng.random
        if outcome_type == "charged":
            court = data.COURTS[station]
            if r() < 0.2:
                return f"Charged with {offence}. Refused bail; to be produced at {court}."
            return f"Charged with {offence}. Bailed to appear at {court}."
        if outcome_type == "cautioned":
            kind = "Youth caution" if _age(p.dob_ord, decided) < 18 else "Simple caution"
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

    # ------------------------------------------------------------------------------ intelligence

    def _intel(self, p: _Person, t: int, topic: str) -> dict:
        rng = self.rng
        r = rng.random
        year = _year(t)
        n = self.intel_seq.get(year, 0) + 1
        if n >= _SEQ_STRIDE:
            raise RuntimeError("intelligence reference space exhausted for one shard and year")
        self.intel_seq[year] = n
        n += self.shard * _SEQ_STRIDE
        source = (
            "police_officer",
            "member_of_public",
            "chis",
            "partner_agency",
            "crimestoppers",
            "open_source",
        )[_pick(r(), (0.30, 0.22, 0.18, 0.12, 0.12, 0.06))]
        name = f"{p.forenames[0]} {p.surname.upper()}"
        place_loc, _ = self._location()
        vehicle = f"a {rng.choice(data.COLOURS)} {rng.choice(data.VEHICLE_MAKES)} ({_vrm(rng)})"
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
        if r() < 0.5 and p.address["town"] in _HOME_TOWN_NAMES:
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
            "submitted_at": _iso(t),
            "source_type": source,
            "grading": grading,
            "classification": classification,
            "classification_scheme": scheme_c,
            "original_text": original,
            "sanitised_text": sanitised,
            "subjects": subjects,
            "locations": locations,
            "organisations": organisations,
            "review_date": _date_iso(_add_years(_ord_of_ts(t), review_years)),
            "_ts": t,
        }

    def _grading(self, source: str, t: int) -> dict:
        r = self.rng.random
        if t < LEGACY_GRADING_UNTIL and r() < 0.65:
            s = "ABCDE"[_pick(r(), (0.05, 0.35, 0.30, 0.05, 0.25))]
            i = "12345"[_pick(r(), (0.05, 0.35, 0.35, 0.20, 0.05))]
            h = "12345"[_pick(r(), (0.45, 0.15, 0.05, 0.30, 0.05))]
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
            i = "ABCDE"[_pick(r(), (0.25, 0.35, 0.30, 0.08, 0.02))]
        else:
            x = r()
            s = "2" if x < 0.8 else ("3" if x < 0.95 else "1")
            i = "ABCDE"[_pick(r(), (0.05, 0.25, 0.50, 0.15, 0.05))]
        handling = "C" if r() < (0.45 if source == "chis" else 0.1) else "P"
        cond = _HANDLING_CONDITIONS[int(r() * len(_HANDLING_CONDITIONS))] if handling == "C" else None
        return {
            "scheme": "3x5x2",
            "source_evaluation": s,
            "intelligence_assessment": i,
            "handling_code": handling,
            "handling_conditions": cond,
        }

    # ------------------------------------------------------------------------------ identity extras

    def _alias(self, p: _Person) -> dict:
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

    def _apply_defects(self, p: _Person, nominal: dict, chosen: dict[str, bool], defects: list[dict]) -> None:
        """Mutate the nominal as recorded and log each defect with its true value."""
        rng = self.rng
        r = rng.random
        nid = p.nid
        true_dob = nominal["date_of_birth"]

        def log(kind: str, field: str, detail: str, original: object, recorded: object) -> None:
            defects.append(
                {
                    "defect_id": self._uuid(),
                    "kind": kind,
                    "nominal_id": nid,
                    "original_nominal_id": None,
                    "field": field,
                    "detail": detail,
                    "original_value": original,
                    "recorded_value": recorded,
                }
            )

        if chosen["alias_as_primary"]:
            surname, forenames = self._name(p.sex, p.eth)
            if r() < 0.5:
                surname = p.surname
            if forenames[0] == p.forenames[0] and surname == p.surname:
                surname = surname + "s" if not surname.endswith("s") else surname[:-1]
            true_name = {"surname": p.surname, "forenames": list(p.forenames)}
            nominal["surname"], nominal["forenames"] = surname, forenames
            nominal["aliases"].insert(0, true_name)
            log(
                "alias_as_primary",
                "name",
                f"recorded under an alias ({' '.join(forenames)} {surname}); true name "
                f"{' '.join(p.forenames)} {p.surname} is held as an alias",
                f"{' '.join(p.forenames)} {p.surname}",
                f"{' '.join(forenames)} {surname}",
            )

        if chosen["transposed_dob"]:
            d = date.fromordinal(p.dob_ord)
            swapped = date(d.year, d.day, d.month)
            if swapped.toordinal() < self.ref_ord:
                nominal["date_of_birth"] = swapped.isoformat()
                log(
                    "transposed_dob",
                    "date_of_birth",
                    "day and month transposed (dd/mm read as mm/dd)",
                    true_dob,
                    nominal["date_of_birth"],
                )

        if chosen["partial_dob"]:
            recorded = nominal["date_of_birth"]
            partial = recorded[:4] if r() < 0.5 else recorded[:7]
            nominal["date_of_birth"] = partial
            log(
                "partial_dob",
                "date_of_birth",
                "only the year of birth is known"
                if len(partial) == 4
                else "only the year and month are known",
                true_dob,
                partial,
            )

        if chosen["postcode_format"]:
            clean = nominal["address"]["postcode"]
            slipped = postcode_slip(clean, rng)
            nominal["address"]["postcode"] = slipped
            log(
                "postcode_format",
                "address.postcode",
                "postcode not in canonical upper-case spaced form",
                clean,
                slipped,
            )

        if chosen["missing_optional"]:
            options = ["address.county", "ethnicity"]
            if "line2" in nominal["address"]:
                options.append("address.line2")
            field = options[int(r() * len(options))]
            if field == "ethnicity":
                original = nominal["ethnicity"]
                nominal["ethnicity"] = None
            else:
                original = nominal["address"].pop(field.split(".")[1])
            log("missing_optional", field, f"optional field {field} not recorded", original, None)

    def _duplicate(self, p: _Person) -> tuple[dict, dict, dict]:
        """A second nominal for the same person, created later under a spelling variant."""
        rng = self.rng
        r = rng.random
        dup_id = self._uuid()
        forenames = list(p.forenames)
        surname = p.surname
        variant = forename_variant(forenames[0], rng) if r() < 0.7 else None
        if variant is not None:
            forenames[0] = variant[0]
            field, detail = "forenames", f"{p.forenames[0]} recorded as {variant[0]} ({variant[1]})"
            original, recorded = list(p.forenames), list(forenames)
        elif len(forenames) > 1 and forenames[1] != forenames[0] and r() < 0.25:
            forenames[0], forenames[1] = forenames[1], forenames[0]
            field, detail = "forenames", f"known by middle name: recorded as {' '.join(forenames)}"
            original, recorded = list(p.forenames), list(forenames)
        else:
            new, why = surname_variant(surname, rng)
            surname = new
            field, detail = "surname", f"{p.surname} recorded as {new} ({why})"
            original, recorded = p.surname, new
        if len(forenames) > 1 and r() < 0.3:
            forenames = forenames[:1]
            if field == "forenames":
                recorded = list(forenames)
                detail += "; middle names not recorded"
        if r() < 0.6:
            address, location = dict(p.address), dict(p.location)
        else:
            address, location, _ = self._address(True)
        occ = self._incident(p, dup_id, location, not_before=p.created)
        created = occ["_created"]
        nominal = {
            "nominal_id": dup_id,
            "pnc_id": None,
            "cro_number": None,
            "surname": surname,
            "forenames": forenames,
            "sex": p.sex,
            "date_of_birth": _date_iso(p.dob_ord),
            "ethnicity": p.eth if r() < 0.7 else "NS",
            "address": address,
            "aliases": [],
            "warning_markers": [],
            "created_at": _iso(created),
        }
        defect = {
            "defect_id": self._uuid(),
            "kind": "duplicate_nominal",
            "nominal_id": dup_id,
            "original_nominal_id": p.nid,
            "field": field,
            "detail": f"duplicate of an existing nominal: {detail}",
            "original_value": original,
            "recorded_value": recorded,
        }
        self._remember((dup_id, p.dob_ts, created, location, address))
        return nominal, occ, defect


_HOME_TOWN_NAMES = frozenset(t[0] for t in data.HOME_TOWNS)
_HOME_STATION = {t[0]: t[6] for t in data.HOME_TOWNS}


def _pick(x: float, weights: tuple[float, ...]) -> int:
    """Index chosen by ``x`` in [0, 1) over small fixed weights that sum to 1."""
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if x < acc:
            return i
    return len(weights) - 1


def _vrm(rng: Random) -> str:
    """A current-style registration mark (two letters, two digits, three letters)."""
    letters = data.VRM_LETTERS
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(10, 75)} "
        f"{rng.choice(letters)}{rng.choice(letters)}{rng.choice(letters)}"
    )


def generate(spec: PopulationSpec) -> Iterator[tuple[str, dict]]:
    """Stream ``(kind, record)`` pairs for ``spec`` in a deterministic order, person by person."""
    for shard in range(shard_count(spec.people)):
        yield from Generator(spec, shard).people()
