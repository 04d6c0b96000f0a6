"""Nominals: create, read, merge-patch with optimistic concurrency, validation and domain rules."""

from __future__ import annotations

import uuid

import pytest

from simulators.records.context import records_state
from tests.records.conftest import Api, R, W, person, unique_cro, unique_pnc


def problem(resp, status: int, rule: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    body = resp.json()
    if rule:
        assert body.get("rule") == rule, body
    return body


def test_create_stores_canonical_identifiers_and_answers_location_and_etag(api: Api) -> None:
    pnc = unique_pnc(2024)
    short = f"{pnc[2:4]}/{int(pnc[5:12])}{pnc[12]}".lower()
    cro = unique_cro()
    resp = api.post(
        "/nominals",
        person(
            pnc_id=short,
            cro_number=cro.lower(),
            surname="  O'Brien ",
            forenames=["Seán", "Patrick"],
            address={"line1": "12 Mill Lane", "town": "Leeds", "postcode": "ls14ab"},
            warning_markers=[{"code": "VI"}],
            ethnicity="W1",
        ),
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert resp.headers["Location"] == f"/nominals/{body['nominal_id']}"
    assert resp.headers["ETag"] == '"v1"'
    assert body["pnc_id"] == pnc and body["cro_number"] == cro
    assert body["surname"] == "O'Brien" and body["forenames"] == ["Seán", "Patrick"]
    assert body["address"] == {
        "line1": "12 Mill Lane",
        "line2": None,
        "town": "Leeds",
        "county": None,
        "postcode": "LS1 4AB",
    }
    marker = body["warning_markers"][0]
    assert marker["code"] == "VI" and marker["description"] == "Violent" and marker["added_on"]
    assert body["version"] == 1 and body["merged_ids"] == [] and "resolved_from" not in body
    got = api.get(f"/nominals/{body['nominal_id']}")
    assert got.status_code == 200 and got.json() == body and got.headers["ETag"] == '"v1"'


@pytest.mark.parametrize(
    ("overrides", "rule", "field"),
    [
        ({"pnc_id": "2024/1234567A"}, "RMS-ID-001", "pnc_id"),  # right layout, wrong check letter (K)
        ({"pnc_id": "90/570L"}, "RMS-ID-001", "pnc_id"),  # the POLE dictionary's own bad example
        ({"cro_number": "265416/21A"}, "RMS-ID-002", "cro_number"),
        (
            {"address": {"line1": "1 A St", "town": "Leeds", "postcode": "QQ1 1AA"}},
            "RMS-ID-003",
            "address.postcode",
        ),
        ({"date_of_birth": "2023-02-30"}, "RMS-DAT-001", "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "RMS-DAT-002", "date_of_birth"),
        ({"date_of_birth": "1850"}, "RMS-DAT-003", "date_of_birth"),
        ({"surname": "Smith©"}, "RMS-NAM-001", "surname"),
        ({"forenames": ["'-"]}, "RMS-NAM-001", "forenames.0"),
        ({"warning_markers": [{"code": "VI"}, {"code": "VI"}]}, "RMS-NOM-004", "warning_markers.1.code"),
        (
            {"warning_markers": [{"code": "DR", "added_on": "2999-01-01"}]},
            "RMS-DAT-002",
            "warning_markers.0.added_on",
        ),
        ({"aliases": [{"surname": "Smith", "forenames": ["Jo"], "date_of_birth": "1990-13"}]}, None, None),
        (
            {"aliases": [{"surname": "Smith", "forenames": ["Jo"], "date_of_birth": "2999"}]},
            "RMS-DAT-002",
            "aliases.0.date_of_birth",
        ),
    ],
)
def test_create_rejects_invalid_fields_with_400_naming_the_field(
    api: Api, overrides: dict, rule: str | None, field: str | None
) -> None:
    before = len(api.events("nominal.created"))
    body = problem(api.post("/nominals", person(**overrides)), 400, rule)
    if field:
        assert any(e["field"] == field for e in body["errors"]), body
    assert len(api.events("nominal.created")) == before  # nothing written


@pytest.mark.parametrize(
    "body",
    [
        {"surname": "Smith", "forenames": ["Jo"]},  # sex missing
        {"surname": "Smith1", "forenames": ["Jo"], "sex": "male"},  # digits
        {"surname": "Smith", "forenames": [], "sex": "male"},
        {"surname": "Smith", "forenames": ["Jo"], "sex": "m"},
        {"surname": "S" * 36, "forenames": ["Jo"], "sex": "male"},
        {"surname": "Smith", "forenames": ["Jo"], "sex": "male", "nickname": "Smudge"},
        {"surname": "Smith", "forenames": ["Jo"], "sex": "male", "date_of_birth": "04/03/1985"},
        {"surname": "Smith", "forenames": ["Jo"], "sex": "male", "pnc_id": "not-a-pnc"},
        {"surname": "Smith", "forenames": ["Jo"], "sex": "male", "ethnicity": "IC7"},
        {"surname": "Smith", "forenames": ["Jo"], "sex": "male", "warning_markers": [{"code": "XX"}]},
    ],
)
def test_create_rejects_bodies_that_break_the_schema(api: Api, body: dict) -> None:
    resp = problem(api.post("/nominals", body), 400)
    assert resp["errors"]


def test_four_plus_one_minimum_is_a_business_rule(api: Api) -> None:
    body = problem(
        api.post("/nominals", {"surname": "Lone", "forenames": ["Ranger"], "sex": "male"}), 422, "RMS-NOM-001"
    )
    assert {e["field"] for e in body["errors"]} == {"date_of_birth", "one of address, pnc_id or cro_number"}
    # A PNC ID is a reference on its own: no address needed.
    ok = api.post("/nominals", person(address=None))
    assert ok.status_code == 201, ok.text


def test_pnc_id_and_cro_held_by_another_nominal_conflict(api: Api) -> None:
    first = api.create(cro_number=unique_cro())
    body = problem(api.post("/nominals", person(pnc_id=first["pnc_id"])), 409, "RMS-NOM-002")
    assert body["existing_nominal_id"] == first["nominal_id"]
    body = problem(api.post("/nominals", person(cro_number=first["cro_number"])), 409, "RMS-NOM-003")
    assert body["existing_nominal_id"] == first["nominal_id"]


def test_auth_and_media_type(api: Api) -> None:
    problem(api.post("/nominals", person(), scopes=""), 401)
    body = problem(api.post("/nominals", person(), scopes=R), 403)
    assert "records:write" in body["required_scopes"]
    problem(api.get("/nominals", scopes=W), 403)
    assert api.get("/nominals", scopes=R).status_code == 200
    problem(api.call("POST", "/nominals", data="surname=x", headers={"Content-Type": "text/plain"}), 415)
    problem(
        api.call("POST", "/nominals", data="{not json", headers={"Content-Type": "application/json"}), 400
    )


def test_get_unknown_or_malformed_id(api: Api) -> None:
    problem(api.get(f"/nominals/{uuid.uuid4()}"), 404)
    problem(api.get("/nominals/not-a-uuid"), 400)


def test_patch_requires_if_match_and_refuses_stale_versions(api: Api) -> None:
    n = api.create()
    path = f"/nominals/{n['nominal_id']}"
    problem(api.patch(path, {"surname": "Newname"}, None), 428, "RMS-HTTP-428")
    problem(api.patch(path, {"surname": "Newname"}, '"v99"'), 412, "RMS-HTTP-412")
    ok = api.patch(path, {"surname": "Newname"}, '"v1"')
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == '"v2"' and ok.json()["version"] == 2 and ok.json()["surname"] == "Newname"
    # The old ETag is now stale: a second writer who read v1 loses, visibly.
    body = problem(api.patch(path, {"surname": "Other"}, '"v1"'), 412)
    assert body["current_etag"] == '"v2"'
    assert api.get(path).json()["surname"] == "Newname"
    star = api.patch(path, {"sex": "female"}, "*", content_type="application/json")
    assert star.status_code == 200 and star.json()["sex"] == "female" and star.json()["version"] == 3
    problem(api.patch(f"/nominals/{uuid.uuid4()}", {"sex": "male"}, "*"), 404)
    problem(api.patch(path, {"sex": "male"}, "*", scopes=R), 403)
    problem(api.call("PATCH", path, data="x", headers={"Content-Type": "text/plain", "If-Match": "*"}), 415)


def test_patch_is_json_merge_patch(api: Api) -> None:
    n = api.create(
        cro_number=unique_cro(),
        ethnicity="W2",
        address={
            "line1": "Flat 1",
            "line2": "2 Road",
            "town": "Leeds",
            "county": "West Yorkshire",
            "postcode": "LS2 2BB",
        },
        aliases=[{"surname": "Jones", "forenames": ["Al"]}],
        warning_markers=[{"code": "VI"}],
    )
    path = f"/nominals/{n['nominal_id']}"
    resp = api.patch(
        path,
        {
            "cro_number": None,
            "ethnicity": None,
            "address": {"line2": None, "postcode": "ls3 3ab"},
            "warning_markers": [{"code": "DR", "description": "Supplies class A"}],
        },
        '"v1"',
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["cro_number"] is None and body["ethnicity"] is None
    assert body["address"] == {
        "line1": "Flat 1",
        "line2": None,
        "town": "Leeds",
        "county": "West Yorkshire",
        "postcode": "LS3 3AB",
    }
    assert [m["code"] for m in body["warning_markers"]] == ["DR"]
    assert body["aliases"] == [{"surname": "Jones", "forenames": ["Al"], "date_of_birth": None}]  # untouched
    assert body["pnc_id"] == n["pnc_id"]
    # A patch that changes nothing keeps the version and writes no event.
    events = len(api.events("nominal.updated"))
    same = api.patch(path, {"surname": n["surname"]}, '"v2"')
    assert same.status_code == 200 and same.json()["version"] == 2
    assert len(api.events("nominal.updated")) == events


@pytest.mark.parametrize(
    ("patch", "status", "rule"),
    [
        ({"surname": None}, 400, None),  # the schema: surname is not nullable
        ({"pnc_id": "2024/1234567A"}, 400, "RMS-ID-001"),
        ({"date_of_birth": "2999-12-31"}, 400, "RMS-DAT-002"),
        ({"address": {"postcode": "not a postcode"}}, 400, None),
        ({"pnc_id": None, "address": None}, 422, "RMS-NOM-001"),
        ({"forenames": []}, 400, None),
        ({"unknown": 1}, 400, None),
    ],
)
def test_patch_validates_the_result_like_a_create(
    api: Api, patch: dict, status: int, rule: str | None
) -> None:
    n = api.create()
    problem(api.patch(f"/nominals/{n['nominal_id']}", patch, '"v1"'), status, rule)
    assert api.get(f"/nominals/{n['nominal_id']}").json() == n  # nothing half-written


def test_patch_to_a_pnc_id_held_elsewhere_conflicts(api: Api) -> None:
    a, b = api.create(), api.create()
    problem(api.patch(f"/nominals/{b['nominal_id']}", {"pnc_id": a["pnc_id"]}, '"v1"'), 409, "RMS-NOM-002")


def test_patch_of_a_legacy_record_keeps_values_it_does_not_touch(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    """A loaded record may hold a non-canonical postcode; an unrelated change must still work."""
    t = records_state(records.ctx)
    n = api.create()
    with records.ctx.db.transaction() as s:
        s.execute(
            t.nominals.update()
            .where(t.nominals.c.nominal_id == n["nominal_id"])
            .values(
                address={"line1": "1 Old Road", "town": "Leeds", "postcode": "ls11aa"}, date_of_birth="1979"
            )
        )
    resp = api.patch(f"/nominals/{n['nominal_id']}", {"warning_markers": [{"code": "SH"}]}, '"v1"')
    assert resp.status_code == 200, resp.text
    assert resp.json()["address"]["postcode"] == "ls11aa" and resp.json()["date_of_birth"] == "1979"


def test_every_write_is_in_the_change_feed(api: Api) -> None:
    n = api.create()
    api.patch(f"/nominals/{n['nominal_id']}", {"forenames": ["Alexander"]}, '"v1"')
    mine = [e for e in api.events() if e["resource"]["id"] == n["nominal_id"]]
    assert [e["type"] for e in mine] == ["nominal.created", "nominal.updated"]
    assert mine[0]["resource"]["href"] == f"/nominals/{n['nominal_id']}"
    assert mine[0]["data"]["pnc_id"] == n["pnc_id"]
    assert mine[1]["data"] == {"version": 2, "changed": ["forenames"]}
