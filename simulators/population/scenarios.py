"""What happens to people: the arrest scenarios, crimes against them and incidents, as data tables.

Each arrest scenario names its Home Office Counting Rules class and CJS offence code
(simulators.domain.codelists), whether the offence is indictable (a superintendent's extension is
possible, docs/domain.md 2.1) and the warning markers it tends to bring; weights are rough shares,
not measured figures.
"""

from __future__ import annotations

from simulators.population import data

#: (key, weight, HOCR code, principal CJS code, extra CJS codes, victim kind, indictable, arrested in
#: the act, longest duration in minutes, summaries, (warning marker, probability) pairs).
Scenario = tuple[
    str, int, str, str, tuple[str, ...], str, bool, bool, int, tuple[str, ...], tuple[tuple[str, float], ...]
]

# Arrest scenarios: key -> (weight, HOCR code, principal CJS code, extra CJS codes, victim kind,
#   indictable (s.42 extension possible), in-the-act arrest, duration minutes (max), summaries,
#   (marker, probability)).
ARREST: tuple[Scenario, ...] = (
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
ARREST_W = data.Weighted([(s, s[1]) for s in ARREST])

#: Crimes where the person is the victim and no suspect was identified:
#: (HOCR, weight, at home?, max minutes, summaries).
VICTIM = (
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
VICTIM_W = data.Weighted([(v, v[1]) for v in VICTIM])

#: Incidents: (category, weight, role of the person, second person's role or None, summaries).
INCIDENTS = (
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
INCIDENT_W = data.Weighted([(i, i[1]) for i in INCIDENTS])
CHILD_INCIDENT = next(i for i in INCIDENTS if i[0] == "PSW-CONCERN")

#: Intelligence topic suggested by an arrest scenario (intelligence.py writes the text).
TOPICS_FOR = {
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
