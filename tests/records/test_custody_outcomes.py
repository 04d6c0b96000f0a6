"""Outcomes from custody: linking the detainee, the crime outcome they imply, idempotency, and the rules."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.records.conftest import Api
from tests.records.test_nominals import problem


def outcome(nominal_id: str, kind: str = "charged", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": kind, "decided_at": "2025-03-05T14:00:00Z"}
    if kind == "charged":
        body["charges"] = [{"cjs_code": "OF61102"}]
    body.update(extra)
    return {
        "custody_id": str(uuid.uuid4()),
        "custody_number": "LS-2025-000123",
        "nominal_id": nominal_id,
        "outcome": body,
    }


def post(api: Api, occ: dict, body: dict):  # type: ignore[no-untyped-def]
    return api.post(f"/occurrences/{occ['occurrence_id']}/custody-outcomes", body)


def test_charge_links_the_detainee_as_offender_and_closes_the_crime(api: Api) -> None:
    n, occ = api.create(), api.occurrence()
    body = outcome(n["nominal_id"])
    resp = post(api, occ, body)
    assert resp.status_code == 201, resp.text
    rec = resp.json()
    assert (
        rec["crime_outcome"] == {"code": "1", "title": "Charge/summons"}
        and rec["occurrence_status"] == "closed"
    )
    assert rec["outcome"]["charges"] == [
        {"cjs_code": "OF61102", "title": "Assault occasioning actual bodily harm (s.47)"}
    ]
    assert rec["outcome"]["decided_at"] == "2025-03-05T14:00:00+00:00"
    got = api.get(f"/occurrences/{occ['occurrence_id']}").json()
    assert got["status"] == "closed" and got["outcome"]["code"] == "1" and got["version"] == 2
    assert [(lk["nominal_id"], lk["role"], lk["link_id"]) for lk in got["links"]] == [
        (n["nominal_id"], "offender", rec["link_id"])
    ]
    assert got["custody_outcomes"] == [rec]
    # Idempotent on custody_id: the same again is 200 with the stored record; different content is 409.
    again = post(api, occ, body)
    assert again.status_code == 200 and again.json() == rec
    changed = {**body, "outcome": {**body["outcome"], "detail": "changed"}}
    problem(post(api, occ, changed), 409, "RMS-CUS-002")
    types = [e["type"] for e in api.events() if e["resource"]["id"] == occ["occurrence_id"]]
    assert types == ["occurrence.created", "occurrence.link_added", "occurrence.custody_outcome_recorded"]


def test_an_existing_suspect_link_is_reused(api: Api) -> None:
    n, occ = api.create(), api.occurrence()
    link = api.post(
        f"/occurrences/{occ['occurrence_id']}/links", {"nominal_id": n["nominal_id"], "role": "suspect"}
    )
    rec = post(api, occ, outcome(n["nominal_id"], "released_under_investigation")).json()
    assert rec["link_id"] == link.json()["link_id"] and rec["crime_outcome"] is None
    assert rec["occurrence_status"] == "under_investigation"


def test_a_weaker_outcome_never_replaces_a_charge(api: Api) -> None:
    a, b, occ = api.create(), api.create(), api.occurrence()
    assert post(api, occ, outcome(a["nominal_id"])).status_code == 201
    rec = post(api, occ, outcome(b["nominal_id"], "no_further_action", crime_outcome_code="16")).json()
    assert rec["crime_outcome"]["code"] == "16"  # what this custody outcome implies...
    got = api.get(f"/occurrences/{occ['occurrence_id']}").json()
    assert got["outcome"]["code"] == "1"  # ...but the crime keeps its charge
    assert {lk["role"] for lk in got["links"]} == {"offender", "suspect"}


@pytest.mark.parametrize(
    ("kind", "dob", "extra", "code", "status"),
    [
        ("cautioned", "2010-01-01", {}, "2", "closed"),  # 15 on the decision date: youth caution
        ("cautioned", "1990-01-01", {}, "3", "closed"),
        ("cautioned", "2007", {}, "3", "closed"),  # age unknown from a partial date: adult caution
        ("no_further_action", "1990-01-01", {}, "15", "closed"),
        ("no_further_action", "1990-01-01", {"crime_outcome_code": "21"}, "21", "closed"),
        ("transferred", "1990-01-01", {}, "20", "closed"),
        ("bailed", "1990-01-01", {}, None, "under_investigation"),
    ],
)
def test_crime_outcome_mapping(
    api: Api, kind: str, dob: str, extra: dict, code: str | None, status: str
) -> None:
    n, occ = api.create(date_of_birth=dob), api.occurrence()
    rec = post(api, occ, outcome(n["nominal_id"], kind, **extra)).json()
    assert (rec["crime_outcome"] or {}).get("code") == code and rec["occurrence_status"] == status
    got = api.get(f"/occurrences/{occ['occurrence_id']}").json()
    assert (got["outcome"] or {}).get("code") == code and got["status"] == status


def test_incidents_get_a_link_but_no_crime_outcome(api: Api) -> None:
    n = api.create()
    occ = api.occurrence(type="incident", classification={"code": "PSW-CONCERN"})
    rec = post(api, occ, outcome(n["nominal_id"])).json()
    assert rec["crime_outcome"] is None
    got = api.get(f"/occurrences/{occ['occurrence_id']}").json()
    assert got["outcome"] is None and got["links"][0]["role"] == "involved_party"


def test_merged_away_detainee_is_recorded_as_the_survivor(api: Api) -> None:
    s, d = api.create(pnc_id=None), api.create(pnc_id=None)
    api.post(f"/nominals/{s['nominal_id']}/merges", {"duplicate_id": d["nominal_id"]})
    occ = api.occurrence()
    rec = post(api, occ, outcome(d["nominal_id"])).json()
    assert rec["nominal_id"] == s["nominal_id"]


@pytest.mark.parametrize(
    ("mutate", "status", "rule"),
    [
        (lambda b: b.update(nominal_id=str(uuid.uuid4())), 422, "RMS-CUS-001"),
        (lambda b: b["outcome"].update(decided_at="2025-03-01T00:00:00Z"), 422, "RMS-CUS-003"),
        (lambda b: b["outcome"].update(decided_at="2999-03-01T00:00:00Z"), 400, "RMS-DAT-002"),
        (lambda b: b["outcome"].pop("charges"), 422, "RMS-CUS-004"),
        (lambda b: b["outcome"].update(crime_outcome_code="15"), 422, "RMS-CUS-005"),
        (lambda b: b["outcome"].update(type="released"), 400, None),
        (lambda b: b.update(custody_number="lowercase-1"), 400, None),
        (lambda b: b["outcome"].update(charges=[{"cjs_code": "NOTACODE"}]), 400, None),
    ],
)
def test_refusals_write_nothing(api: Api, mutate: Any, status: int, rule: str | None) -> None:
    n, occ = api.create(), api.occurrence()
    body = outcome(n["nominal_id"])
    mutate(body)
    problem(post(api, occ, body), status, rule)
    got = api.get(f"/occurrences/{occ['occurrence_id']}").json()
    assert got == occ


def test_a_victim_cannot_be_recorded_as_the_detainee(api: Api) -> None:
    n, occ = api.create(), api.occurrence()
    api.post(f"/occurrences/{occ['occurrence_id']}/links", {"nominal_id": n["nominal_id"], "role": "victim"})
    before = api.get(f"/occurrences/{occ['occurrence_id']}").json()
    problem(post(api, occ, outcome(n["nominal_id"])), 422, "RMS-LNK-002")
    assert api.get(f"/occurrences/{occ['occurrence_id']}").json() == before


def test_unknown_occurrence_and_scope(api: Api) -> None:
    n = api.create()
    problem(api.post(f"/occurrences/{uuid.uuid4()}/custody-outcomes", outcome(n["nominal_id"])), 404)
    occ = api.occurrence()
    problem(
        api.post(
            f"/occurrences/{occ['occurrence_id']}/custody-outcomes",
            outcome(n["nominal_id"]),
            scopes="records:read",
        ),
        403,
    )
