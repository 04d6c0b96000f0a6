"""Nominal search: identifiers, names (case, accents, punctuation, variants, sound-alikes, aliases), dates."""

from __future__ import annotations

import random
import string

import pytest

from tests.records.conftest import Api


def uniq(base: str) -> str:
    return base + "".join(random.choice(string.ascii_lowercase) for _ in range(6))


def found(api: Api, **params: str) -> dict[str, dict]:
    resp = api.get("/nominals", params={"limit": 200, **params})
    assert resp.status_code == 200, resp.text
    return {i["nominal_id"]: i for i in resp.json()["items"]}


def test_search_by_pnc_id_in_any_layout(api: Api) -> None:
    n = api.create()
    pnc = n["pnc_id"]
    short = f"{pnc[2:4]}/{int(pnc[5:12])}{pnc[12]}"
    for query in (pnc, short, pnc.lower(), pnc.replace("/", "")):
        hits = found(api, pnc_id=query)
        assert list(hits) == [n["nominal_id"]], query
        assert hits[n["nominal_id"]]["match"]["matched_on"] == ["pnc_id"]
        assert hits[n["nominal_id"]]["match"]["score"] == 1.0
    bad = api.get("/nominals", params={"pnc_id": pnc[:-1] + ("A" if pnc[-1] != "A" else "B")})
    assert bad.status_code == 400 and bad.json()["rule"] == "RMS-ID-001"


def test_search_by_cro_number(api: Api) -> None:
    from tests.records.conftest import unique_cro

    n = api.create(cro_number=unique_cro())
    assert list(found(api, cro_number=n["cro_number"].lower())) == [n["nominal_id"]]
    bad = api.get("/nominals", params={"cro_number": "265416/21A"})
    assert bad.status_code == 400 and bad.json()["rule"] == "RMS-ID-002"


def test_name_matching_ignores_case_accents_and_punctuation(api: Api) -> None:
    base = uniq("Obr")
    n = api.create(surname=f"O'{base.capitalize()}-Zoë", forenames=["Siân"])
    for surname, forename in (
        (f"o{base}zoe", "sian"),
        (f"O {base.upper()} ZOE", "SIAN"),
        (f"O'{base}-Zoë", "Siân"),
    ):
        hits = found(api, surname=surname, forename=forename)
        assert n["nominal_id"] in hits, (surname, forename)
        match = hits[n["nominal_id"]]["match"]
        assert match["name_match"] == "exact" and match["score"] == 1.0 and not match["via_alias"]
        assert match["matched_on"] == ["surname", "forename"]


def test_spelling_variants_and_mac_prefix(api: Api) -> None:
    dob = "1961-0" + str(random.randint(1, 9)) + "-1" + str(random.randint(1, 9))
    n = api.create(surname="Macdonald", forenames=["Stephen"], date_of_birth=dob)
    for surname, forename in (("McDonald", "Steven"), ("Mac Donald", "Stephen"), ("MACDONALD", "steven")):
        hits = found(api, surname=surname, forename=forename, date_of_birth=dob)
        assert n["nominal_id"] in hits
        match = hits[n["nominal_id"]]["match"]
        assert match["name_match"] in ("exact", "variant")
    match = found(api, surname="McDonald", forename="Steven", date_of_birth=dob)[n["nominal_id"]]["match"]
    assert match["name_match"] == "variant" and match["score"] == pytest.approx(0.85 * 0.85, abs=0.001)
    m = api.create(surname=uniq("Husz"), forenames=["Mohammed"], date_of_birth=dob)
    for forename in ("Muhammad", "Mohamed", "mohammad"):
        hit = found(api, surname=m["surname"], forename=forename)[m["nominal_id"]]
        assert hit["match"]["name_match"] == "variant", forename


def test_sound_alike_names_match_last(api: Api) -> None:
    forename = uniq("Qe")
    exact = api.create(surname="Thompson", forenames=[forename])
    phonetic = api.create(surname="Tompsen", forenames=[forename])  # T512 like Thompson; not a listed variant
    hits = found(api, surname="Thompson", forename=forename)
    assert hits[exact["nominal_id"]]["match"]["name_match"] == "exact"
    assert hits[phonetic["nominal_id"]]["match"]["name_match"] == "phonetic"
    ordered = [i for i in hits if i in (exact["nominal_id"], phonetic["nominal_id"])]
    assert ordered == [exact["nominal_id"], phonetic["nominal_id"]]  # best first
    assert hits[phonetic["nominal_id"]]["match"]["score"] == pytest.approx(0.7)


def test_aliases_match_and_say_so(api: Api) -> None:
    alias_surname = uniq("Kray")
    n = api.create(
        surname=uniq("Real"),
        aliases=[{"surname": alias_surname, "forenames": ["Ronnie"], "date_of_birth": "1933-10-24"}],
    )
    hit = found(api, surname=alias_surname, forename="Ronnie")[n["nominal_id"]]
    assert hit["match"]["via_alias"] is True and hit["match"]["score"] == pytest.approx(0.9)
    assert hit["match"]["alias"] == {
        "surname": alias_surname,
        "forenames": ["Ronnie"],
        "date_of_birth": "1933-10-24",
    }
    # The alias's own date of birth is searchable, and does not leak onto the primary identity.
    assert n["nominal_id"] in found(api, surname=alias_surname, date_of_birth="1933-10-24")
    assert n["nominal_id"] not in found(api, surname=alias_surname, date_of_birth="1990-05-06")
    assert n["nominal_id"] in found(api, surname=n["surname"], date_of_birth="1990-05-06")


def test_full_and_partial_dates_of_birth_match_both_ways(api: Api) -> None:
    surname = uniq("Dobby")
    full = api.create(surname=surname, date_of_birth="1972-11-23")
    year_only = api.create(surname=surname, date_of_birth="1972")
    month = api.create(surname=surname, date_of_birth="1972-11")
    other = api.create(surname=surname, date_of_birth="1973-11-23")
    hits = found(api, surname=surname, date_of_birth="1972-11-23")
    assert set(hits) == {full["nominal_id"], year_only["nominal_id"], month["nominal_id"]}
    assert hits[full["nominal_id"]]["match"]["date_of_birth_match"] == "exact"
    assert hits[year_only["nominal_id"]]["match"]["date_of_birth_match"] == "partial"
    assert hits[year_only["nominal_id"]]["match"]["score"] < hits[full["nominal_id"]]["match"]["score"]
    assert set(found(api, surname=surname, date_of_birth="1972")) == {
        full["nominal_id"],
        year_only["nominal_id"],
        month["nominal_id"],
    }
    assert set(found(api, surname=surname, date_of_birth="1973-11")) == {other["nominal_id"]}
    only_dob = found(api, date_of_birth="1972-11-23")
    assert full["nominal_id"] in only_dob and other["nominal_id"] not in only_dob
    assert only_dob[full["nominal_id"]]["match"]["matched_on"] == ["date_of_birth"]
    bad = api.get("/nominals", params={"date_of_birth": "1972-02-31"})
    assert bad.status_code == 400 and bad.json()["rule"] == "RMS-DAT-001"
    assert api.get("/nominals", params={"date_of_birth": "23/11/1972"}).status_code == 400


def test_equal_scores_report_the_stronger_surname_match_then_the_first_record(api: Api) -> None:
    """Two name records of one nominal may score the same; which one `match` describes is fixed."""
    surname, forename = uniq("Tie"), uniq("Fa")
    alias = {"surname": surname, "forenames": [forename], "date_of_birth": "1985-03-04"}
    n = api.create(surname=surname, forenames=[forename], date_of_birth="1985", aliases=[alias])
    # Primary name with a partial date of birth (0.9) against the alias with the exact one (0.9).
    match = found(api, surname=surname, date_of_birth="1985-03-04")[n["nominal_id"]]["match"]
    assert (match["score"], match["via_alias"], match["date_of_birth_match"]) == (0.9, False, "partial")
    # Without a surname the stronger date-of-birth match decides.
    match = found(api, forename=forename, date_of_birth="1985-03-04")[n["nominal_id"]]["match"]
    assert (match["score"], match["via_alias"], match["date_of_birth_match"]) == (0.9, True, "exact")
    assert match["alias"] == alias
    # Alias 0 sounds like the surname (0.7 x 1.0), alias 1 sounds like the forename (1.0 x 0.7).
    sounds_like_surname, sounds_like_forename = "Ty" + surname[2:], "Fo" + forename[2:]
    aliases = [
        {"surname": sounds_like_surname, "forenames": [forename]},
        {"surname": surname, "forenames": [sounds_like_forename]},
    ]
    m = api.create(surname=uniq("Other"), aliases=aliases)
    match = found(api, surname=surname, forename=forename)[m["nominal_id"]]["match"]
    assert (match["score"], match["name_match"]) == (0.63, "phonetic")
    assert match["alias"] == {**aliases[1], "date_of_birth": None}


def test_candidate_query_compares_only_the_keys_that_decide() -> None:
    """The SQL side compares fewer keys than `names.compare` (so an index bounds it): same rows."""
    from simulators.records import names, search
    from simulators.records.nominals import name_key_rows

    corpus = [
        *("Smith", "Smyth", "Smithe", "Schmidt", "Jones", "Johns", "Taylor", "Tailor"),
        *("Macdonald", "McDonald", "Mac Donald", "O'Brien", "OBRIEN", "Zoë", "Zoe", "Straße", "Strasse"),
        *("Stephen", "Steven", "Stevan", "Jon", "John", "Joan", "Mohammed", "Muhammad", "Catherine"),
        *("Иванов", "Иван", "张伟", "Ng", "123", "Æ" * 100, "ﬃ" * 70, "ﬃ" * 70 + "x"),
        *("a" * 200, "a" * 200 + "bcd", "a" * 199 + "b", "ab" * 150, "ab" * 150 + "c"),
    ]
    stored = [
        row
        for i, name in enumerate(corpus)
        for row in name_key_rows(str(i), {"surname": name, "forenames": [name]})
    ]
    for name in corpus:
        for part, keys_of in (("surname", names.surname_keys), ("forename", names.forename_keys)):
            query = keys_of(name)
            compared = search._compared_keys(query)
            for row in stored:
                held = (row[f"{part}_key"], row[f"{part}_variant"], row[f"{part}_phonetic"])
                in_sql = any(held[i] == query[i] for i in compared)
                assert in_sql == (names.compare(query, held) is not None), (part, name, held)


def test_all_criteria_must_match(api: Api) -> None:
    n = api.create(surname=uniq("Andy"))
    assert n["nominal_id"] in found(api, surname=n["surname"], pnc_id=n["pnc_id"])
    other = api.create()
    assert found(api, surname=n["surname"], pnc_id=other["pnc_id"]) == {}
    assert found(api, surname=n["surname"], forename="Zebedee") == {}


def test_names_without_letters_match_nothing(api: Api) -> None:
    assert found(api, surname="'-'") == {}
    assert found(api, surname="Smith", forename="--") == {}


def test_results_page_with_a_stable_cursor(api: Api) -> None:
    surname = uniq("Pager")
    ids = {
        api.create(surname=surname, forenames=[f]).get("nominal_id")
        for f in ("Ann", "Anne", "Bea", "Cy", "Di")
    }
    seen, cursor, pages = [], None, 0
    while True:
        params = {"surname": surname, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/nominals", params=params).json()
        seen.extend(i["nominal_id"] for i in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            assert page["links"]["next"] is None
            break
        assert "cursor=" in page["links"]["next"]
    assert pages == 3 and len(seen) == 5 and set(seen) == ids
    assert api.get("/nominals", params={"surname": surname, "cursor": "bm9wZQ"}).status_code == 400
    assert api.get("/nominals", params={"surname": surname, "cursor": "WzFd"}).status_code == 400  # [1]


def test_without_criteria_lists_active_nominals_in_id_order(api: Api) -> None:
    page = api.get("/nominals", params={"limit": 5}).json()
    ids = [i["nominal_id"] for i in page["items"]]
    assert ids == sorted(ids) and len(ids) == 5 and page["next_cursor"]
    assert all(i["match"] is None for i in page["items"])
    nxt = api.get("/nominals", params={"limit": 5, "cursor": page["next_cursor"]}).json()
    assert nxt["items"][0]["nominal_id"] > ids[-1]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"surname": ""},
        {"surname": "x" * 101},
        {"date_of_birth": "85"},
        {"pnc_id": "1"},
    ],
)
def test_malformed_search_parameters_are_400(api: Api, params: dict) -> None:
    assert api.get("/nominals", params=params).status_code == 400


@pytest.mark.parametrize("forged", ["W3RydWVd", "W251bGxd", "W3t9XQ", "WzEuNV0"])  # [true] [null] [{}] [1.5]
def test_forged_cursors_are_400_everywhere(api: Api, forged: str) -> None:
    assert api.get("/nominals", params={"cursor": forged}).status_code == 400
    assert api.get("/nominals", params={"surname": "Smith", "cursor": forged}).status_code == 400
    assert api.get("/occurrences", params={"cursor": forged}).status_code == 400
    assert api.get("/events", params={"after": forged}).status_code == 400
