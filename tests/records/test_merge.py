"""Merging duplicate nominals: what the survivor takes over, how the old id answers, and every refusal."""

from __future__ import annotations

import uuid

from tests.records.conftest import Api, unique_cro
from tests.records.test_nominals import problem


def merge(api: Api, survivor: str, duplicate: str, **kw):  # type: ignore[no-untyped-def]
    return api.post(f"/nominals/{survivor}/merges", {"duplicate_id": duplicate}, **kw)


def test_merge_takes_over_identity_markers_identifiers_and_links(api: Api) -> None:
    survivor = api.create(
        pnc_id=None,
        surname="Macdonald",
        forenames=["Stephen"],
        date_of_birth="1985",
        warning_markers=[{"code": "VI", "added_on": "2020-01-01"}],
        aliases=[{"surname": "Mac", "forenames": ["Steve"]}],
    )
    duplicate = api.create(
        surname="McDonald",
        forenames=["Steven"],
        date_of_birth="1985-03-04",
        cro_number=unique_cro(),
        ethnicity="W1",
        warning_markers=[{"code": "VI", "added_on": "2019-06-01"}, {"code": "DR"}],
        aliases=[{"surname": "Mac", "forenames": ["Steve"]}],
    )
    occ = api.occurrence()
    link = api.post(
        f"/occurrences/{occ['occurrence_id']}/links",
        {"nominal_id": duplicate["nominal_id"], "role": "suspect"},
    )
    assert link.status_code == 201
    resp = merge(api, survivor["nominal_id"], duplicate["nominal_id"])
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert resp.headers["ETag"] == '"v2"' and body["version"] == 2
    assert body["nominal_id"] == survivor["nominal_id"] and body["surname"] == "Macdonald"
    assert body["pnc_id"] == duplicate["pnc_id"] and body["cro_number"] == duplicate["cro_number"]
    assert body["date_of_birth"] == "1985-03-04"  # the fuller of two consistent dates
    assert body["ethnicity"] == "W1"
    assert body["merged_ids"] == [duplicate["nominal_id"]]
    assert body["aliases"] == [
        {"surname": "Mac", "forenames": ["Steve"], "date_of_birth": None},
        {"surname": "McDonald", "forenames": ["Steven"], "date_of_birth": "1985-03-04"},
    ]
    markers = {m["code"]: m["added_on"] for m in body["warning_markers"]}
    assert markers["VI"] == "2019-06-01" and "DR" in markers

    # The duplicate's id answers with the survivor, saying so.
    old = api.get(f"/nominals/{duplicate['nominal_id']}")
    assert old.status_code == 200
    assert old.headers["Content-Location"] == f"/nominals/{survivor['nominal_id']}"
    assert old.json()["nominal_id"] == survivor["nominal_id"]
    assert old.json()["resolved_from"] == duplicate["nominal_id"]
    # Its link now points at the survivor; occurrences of either id list the same occurrence.
    got = api.get(f"/occurrences/{occ['occurrence_id']}").json()
    assert [(lk["nominal_id"], lk["role"]) for lk in got["links"]] == [(survivor["nominal_id"], "suspect")]
    for nid in (survivor["nominal_id"], duplicate["nominal_id"]):
        listed = api.get("/occurrences", params={"nominal_id": nid}).json()["items"]
        assert [o["occurrence_id"] for o in listed] == [occ["occurrence_id"]]
    # Search finds the survivor (by the duplicate's name as an alias), never the merged-away record.
    hits = api.get("/nominals", params={"pnc_id": duplicate["pnc_id"]}).json()["items"]
    assert [h["nominal_id"] for h in hits] == [survivor["nominal_id"]]
    hits = api.get(
        "/nominals", params={"surname": "McDonald", "forename": "Steven", "date_of_birth": "1985-03-04"}
    ).json()["items"]
    ids = [h["nominal_id"] for h in hits]
    assert survivor["nominal_id"] in ids and duplicate["nominal_id"] not in ids
    # One merge event naming both.
    ev = [e for e in api.events("nominal.merged") if e["resource"]["id"] == survivor["nominal_id"]]
    assert len(ev) == 1 and ev[0]["data"]["duplicate_id"] == duplicate["nominal_id"]
    assert ev[0]["data"]["repointed_occurrence_ids"] == [occ["occurrence_id"]]


def test_merge_chains_resolve_to_the_final_survivor(api: Api) -> None:
    a, b, c = api.create(pnc_id=None), api.create(pnc_id=None), api.create()
    assert merge(api, a["nominal_id"], b["nominal_id"]).status_code == 200
    resp = merge(api, c["nominal_id"], a["nominal_id"])
    assert resp.status_code == 200, resp.text
    assert set(resp.json()["merged_ids"]) == {a["nominal_id"], b["nominal_id"]}
    for old in (a, b):
        got = api.get(f"/nominals/{old['nominal_id']}").json()
        assert got["nominal_id"] == c["nominal_id"] and got["resolved_from"] == old["nominal_id"]


def test_duplicate_links_are_not_doubled(api: Api) -> None:
    s, d = api.create(pnc_id=None), api.create(pnc_id=None)
    occ = api.occurrence()
    for nid in (s["nominal_id"], d["nominal_id"]):
        api.post(f"/occurrences/{occ['occurrence_id']}/links", {"nominal_id": nid, "role": "witness"})
    assert merge(api, s["nominal_id"], d["nominal_id"]).status_code == 200
    links = api.get(f"/occurrences/{occ['occurrence_id']}/links").json()["items"]
    assert [(lk["nominal_id"], lk["role"]) for lk in links] == [(s["nominal_id"], "witness")]


def test_refusals_write_nothing(api: Api) -> None:
    s, d = api.create(), api.create()
    sid, did = s["nominal_id"], d["nominal_id"]
    problem(merge(api, sid, sid), 422, "RMS-MRG-001")
    problem(merge(api, sid, str(uuid.uuid4())), 404, "RMS-MRG-007")
    problem(merge(api, str(uuid.uuid4()), did), 404)
    problem(merge(api, sid, did), 422, "RMS-MRG-004")  # two different PNC IDs
    c1, c2 = (
        api.create(pnc_id=None, cro_number=unique_cro()),
        api.create(pnc_id=None, cro_number=unique_cro()),
    )
    problem(merge(api, c1["nominal_id"], c2["nominal_id"]), 422, "RMS-MRG-005")
    problem(merge(api, sid, did, headers={"If-Match": '"v7"'}), 412)
    problem(merge(api, sid, did, scopes="records:read"), 403)
    problem(api.post(f"/nominals/{sid}/merges", {"duplicate_id": "nope"}), 400)
    problem(api.post(f"/nominals/{sid}/merges", {}), 400)
    assert api.get(f"/nominals/{sid}").json() == s and api.get(f"/nominals/{did}").json() == d


def test_already_merged_records_cannot_be_merged_or_written(api: Api) -> None:
    s, d, other = api.create(pnc_id=None), api.create(pnc_id=None), api.create(pnc_id=None)
    assert merge(api, s["nominal_id"], d["nominal_id"], headers={"If-Match": '"v1"'}).status_code == 200
    body = problem(merge(api, other["nominal_id"], d["nominal_id"]), 409, "RMS-MRG-002")
    assert body["survivor_id"] == s["nominal_id"]
    body = problem(merge(api, d["nominal_id"], other["nominal_id"]), 409, "RMS-MRG-003")
    assert body["survivor_id"] == s["nominal_id"]
    body = problem(api.patch(f"/nominals/{d['nominal_id']}", {"sex": "male"}, "*"), 409, "RMS-MRG-008")
    assert body["survivor_id"] == s["nominal_id"]


def test_merge_that_would_make_a_victim_a_suspect_is_refused(api: Api) -> None:
    victim, suspect = api.create(pnc_id=None), api.create(pnc_id=None)
    occ = api.occurrence()
    path = f"/occurrences/{occ['occurrence_id']}/links"
    assert api.post(path, {"nominal_id": victim["nominal_id"], "role": "victim"}).status_code == 201
    assert api.post(path, {"nominal_id": suspect["nominal_id"], "role": "suspect"}).status_code == 201
    body = problem(merge(api, victim["nominal_id"], suspect["nominal_id"]), 422, "RMS-MRG-006")
    assert body["occurrence_ids"] == [occ["occurrence_id"]]
    assert api.get(f"/nominals/{suspect['nominal_id']}").json()["nominal_id"] == suspect["nominal_id"]
    assert len(api.get(path).json()["items"]) == 2
