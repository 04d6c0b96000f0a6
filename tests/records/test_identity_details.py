"""People as forces record them, through the records API (standard 1.1.0): NI number, place of
birth, nationality and ethnicity as two fields (docs/domain.md 4.5, 5.2)."""

from __future__ import annotations

import pytest

from tests.records.conftest import Api, person
from tests.records.test_nominals import problem
from tests.records.test_population import all_pages, population

DETAILS = (
    "ni_number",
    "place_of_birth",
    "nationality",
    "self_defined_ethnicity",
    "officer_observed_ethnicity",
)


def test_create_stores_the_details_canonical_and_reads_them_back(api: Api) -> None:
    resp = api.post(
        "/nominals",
        person(
            ni_number="jk 12 34 56 b",
            place_of_birth="  Lagos,   Nigeria ",
            nationality="NGA",
            self_defined_ethnicity="B2",
            officer_observed_ethnicity="IC3",
        ),
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["ni_number"] == "JK123456B"
    assert body["place_of_birth"] == "Lagos, Nigeria" and body["nationality"] == "NGA"
    assert body["self_defined_ethnicity"] == "B2" and body["officer_observed_ethnicity"] == "IC3"
    assert body["ethnicity"] == "B2", "a 1.0 client reads the self-defined code"
    assert api.get(f"/nominals/{body['nominal_id']}").json() == body


def test_details_are_optional_and_null_when_not_recorded(api: Api) -> None:
    body = api.create()
    assert all(body[key] is None for key in DETAILS) and body["ethnicity"] is None


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("ZZ123456A", "not allocated"),
        ("BG123456A", "not allocated"),
        ("NT123456A", "not allocated"),
        ("DA123456A", "never starts with D"),
        ("QQ123456C", "never starts with Q"),
        ("AO123456A", "second letter is never O"),
        ("AV123456A", "second letter is never V"),
        ("CR123456A", "administrative"),
    ],
)
def test_an_invalid_ni_number_is_refused_with_its_rule(api: Api, value: str, why: str) -> None:
    body = problem(api.post("/nominals", person(ni_number=value)), 400, "RMS-ID-004")
    assert [e["field"] for e in body["errors"]] == ["ni_number"]
    assert why in body["errors"][0]["message"]


@pytest.mark.parametrize("value", ["AB123456E", "AB12345C", "AB1234567C", "123456789"])
def test_an_ni_number_of_the_wrong_shape_is_refused(api: Api, value: str) -> None:
    body = problem(api.post("/nominals", person(ni_number=value)), 400, "RMS-ID-004")
    assert [e["field"] for e in body["errors"]] == ["ni_number"]
    assert "six digits" in body["errors"][0]["message"] or "suffix" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("self_defined_ethnicity", "IC1"),  # an observed code is not a self-defined one
        ("officer_observed_ethnicity", "W1"),
        ("officer_observed_ethnicity", "IC7"),  # an old "unknown" variant: IC9 now
        ("nationality", "gbr"),
        ("nationality", "GB"),
        ("place_of_birth", ""),
    ],
)
def test_other_details_are_validated(api: Api, field: str, value: str) -> None:
    body = problem(api.post("/nominals", person(**{field: value})), 400)
    assert any(e["field"] in (field, f"body.{field}") for e in body["errors"]), body


def test_a_blank_place_of_birth_is_refused_with_a_rule(api: Api) -> None:
    problem(api.post("/nominals", person(place_of_birth="   ")), 400, "RMS-VAL-001")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {"ethnicity": "W1"},
            {"ethnicity": "W1", "self_defined_ethnicity": "W1", "officer_observed_ethnicity": None},
        ),
        (
            {"ethnicity": "IC3"},
            {"ethnicity": "IC3", "self_defined_ethnicity": None, "officer_observed_ethnicity": "IC3"},
        ),
        (
            {"ethnicity": "W1", "officer_observed_ethnicity": "IC2"},
            {"ethnicity": "W1", "self_defined_ethnicity": "W1", "officer_observed_ethnicity": "IC2"},
        ),
        (
            {"ethnicity": "IC1", "self_defined_ethnicity": "W9"},
            {"ethnicity": "IC1", "self_defined_ethnicity": "W9", "officer_observed_ethnicity": "IC1"},
        ),
        (
            {"officer_observed_ethnicity": "IC4"},
            {"ethnicity": "IC4", "self_defined_ethnicity": None, "officer_observed_ethnicity": "IC4"},
        ),
        (
            {"self_defined_ethnicity": "A2"},
            {"ethnicity": "A2", "self_defined_ethnicity": "A2", "officer_observed_ethnicity": None},
        ),
    ],
)
def test_the_one_field_and_the_two_fields_stay_in_step(api: Api, given: dict, expected: dict) -> None:
    body = api.create(**given)
    assert {k: body[k] for k in expected} == expected


def test_patch_sets_checks_and_removes_the_details(api: Api) -> None:
    created = api.create(ethnicity="W1")
    nid = created["nominal_id"]
    etag = f'"v{created["version"]}"'
    problem(api.patch(f"/nominals/{nid}", {"ni_number": "TN123456A"}, etag), 400, "RMS-ID-004")
    resp = api.patch(
        f"/nominals/{nid}", {"ni_number": "ab 98 76 54 d", "officer_observed_ethnicity": "IC1"}, etag
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["ni_number"] == "AB987654D" and body["officer_observed_ethnicity"] == "IC1"
    assert body["ethnicity"] == "W1" and body["self_defined_ethnicity"] == "W1", (
        "nothing given is overwritten"
    )
    resp = api.patch(f"/nominals/{nid}", {"ni_number": None, "ethnicity": None}, resp.headers["ETag"])
    body = resp.json()
    assert resp.status_code == 200 and body["ni_number"] is None and body["ethnicity"] is None
    assert body["self_defined_ethnicity"] == "W1", "removing the 1.0 field leaves the 1.1 fields"


def test_the_same_ni_number_on_two_nominals_is_allowed(api: Api) -> None:
    """Not a police identifier: legacy records hold one number on two nominals (docs/domain.md 4.5)."""
    first = api.create(ni_number="PR123456A")
    second = api.create(ni_number="PR 12 34 56 A")
    assert first["ni_number"] == second["ni_number"] == "PR123456A"


def test_a_merge_fills_the_details_the_survivor_lacks(api: Api) -> None:
    survivor = api.create(self_defined_ethnicity="W2")
    duplicate = api.create(
        pnc_id=None,  # one national record: two PNC IDs would be two people
        ni_number="JT654321C",
        nationality="IRL",
        officer_observed_ethnicity="IC1",
        self_defined_ethnicity="W9",
    )
    resp = api.post(f"/nominals/{survivor['nominal_id']}/merges", {"duplicate_id": duplicate["nominal_id"]})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["ni_number"] == "JT654321C" and body["nationality"] == "IRL"
    assert body["officer_observed_ethnicity"] == "IC1"
    assert body["self_defined_ethnicity"] == "W2", "the survivor's own value is kept"


def test_the_seeded_people_are_loaded_with_their_details_as_recorded(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    assert records.sim("POST", "/reset").status_code == 200
    pop = population(records)
    got = {n["nominal_id"]: n for n in all_pages(api, "/nominals")}
    for src in pop["nominals"]:
        for key in DETAILS:
            assert got[src["nominal_id"]][key] == src[key], key
    assert any(n["ni_number"] for n in got.values()) and any(
        n["officer_observed_ethnicity"] for n in got.values()
    )
