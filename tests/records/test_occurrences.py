"""Occurrences and POLE links: classification, times, status and outcome rules, link roles and entities."""

from __future__ import annotations

import uuid

import pytest

from tests.records.conftest import Api
from tests.records.test_nominals import problem

CRIME = {"type": "crime", "classification": {"code": "8N"}, "occurred_from": "2025-03-04T22:10:00Z"}


def test_create_crime_assigns_reference_title_and_defaults(api: Api) -> None:
    resp = api.post(
        "/occurrences",
        {
            **CRIME,
            "classification": {"code": "8n", "title": "ignored"},
            "occurred_to": "2025-03-04T23:10:00+01:00",
            "location": {"line1": "3 High St", "town": "Leeds", "postcode": "ls11aa"},
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert (
        resp.headers["Location"] == f"/occurrences/{body['occurrence_id']}" and resp.headers["ETag"] == '"v1"'
    )
    assert body["classification"] == {"code": "8N", "title": "Assault with injury"}
    assert body["occurred_to"] == "2025-03-04T22:10:00+00:00"
    assert body["status"] == "open" and body["outcome"] is None and body["version"] == 1
    assert body["location"]["postcode"] == "LS1 1AA"
    assert body["reference"].startswith(f"OCC-{body['reported_at'][:4]}-")
    second = api.occurrence()
    assert int(second["reference"][-6:]) == int(body["reference"][-6:]) + 1
    assert api.get(f"/occurrences/{body['occurrence_id']}").json() == body
    ev = [e for e in api.events("occurrence.created") if e["resource"]["id"] == body["occurrence_id"]]
    assert ev and ev[0]["resource"]["href"] == f"/occurrences/{body['occurrence_id']}"


def test_incident_with_category_and_initial_links(api: Api) -> None:
    n = api.create()
    body = api.occurrence(
        type="incident",
        classification={"code": "PSW-MISSING"},
        links=[{"nominal_id": n["nominal_id"], "role": "missing_person"}],
    )
    assert body["classification"]["title"] == "Missing person"
    assert [(lk["nominal_id"], lk["role"], lk["entity_type"]) for lk in body["links"]] == [
        (n["nominal_id"], "missing_person", "person")
    ]


@pytest.mark.parametrize(
    ("changes", "status", "rule"),
    [
        ({"classification": {"code": "ASB-PERSONAL"}}, 400, "RMS-OCC-001"),  # incident category on a crime
        ({"type": "incident"}, 400, "RMS-OCC-001"),  # HOCR code on an incident
        ({"classification": {"code": "999Z"}}, 400, "RMS-OCC-001"),
        ({"occurred_to": "2025-03-04T22:00:00Z"}, 400, "RMS-OCC-002"),
        ({"reported_at": "2025-03-04T21:00:00Z"}, 400, "RMS-OCC-002"),
        ({"occurred_from": "2999-01-01T00:00:00Z"}, 400, "RMS-DAT-002"),
        ({"occurred_from": "2025-03-04T22:10:00"}, 400, None),  # no offset
        ({"status": "closed"}, 422, "RMS-OCC-003"),
        ({"outcome": {"code": "99"}}, 400, "RMS-OCC-005"),
        (
            {"type": "incident", "classification": {"code": "PSW-CONCERN"}, "outcome": {"code": "1"}},
            422,
            "RMS-OCC-004",
        ),
        ({"links": [{"nominal_id": str(uuid.uuid4()), "role": "victim"}]}, 422, "RMS-LNK-001"),
        ({"location": {"line1": "x", "town": "y", "postcode": "AA1 1CI"}}, 400, "RMS-ID-003"),
        ({"summary": ""}, 400, None),
        ({"colour": "red"}, 400, None),
    ],
)
def test_create_rules(api: Api, changes: dict, status: int, rule: str | None) -> None:
    before = len(api.events("occurrence.created"))
    problem(api.post("/occurrences", {**CRIME, **changes}), status, rule)
    assert len(api.events("occurrence.created")) == before


def test_closed_crime_with_outcome_is_accepted(api: Api) -> None:
    body = api.occurrence(status="closed", outcome={"code": "1a"})
    assert body["outcome"] == {"code": "1A", "title": "Charge/summons - alternative offence"}


def test_patch_with_concurrency_and_rules(api: Api) -> None:
    occ = api.occurrence()
    path = f"/occurrences/{occ['occurrence_id']}"
    problem(api.patch(path, {"status": "under_investigation"}, None), 428)
    problem(api.patch(path, {"status": "under_investigation"}, '"v2"'), 412)
    problem(api.patch(path, {"status": "closed"}, '"v1"'), 422, "RMS-OCC-003")
    problem(api.patch(path, {"occurred_to": "2025-01-01T00:00:00Z"}, '"v1"'), 400, "RMS-OCC-002")
    problem(api.patch(path, {"classification": {"code": "PSW-CONCERN"}}, '"v1"'), 400, "RMS-OCC-001")
    assert api.get(path).json() == occ
    resp = api.patch(
        path,
        {
            "status": "closed",
            "outcome": {"code": "15"},
            "summary": None,
            "classification": {"code": "105A"},
            "location": {"postcode": "ls2 2ab"},
        },
        '"v1"',
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "closed" and body["outcome"]["code"] == "15" and body["summary"] is None
    assert body["classification"]["code"] == "105A" and body["location"]["postcode"] == "LS2 2AB"
    assert body["location"]["line1"] == "3 High Street" and resp.headers["ETag"] == '"v2"'
    problem(api.patch(path, {"outcome": None}, '"v2"'), 422, "RMS-OCC-003")  # closed crime keeps an outcome
    same = api.patch(path, {"status": "closed"}, '"v2"')
    assert same.status_code == 200 and same.json()["version"] == 2
    ev = [e for e in api.events("occurrence.updated") if e["resource"]["id"] == occ["occurrence_id"]]
    assert len(ev) == 1 and "status" in ev[0]["data"]["changed"]
    problem(api.patch(f"/occurrences/{uuid.uuid4()}", {"status": "open"}, "*"), 404)


def test_incident_cannot_take_an_outcome_on_patch(api: Api) -> None:
    occ = api.occurrence(type="incident", classification={"code": "PSW-CONCERN"})
    problem(
        api.patch(f"/occurrences/{occ['occurrence_id']}", {"outcome": {"code": "1"}}, "*"), 422, "RMS-OCC-004"
    )
    ok = api.patch(f"/occurrences/{occ['occurrence_id']}", {"status": "closed"}, "*")
    assert ok.status_code == 200 and ok.json()["status"] == "closed"


def test_list_filters(api: Api) -> None:
    n = api.create()
    inc = api.occurrence(
        type="incident",
        classification={"code": "ASB-NUISANCE"},
        links=[{"nominal_id": n["nominal_id"], "role": "person_reporting"}],
    )
    crime = api.occurrence(links=[{"nominal_id": n["nominal_id"], "role": "victim"}])
    mine = api.get("/occurrences", params={"nominal_id": n["nominal_id"]}).json()["items"]
    assert {o["occurrence_id"] for o in mine} == {inc["occurrence_id"], crime["occurrence_id"]}
    only = api.get("/occurrences", params={"nominal_id": n["nominal_id"], "type": "incident"}).json()["items"]
    assert [o["occurrence_id"] for o in only] == [inc["occurrence_id"]]
    by_code = api.get("/occurrences", params={"classification": "asb-nuisance", "limit": 200}).json()["items"]
    assert inc["occurrence_id"] in {o["occurrence_id"] for o in by_code}
    assert all(o["classification"]["code"] == "ASB-NUISANCE" for o in by_code)
    open_ = api.get("/occurrences", params={"status": "open", "limit": 200}).json()["items"]
    assert all(o["status"] == "open" for o in open_)
    assert api.get("/occurrences", params={"nominal_id": str(uuid.uuid4())}).json()["items"] == []
    assert api.get("/occurrences", params={"status": "pending"}).status_code == 400
    page = api.get("/occurrences", params={"limit": 2}).json()
    nxt = api.get("/occurrences", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert nxt["items"][0]["occurrence_id"] > page["items"][-1]["occurrence_id"]
    problem(api.get(f"/occurrences/{uuid.uuid4()}"), 404)


def test_links_people_objects_locations(api: Api) -> None:
    occ = api.occurrence()
    path = f"/occurrences/{occ['occurrence_id']}/links"
    phone = api.post(
        path,
        {
            "object": {"kind": "telephone", "identifier": "+44 7700 900123", "description": "Black handset"},
            "role": "used_in_offence",
        },
    )
    assert phone.status_code == 201, phone.text
    assert phone.json()["object"]["identifier"] == "07700900123" and phone.json()["entity_type"] == "object"
    car = api.post(path, {"object": {"kind": "vehicle", "identifier": "ab12 cde"}, "role": "stolen"})
    assert car.status_code == 201 and car.json()["object"]["identifier"] == "AB12CDE"
    place = api.post(
        path, {"location": {"line1": "Car park, Station Road", "town": "Leeds"}, "role": "scene"}
    )
    assert place.status_code == 201 and place.json()["location"]["postcode"] is None
    # The same phone on another occurrence is the same POLE object; the same link again is idempotent.
    other = api.occurrence()
    again = api.post(
        f"/occurrences/{other['occurrence_id']}/links",
        {"object": {"kind": "telephone", "identifier": "07700 900123"}, "role": "evidence"},
    )
    assert again.json()["object"]["object_id"] == phone.json()["object"]["object_id"]
    repeat = api.post(
        path, {"location": {"line1": "car park station road", "town": "LEEDS"}, "role": "scene"}
    )
    assert repeat.status_code == 200 and repeat.json()["link_id"] == place.json()["link_id"]
    n = api.create()
    first = api.post(path, {"nominal_id": n["nominal_id"], "role": "witness"})
    second = api.post(path, {"nominal_id": n["nominal_id"], "role": "witness"})
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["link_id"] == second.json()["link_id"]
    listed = api.get(path).json()["items"]
    assert len(listed) == 4
    assert [lk["role"] for lk in api.get(path, params={"entity_type": "object"}).json()["items"]].count(
        "stolen"
    ) == 1
    assert len(api.get(path, params={"role": "witness"}).json()["items"]) == 1
    got = api.get(f"/occurrences/{occ['occurrence_id']}")
    assert got.json()["version"] == 5 and len(got.json()["links"]) == 4
    kinds = [
        e["data"]["entity_type"]
        for e in api.events("occurrence.link_added")
        if e["resource"]["id"] == occ["occurrence_id"]
    ]
    assert sorted(kinds) == ["location", "object", "object", "person"]


@pytest.mark.parametrize(
    ("body", "status", "rule"),
    [
        ({"object": {"kind": "vehicle", "identifier": "AB12CDE"}, "role": "victim"}, 400, "RMS-LNK-004"),
        ({"location": {"line1": "x", "town": "y"}, "role": "stolen"}, 400, "RMS-LNK-004"),
        ({"object": {"kind": "telephone", "identifier": "12345"}, "role": "evidence"}, 400, "RMS-LNK-005"),
        ({"object": {"kind": "vehicle", "identifier": "A-1234567890"}, "role": "stolen"}, 400, "RMS-LNK-005"),
        ({"object": {"kind": "email", "identifier": "not-an-email"}, "role": "evidence"}, 400, "RMS-LNK-005"),
        ({"nominal_id": None, "role": "victim"}, 400, None),
        ({"role": "victim"}, 400, None),
        (
            {
                "nominal_id": "00000000-0000-4000-8000-000000000000",
                "object": {"kind": "other"},
                "role": "victim",
            },
            400,
            None,
        ),
        ({"nominal_id": "00000000-0000-4000-8000-000000000000", "role": "victim"}, 422, "RMS-LNK-001"),
    ],
)
def test_link_validation(api: Api, body: dict, status: int, rule: str | None) -> None:
    occ = api.occurrence()
    problem(api.post(f"/occurrences/{occ['occurrence_id']}/links", body), status, rule)
    assert api.get(f"/occurrences/{occ['occurrence_id']}/links").json()["items"] == []


def test_person_link_rules(api: Api) -> None:
    n = api.create()
    occ = api.occurrence()
    path = f"/occurrences/{occ['occurrence_id']}/links"
    assert api.post(path, {"nominal_id": n["nominal_id"], "role": "victim"}).status_code == 201
    problem(api.post(path, {"nominal_id": n["nominal_id"], "role": "suspect"}), 422, "RMS-LNK-002")
    problem(api.post(path, {"nominal_id": n["nominal_id"], "role": "offender"}), 422, "RMS-LNK-002")
    assert api.post(path, {"nominal_id": n["nominal_id"], "role": "person_reporting"}).status_code == 201
    inc = api.occurrence(type="incident", classification={"code": "PSW-CONCERN"})
    problem(
        api.post(
            f"/occurrences/{inc['occurrence_id']}/links", {"nominal_id": n["nominal_id"], "role": "suspect"}
        ),
        422,
        "RMS-LNK-003",
    )
    problem(
        api.post(f"/occurrences/{uuid.uuid4()}/links", {"nominal_id": n["nominal_id"], "role": "witness"}),
        404,
    )
    problem(api.get(f"/occurrences/{uuid.uuid4()}/links"), 404)
    problem(api.post(path, {"nominal_id": n["nominal_id"], "role": "witness"}, scopes="records:read"), 403)


def test_linking_a_merged_away_id_links_its_survivor(api: Api) -> None:
    s, d = api.create(pnc_id=None), api.create(pnc_id=None)
    assert (
        api.post(f"/nominals/{s['nominal_id']}/merges", {"duplicate_id": d["nominal_id"]}).status_code == 200
    )
    occ = api.occurrence()
    link = api.post(
        f"/occurrences/{occ['occurrence_id']}/links", {"nominal_id": d["nominal_id"], "role": "witness"}
    )
    assert link.status_code == 201 and link.json()["nominal_id"] == s["nominal_id"]
