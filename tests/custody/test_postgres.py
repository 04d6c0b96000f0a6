"""The custody simulator on PostgreSQL: the same journey, the same clock and queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulators.custody import create_app
from tests.custody.fakes import FakeRecords
from tests.custody.helpers import T0, Custody, booking, z
from tests.simkit import start_system

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("custody-postgres")]

H = timedelta(hours=1)
M = timedelta(minutes=1)


def test_custody_journey_on_postgresql(tmp_path, postgres_url):
    records = FakeRecords()
    occ = records.add_occurrence()
    n = records.add_nominal(surname="Postgres")
    sim = start_system(
        "custody",
        tmp_path,
        load_population=False,
        db_url=postgres_url,
        app_factory=lambda cfg: create_app(cfg, records_client_factory=lambda _c: records),
        extra={"outbox_retry_seconds": 0},
    )
    try:
        assert sim.sim("POST", "/reset").status_code == 200
        c = Custody(sim)
        c.freeze(T0 + 30 * M)
        rec = c.book(booking(detainee={"nominal_id": n["nominal_id"]}, occurrence_id=occ))
        cid = rec["custody_id"]
        c.authorise(cid, T0 + 15 * M)
        c.freeze(T0 + 15 * M + 6 * H + M)
        assert c.record(cid)["clock"]["reviews_overdue"]
        due = c.get("/custody-records", params={"review_due_before": z(T0 + 15 * M + 6 * H)}).json()["items"]
        assert [i["custody_id"] for i in due] == [cid]
        c.review(cid, T0 + 15 * M + 6 * H + M, postponement_reason="Delayed by an incident")
        c.freeze(T0 + 20 * H)
        c.review(cid, T0 + 15 * M + 15 * H)
        rec = c.extend(cid, T0 + 20 * H, T0 + 36 * H)
        assert rec["clock"]["detention_limit"] == z(T0 + 36 * H)
        rec = c.outcome(cid, T0 + 20 * H, "cautioned")
        assert rec["status"] == "released" and rec["records_sync"]["status"] == "delivered"
        tl = [e["type"] for e in c.get(f"/custody-records/{cid}/timeline").json()["items"]]
        assert tl[0] == "booked_in" and tl[-1] == "outcome_delivered"
        by_nominal = c.get("/custody-records", params={"nominal_id": n["nominal_id"]}).json()["items"]
        assert [i["custody_id"] for i in by_nominal] == [cid]
    finally:
        sim.stop()


def test_population_loads_on_postgresql(tmp_path, postgres_url):
    sim = start_system("custody", tmp_path, population=60, db_url=postgres_url)
    try:
        assert sim.sim("POST", "/reset").status_code == 200  # loads the population again from scratch
        c = Custody(sim)
        items = c.get("/custody-records", params={"limit": 5, "status": "released"}).json()["items"]
        assert items and all(i["clock"]["status"] == "stopped" for i in items)
        assert (
            c.get(f"/custody-records/{items[0]['custody_id']}/timeline").json()["items"][0]["type"]
            == "booked_in"
        )
    finally:
        sim.stop()
