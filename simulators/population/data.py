"""Static pools the generator samples from: names, streets, towns, stations, text fragments.

Names and street suffixes are pulled once from Faker's en_GB provider *data* (tuples and weighted
dicts on the provider classes) and then sampled with the generator's own ``random.Random``; Faker
itself is never called per field, which is what makes 100,000 people in seconds possible.

Towns are a curated list of real places with their real postcode area and county, so an address is
internally coherent (a Leeds address has an LS postcode). Postcode *units* are synthetic but always
valid in format (docs/domain.md 4.3); they are not PAF-checked and may not exist.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from random import Random
from typing import Any


class Weighted:
    """Fast weighted choice: one ``rng.random()`` and a bisect (no per-call list building)."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: Sequence[tuple[object, float]]) -> None:
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: Random) -> Any:
        return self.values[bisect(self.cum, rng.random() * self.total)]


@dataclass(frozen=True)
class NamePools:
    """Forename and surname pools, split by sex and by broad naming tradition."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: Weighted
    surname_list: tuple[str, ...]
    # Supplementary pools (common UK names of South Asian, Arab, African and Chinese origin) so that
    # spelling-variant duplicates such as Mohammed/Muhammad occur where they do in real data.
    south_asian_male: tuple[str, ...]
    south_asian_female: tuple[str, ...]
    south_asian_surnames: tuple[str, ...]
    arab_male: tuple[str, ...]
    arab_female: tuple[str, ...]
    arab_surnames: tuple[str, ...]
    african_male: tuple[str, ...]
    african_female: tuple[str, ...]
    african_surnames: tuple[str, ...]
    chinese_male: tuple[str, ...]
    chinese_female: tuple[str, ...]
    chinese_surnames: tuple[str, ...]


@lru_cache(maxsize=1)
def name_pools() -> NamePools:
    """Load Faker en_GB name data once per process."""
    from faker.providers.person.en_GB import Provider as Person

    last = Person.last_names
    pairs = list(last.items()) if isinstance(last, dict) else [(n, 1.0) for n in last]
    return NamePools(
        male=tuple(dict.fromkeys(Person.first_names_male)),
        female=tuple(dict.fromkeys(Person.first_names_female)),
        surnames=Weighted(pairs),
        surname_list=tuple(n for n, _ in pairs),
        south_asian_male=(
            "Mohammed",
            "Muhammad",
            "Mohammad",
            "Ali",
            "Ahmed",
            "Imran",
            "Adil",
            "Hassan",
            "Bilal",
            "Usman",
            "Zain",
            "Arjun",
            "Raj",
            "Sanjay",
            "Amit",
            "Vikram",
            "Rahul",
            "Ravi",
            "Sunil",
            "Tariq",
            "Asif",
            "Faisal",
            "Kamran",
            "Shahid",
            "Harpreet",
            "Gurpreet",
        ),
        south_asian_female=(
            "Aisha",
            "Ayesha",
            "Fatima",
            "Zainab",
            "Maryam",
            "Amina",
            "Saima",
            "Nadia",
            "Priya",
            "Anjali",
            "Sunita",
            "Simran",
            "Nasreen",
            "Shabana",
            "Rubina",
            "Sana",
            "Hina",
            "Farah",
        ),
        south_asian_surnames=(
            "Khan",
            "Patel",
            "Hussain",
            "Ahmed",
            "Ali",
            "Akhtar",
            "Iqbal",
            "Mahmood",
            "Shah",
            "Singh",
            "Sharma",
            "Kumar",
            "Rahman",
            "Islam",
            "Uddin",
            "Miah",
            "Chowdhury",
            "Malik",
            "Butt",
            "Mirza",
            "Qureshi",
            "Aziz",
            "Choudhury",
        ),
        arab_male=("Omar", "Khalid", "Yusuf", "Ibrahim", "Ahmad", "Hamza", "Karim", "Mohamed", "Mahmoud"),
        arab_female=("Layla", "Yasmin", "Huda", "Rania", "Salma", "Nour", "Mariam"),
        arab_surnames=("Hassan", "Ibrahim", "Mahmoud", "Abdullah", "Saleh", "Nasser", "Haddad", "Mansour"),
        african_male=("Kwame", "Chinedu", "Emeka", "Kofi", "Tunde", "Abdi", "Mohamed", "Oluwaseun"),
        african_female=("Chioma", "Ngozi", "Adaeze", "Ama", "Folake", "Amara", "Fatuma"),
        african_surnames=(
            "Okafor",
            "Adeyemi",
            "Mensah",
            "Okoye",
            "Owusu",
            "Abdi",
            "Mohamed",
            "Osei",
            "Adebayo",
        ),
        chinese_male=("Wei", "Jun", "Ming", "Hao", "Jian"),
        chinese_female=("Mei", "Li", "Xiu", "Ying", "Lan"),
        chinese_surnames=("Wang", "Li", "Zhang", "Chen", "Liu", "Wong", "Chan", "Lee"),
    )


@lru_cache(maxsize=1)
def street_suffixes() -> tuple[str, ...]:
    """Faker en_GB street suffixes filtered to ones that sound British, plus 'Close'."""
    from faker.providers.address.en_GB import Provider as Address

    british = {
        "Avenue",
        "Court",
        "Crescent",
        "Drive",
        "Fields",
        "Gardens",
        "Green",
        "Grove",
        "Hill",
        "Lane",
        "Mews",
        "Mount",
        "Park",
        "Place",
        "Road",
        "Row",
        "Square",
        "Street",
        "Terrace",
        "View",
        "Walk",
        "Way",
    }
    found = tuple(dict.fromkeys(s for s in Address.street_suffixes if s in british))
    # Road and Street dominate real address files.
    return found + ("Road", "Road", "Street", "Street", "Close", "Lane")


#: (town, county, postcode area, first district, last district, weight, custody station code)
HOME_TOWNS: tuple[tuple[str, str, str, int, int, float, str], ...] = (
    ("Leeds", "West Yorkshire", "LS", 1, 29, 34.0, "LS"),
    ("Bradford", "West Yorkshire", "BD", 1, 18, 22.0, "BD"),
    ("Wakefield", "West Yorkshire", "WF", 1, 11, 13.0, "WF"),
    ("Huddersfield", "West Yorkshire", "HD", 1, 9, 12.0, "HD"),
    ("Halifax", "West Yorkshire", "HX", 1, 7, 8.0, "HX"),
    ("Dewsbury", "West Yorkshire", "WF", 12, 13, 6.0, "HD"),
    ("Keighley", "West Yorkshire", "BD", 20, 22, 5.0, "BD"),
)

#: Towns outside the simulated force area (people move; detainees come from elsewhere).
OTHER_TOWNS: tuple[tuple[str, str, str, int, int, float], ...] = (
    ("Manchester", "Greater Manchester", "M", 1, 35, 6.0),
    ("Sheffield", "South Yorkshire", "S", 1, 36, 5.0),
    ("Liverpool", "Merseyside", "L", 1, 37, 4.0),
    ("Birmingham", "West Midlands", "B", 1, 48, 5.0),
    ("Newcastle upon Tyne", "Tyne and Wear", "NE", 1, 15, 3.0),
    ("York", "North Yorkshire", "YO", 1, 32, 3.0),
    ("Harrogate", "North Yorkshire", "HG", 1, 5, 2.0),
    ("Hull", "East Riding of Yorkshire", "HU", 1, 17, 3.0),
    ("Doncaster", "South Yorkshire", "DN", 1, 12, 3.0),
    ("Nottingham", "Nottinghamshire", "NG", 1, 25, 3.0),
    ("Leicester", "Leicestershire", "LE", 1, 19, 2.0),
    ("Bristol", "Bristol", "BS", 1, 16, 2.0),
    ("Cardiff", "South Glamorgan", "CF", 3, 24, 2.0),
    ("Norwich", "Norfolk", "NR", 1, 14, 1.0),
    ("Southampton", "Hampshire", "SO", 14, 19, 1.0),
    ("Plymouth", "Devon", "PL", 1, 9, 1.0),
    ("Preston", "Lancashire", "PR", 1, 5, 2.0),
    ("London", "Greater London", "SE", 1, 28, 4.0),
    ("London", "Greater London", "E", 1, 18, 3.0),
    ("London", "Greater London", "N", 1, 22, 3.0),
)

#: Central London districts with a letter suffix (the A9A / AA9A postcode shapes).
LONDON_SUFFIX_DISTRICTS: tuple[str, ...] = (
    "EC1A",
    "EC2M",
    "WC1B",
    "WC2H",
    "SW1A",
    "SW1P",
    "W1D",
    "W1F",
    "W1T",
    "E1W",
    "N1C",
)

#: Custody suites of the simulated force: code -> name. The code prefixes custody numbers.
STATIONS: dict[str, str] = {
    "LS": "Leeds District Custody Suite",
    "BD": "Bradford District Custody Suite",
    "WF": "Wakefield District Custody Suite",
    "HD": "Kirklees District Custody Suite",
    "HX": "Calderdale District Custody Suite",
}

#: Magistrates' courts named in charge details, by station.
COURTS: dict[str, str] = {
    "LS": "Leeds Magistrates' Court",
    "BD": "Bradford and Keighley Magistrates' Court",
    "WF": "Wakefield Magistrates' Court",
    "HD": "Kirklees Magistrates' Court",
    "HX": "Calderdale Magistrates' Court",
}

#: Inward-code letters allowed by docs/domain.md 4.3 (no C, I, K, M, O, V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

#: PACE s.24(5) necessity criteria, as recorded in an arrest reason.
NECESSITY = (
    "to allow the prompt and effective investigation of the offence",
    "to allow the prompt and effective investigation of the offence",
    "to allow the prompt and effective investigation of the offence",
    "to prevent the person causing physical injury to themselves or another",
    "to prevent any prosecution being hindered by the disappearance of the person",
    "to protect a child or other vulnerable person",
    "to ascertain the person's name",
    "to ascertain the person's address",
)

VEHICLE_MAKES = (
    "Ford Focus",
    "Vauxhall Corsa",
    "Volkswagen Golf",
    "BMW 3 Series",
    "Audi A3",
    "Mercedes C-Class",
    "Ford Fiesta",
    "Nissan Qashqai",
    "Toyota Yaris",
    "Peugeot 208",
    "Range Rover Evoque",
)
COLOURS = ("black", "white", "silver", "grey", "blue", "red", "green")
VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"

VENUES = (
    "the Red Lion public house",
    "a takeaway on {street}",
    "a car wash on {street}",
    "the bus station",
    "a barber's shop on {street}",
    "the retail park",
    "a gym on {street}",
    "the railway station car park",
)

PARTNER_AGENCIES = (
    "the local authority housing team",
    "children's social care",
    "a youth offending team",
    "the probation service",
    "a secondary school safeguarding lead",
    "an NHS mental health team",
)
