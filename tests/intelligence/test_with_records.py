"""Intelligence with the real records simulator: subjects checked in records, the indicator in records."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.intelligence.conftest import INDICATOR, WRITE, call, close_peer_clients, new_report, submit
from tests.simkit import RunningSim, start_system


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningSim, RunningSim]]:
    home = tmp_path_factory.mktemp("pair")
    intel = start_system("intelligence", home / "intelligence", population=60)
    records = start_system("records", home / "records", population=60, peers={"intelligence": intel.url})
    # Each needs the other's address: point intelligence at records now that records has a port.
    intel.ctx.config = intel.ctx.config.with_(peers={**intel.ctx.config.peers, "records": records.url})
    yield intel, records
    close_peer_clients(intel)
    for client in getattr(records.ctx, "extras", {}).get("peer_clients", {}).values():
        client.http.close()
    records.stop()
    intel.stop()


def records_call(records: RunningSim, method: str, path: str, scopes: str, **kw: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {records.token(scopes)}", **kw.pop("headers", {})}
    return requests.request(method, records.url + path, headers=headers, timeout=15, **kw)


def new_nominal(records: RunningSim, surname: str) -> str:
    body = {
        "surname": surname,
        "forenames": ["Alex"],
        "sex": "unknown",
        "date_of_birth": "1990-04-01",
        "address": {"line1": "1 High Street", "town": "Leeds", "postcode": "LS1 1AA"},
    }
    r = records_call(records, "POST", "/nominals", "records:write", json=body)
    assert r.status_code == 201, r.text
    return r.json()["nominal_id"]


def test_subjects_are_checked_in_the_real_records_system(pair):
    intel, records = pair
    nid = new_nominal(records, "Testperson")
    r = submit(intel, new_report([nid]))
    assert r.status_code == 201, r.text
    assert r.json()["subjects"] == [{"nominal_id": nid, "role": "subject"}]
    r = submit(intel, new_report([str(uuid.uuid4())]))
    assert r.status_code == 422 and r.json()["rule"] == "INT-subject-unknown"


def test_a_merged_nominal_is_stored_as_its_survivor(pair):
    intel, records = pair
    survivor, duplicate = new_nominal(records, "Mergeperson"), new_nominal(records, "Mergeperson")
    r = records_call(
        records, "POST", f"/nominals/{survivor}/merges", "records:write", json={"duplicate_id": duplicate}
    )
    assert r.status_code == 200, r.text
    r = submit(intel, new_report([duplicate]))
    assert r.status_code == 201 and r.json()["subjects"][0]["nominal_id"] == survivor


def test_records_shows_the_indicator_from_intelligence(pair):
    intel, records = pair
    held, clear = new_nominal(records, "Heldperson"), new_nominal(records, "Clearperson")
    assert submit(intel, new_report([held], classification="OFFICIAL")).status_code == 201
    for nid, expected in ((held, True), (clear, False)):
        r = records_call(records, "GET", f"/nominals/{nid}/intelligence-indicator", "records:read")
        assert r.status_code == 200, r.text
        assert r.json()["intelligence_held"] is expected
        assert set(r.json()) <= {"nominal_id", "intelligence_held", "checked_at"}
    asked = call(intel, "GET", "/audit", "intelligence:audit", params={"operation": "indicator"}).json()[
        "items"
    ]
    assert {a["nominal_id"] for a in asked} >= {held, clear}
    assert {a["client_id"] for a in asked} == {"records-system"}
    assert call(intel, "GET", f"/nominals/{held}/indicator", INDICATOR).json()["intelligence_held"] is True


def test_records_down_means_no_report(pair):
    intel, records = pair
    nid = new_nominal(records, "Downperson")
    records.sim("PUT", "/faults", json={"down": True})
    try:
        r = submit(intel, new_report([nid]), scopes=WRITE)
        assert r.status_code in (502, 503) and r.json()["upstream"]["system"] == "records"
    finally:
        records.sim("PUT", "/faults", json={"down": False})
    assert submit(intel, new_report([nid])).status_code == 201


def test_a_report_on_a_merged_away_nominal_is_found_through_the_survivor(pair):
    """Intelligence follows records' merges from its change feed (issue 23, item 4)."""
    intel, records = pair
    survivor, duplicate = new_nominal(records, "Followperson"), new_nominal(records, "Followperson")
    r = submit(intel, new_report([duplicate], classification="OFFICIAL"))
    assert r.status_code == 201, r.text
    report_id = r.json()["report_id"]

    def found(nid: str) -> bool:
        page = call(intel, "GET", "/reports", "intelligence:read", params={"subject": nid}).json()
        return report_id in [i["report_id"] for i in page["items"]]

    def held(nid: str) -> bool:
        return call(intel, "GET", f"/nominals/{nid}/indicator", INDICATOR).json()["intelligence_held"]

    assert found(duplicate) and not found(survivor) and not held(survivor)
    r = records_call(
        records, "POST", f"/nominals/{survivor}/merges", "records:write", json={"duplicate_id": duplicate}
    )
    assert r.status_code == 200, r.text
    # straight after the merge, by either id: the report is the survivor's
    assert found(survivor) and found(duplicate)
    assert held(survivor) and held(duplicate)
    # and records' own view (the indicator it asks intelligence for) agrees
    r = records_call(records, "GET", f"/nominals/{survivor}/intelligence-indicator", "records:read")
    assert r.json()["intelligence_held"] is True
