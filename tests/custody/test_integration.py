"""Custody with the real records simulator and the seeded population: identification, links, outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from simulators.clients.base import TokenSource
from simulators.clients.custody import CustodyClient
from simulators.clients.records import RecordsClient
from simulators.core.clock import parse_instant
from tests.custody.helpers import RW, SERGEANT, Custody, booking, z
from tests.simkit import start_system

pytestmark = pytest.mark.xdist_group("custody-integration")

H = timedelta(hours=1)


@pytest.fixture(scope="module")
def systems(tmp_path_factory):
    base = tmp_path_factory.mktemp("custody-integration")
    records = start_system("records", base / "records", population=60)
    custody = start_system(
        "custody",
        base / "custody",
        population=60,
        peers={"records": records.url},
        extra={"outbox_retry_seconds": 0.2},
    )
    yield records, custody
    custody.stop()
    records.stop()


@pytest.fixture
def rc(systems) -> RecordsClient:
    records, _ = systems
    return RecordsClient(records.url, TokenSource.fixed(records.token("records:read records:write")))


@pytest.fixture
def c(systems) -> Custody:
    records, custody = systems
    records.sim("PUT", "/faults", json={})
    client = Custody(custody)
    client.freeze(parse_instant("2026-06-02T10:00:00+00:00"))
    return client


NOW = parse_instant("2026-06-02T10:00:00+00:00")


def _nominal_with_pnc(records) -> dict:
    page = requests.get(
        records.url + "/nominals", params={"limit": 200}, headers=records.headers("records:read"), timeout=10
    ).json()
    return next(n for n in page["items"] if n.get("pnc_id"))


def _occurrence(records, type_: str = "crime") -> dict:
    page = requests.get(
        records.url + "/occurrences",
        params={"limit": 200},
        headers=records.headers("records:read"),
        timeout=10,
    ).json()
    return next(o for o in page["items"] if o["type"] == type_)


def test_population_history_is_loaded_and_closed(systems, c):
    records, custody = systems
    page = c.get("/custody-records", params={"limit": 200}).json()
    assert page["items"], "the population has custody records"
    for rec in page["items"]:
        assert rec["status"] == "released" and rec["clock"]["status"] == "stopped"
        assert rec["detainee"]["identified_by"] == "population"
        assert not rec["clock"]["detention_overdue"], rec["custody_number"]  # the population is lawful
    first = page["items"][0]
    tl = [e["type"] for e in c.get(f"/custody-records/{first['custody_id']}/timeline").json()["items"]]
    assert tl[0] == "booked_in" and tl[-1] == "released"
    assert tl.count("reviewed") == len(first["reviews"])
    assert c.get("/events").json()["items"] == [] or all(
        e["type"].startswith("custody.") for e in c.get("/events").json()["items"]
    )
    # the typed client reads the same history, all pages
    client = CustodyClient(custody.url, TokenSource.fixed(custody.token("custody:read")))
    history = client.custody_history(first["nominal_id"])
    assert first["custody_id"] in [h["custody_id"] for h in history]
    assert client.get_custody_record(first["custody_id"])["custody_number"] == first["custody_number"]
    assert client.get_custody_record("0b9d4c44-0000-4000-8000-00000000abcd") is None


def test_booking_a_person_in_records_links_the_same_nominal_and_occurrence(systems, c, rc):
    records, _ = systems
    person = _nominal_with_pnc(records)
    occ = _occurrence(records)
    rec = c.book(
        booking(arrived_at=NOW - H, detainee={"pnc_id": person["pnc_id"]}, occurrence_id=occ["occurrence_id"])
    )
    assert rec["nominal_id"] == person["nominal_id"] and rec["detainee"]["identified_by"] == "pnc_id"
    links = rc.get_occurrence(occ["occurrence_id"])["links"]
    assert any(link["nominal_id"] == person["nominal_id"] and link["role"] == "suspect" for link in links)
    # the next number follows the population's highest for that station and year
    loaded = [
        r["custody_number"]
        for r in c.get("/custody-records", params={"limit": 200, "station": "LS"}).json()["items"]
        if r["custody_number"].startswith("LS-2026-") and r["custody_id"] != rec["custody_id"]
    ]
    assert rec["custody_number"].startswith("LS-2026-")
    assert all(rec["custody_number"] > n for n in loaded)

    # released with a charge: records learns the outcome for the occurrence
    out = c.outcome(
        rec["custody_id"], NOW, "charged", charges=[{"cjs_code": "TH68010", "title": "Theft from a shop"}]
    )
    assert out["records_sync"]["status"] == "delivered", out["records_sync"]
    occurrence = rc.get_occurrence(occ["occurrence_id"])
    assert rec["custody_id"] in str(occurrence)


def test_an_arrest_on_an_incident_links_the_detainee_as_subject(systems, c, rc):
    records, _ = systems
    person = _nominal_with_pnc(records)
    occ = _occurrence(records, "incident")
    rec = c.book(
        booking(
            arrived_at=NOW - H,
            detainee={"nominal_id": person["nominal_id"]},
            occurrence_id=occ["occurrence_id"],
        )
    )
    links = rc.get_occurrence(occ["occurrence_id"])["links"]
    assert {"nominal_id": person["nominal_id"], "role": "subject"}.items() <= next(
        link for link in links if link["nominal_id"] == person["nominal_id"] and link["role"] == "subject"
    ).items()
    assert rec["nominal_id"] == person["nominal_id"]


def test_booking_a_person_unknown_to_records_creates_the_nominal(systems, c, rc):
    rec = c.book(
        booking(
            arrived_at=NOW - H,
            detainee={
                "surname": "Quillfeather",
                "forenames": ["Ottoline"],
                "date_of_birth": "1993-04-05",
                "sex": "female",
                "address": {"line1": "2 Park Row", "town": "Leeds", "postcode": "LS1 5AB"},
            },
        )
    )
    assert rec["detainee"]["identified_by"] == "created"
    created = rc.get_nominal(rec["nominal_id"])
    assert created["surname"] == "Quillfeather" and created["forenames"] == ["Ottoline"]
    # booked again: found by name and date of birth, not created twice
    again = c.book(
        booking(
            arrived_at=NOW - H,
            detainee={"surname": "Quillfeather", "forenames": ["Ottoline"], "date_of_birth": "1993-04-05"},
        )
    )
    assert (
        again["nominal_id"] == rec["nominal_id"]
        and again["detainee"]["identified_by"] == "name_and_date_of_birth"
    )


def test_records_down_booking_503_and_outcome_delivered_later(systems, c, rc):
    records, custody = systems
    count = len(c.get("/custody-records", params={"limit": 200, "status": "booked_in"}).json()["items"])
    pnc = _nominal_with_pnc_raw(records)
    records.sim("PUT", "/faults", json={"down": True})
    r = c.post("/custody-records", booking(arrived_at=NOW - H, detainee={"pnc_id": pnc}))
    assert r.status_code in (502, 503), r.text
    assert (
        len(c.get("/custody-records", params={"limit": 200, "status": "booked_in"}).json()["items"]) == count
    )

    records.sim("PUT", "/faults", json={})
    occ = _occurrence(records)
    rec = c.book(booking(arrived_at=NOW - H, detainee={"pnc_id": pnc}, occurrence_id=occ["occurrence_id"]))
    records.sim("PUT", "/faults", json={"down": True})
    out = c.outcome(rec["custody_id"], NOW, "released_under_investigation")
    assert out["status"] == "released" and out["records_sync"]["status"] == "pending"
    records.sim("PUT", "/faults", json={})
    # the retry worker (0.2 s in this test) delivers it without anyone asking
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        sync = c.record(rec["custody_id"])["records_sync"]
        if sync["status"] == "delivered":
            break
        time.sleep(0.2)
    assert sync["status"] == "delivered" and sync["attempts"] >= 2
    assert rec["custody_id"] in str(rc.get_occurrence(occ["occurrence_id"]))


def _nominal_with_pnc_raw(records) -> str:
    page = requests.get(
        records.url + "/nominals", params={"limit": 200}, headers=records.headers("records:read"), timeout=10
    )
    return next(n["pnc_id"] for n in page.json()["items"] if n.get("pnc_id"))


def test_authorise_review_through_real_stack(systems, c):
    records, _ = systems
    rec = c.book(booking(arrived_at=NOW - H, detainee={"pnc_id": _nominal_with_pnc_raw(records)}))
    auth = NOW - 30 * timedelta(minutes=1)
    out = c.authorise(rec["custody_id"], auth, SERGEANT)
    assert out["clock"]["next_review_due"] == z(auth + 6 * H)
    assert RW


def test_custody_history_follows_a_merge_in_records(c, rc):
    """Custody follows records' merges from its change feed (issue 23, item 4): a record booked on a
    nominal later merged away is found by the survivor's id, and by the old id too."""
    people = [
        rc.create_nominal(
            {
                "surname": "Mergecustody",
                "forenames": ["Sam"],
                "sex": "unknown",
                "date_of_birth": "1990-04-01",
                "address": {"line1": "1 High Street", "town": "Leeds", "postcode": "LS1 1AA"},
            }
        )["nominal_id"]
        for _ in range(2)
    ]
    survivor, duplicate = people
    booked = c.book(booking(NOW - 2 * H, detainee={"nominal_id": duplicate}))
    assert booked["nominal_id"] == duplicate

    def history(nid: str) -> list[str]:
        return [
            r["custody_id"] for r in c.get("/custody-records", params={"nominal_id": nid}).json()["items"]
        ]

    assert booked["custody_id"] not in history(survivor)
    rc.merge_nominals(survivor, duplicate)
    assert booked["custody_id"] in history(survivor)
    assert booked["custody_id"] in history(duplicate)
