"""Regression tests for issue 26 (no input gets a 500) and the order of checks (issue 16, item 7).

Each names the defect it pins down; real records and intelligence servers, one set per module.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from simulators.core.json_depth import MAX_JSON_DEPTH, depth_exceeds
from tests.simkit import RunningSim, start_system

RW = "records:read records:write"
INTEL = "intelligence:read intelligence:write intelligence:read:restricted"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def sims(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningSim]]:
    base = tmp_path_factory.mktemp("regressions")
    records = start_system("records", base / "records", population=20)
    intelligence = start_system(
        "intelligence", base / "intelligence", population=20, peers={"records": records.url}
    )
    yield {"records": records, "intelligence": intelligence}
    intelligence.stop()
    records.stop()


def _problem(r: requests.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["type"] and body["title"]
    return body


def _send(sim: RunningSim, method: str, path: str, scopes: str, **kw: Any) -> requests.Response:
    headers = {**sim.headers(scopes), **kw.pop("headers", {})}
    return requests.request(method, sim.url + path, headers=headers, timeout=30, **kw)


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _nominal(records: RunningSim) -> dict[str, Any]:
    return records.get("/nominals?limit=1", "records:read").json()["items"][0]


def test_depth_limit_is_exact() -> None:
    assert not depth_exceeds(json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH))
    assert depth_exceeds(json.loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)))
    assert depth_exceeds({"a": [{"b": [1]}]}, limit=3) and not depth_exceeds({"a": [{"b": 1}]}, limit=3)


@pytest.mark.parametrize("depth", [400, 300000])
def test_deeply_nested_body_is_a_400_naming_the_limit(sims: dict[str, RunningSim], depth: int) -> None:
    body = "[" * depth + "]" * depth
    r = _send(
        sims["records"], "POST", "/nominals", RW, data=body, headers={"Content-Type": "application/json"}
    )
    problem = _problem(r, 400)
    assert f"deeper than {MAX_JSON_DEPTH} levels" in problem["detail"]


def test_deeply_nested_sim_body_is_a_400(sims: dict[str, RunningSim]) -> None:
    body = "[" * 100000 + "]" * 100000
    r = sims["records"].sim("PUT", "/faults", data=body, headers={"Content-Type": "application/json"})
    _problem(r, 400)


@pytest.mark.parametrize("key", ["[99999999999999999999999999999]", "[-9223372036854775809]", "[1e400]"])
def test_feed_and_list_cursors_refuse_the_same_forged_key(sims: dict[str, RunningSim], key: str) -> None:
    records = sims["records"]
    feed = _problem(records.get(f"/events?after={_cursor(key)}", "records:read"), 400)
    listing = _problem(records.get(f"/nominals?cursor={_cursor(key)}", "records:read"), 400)
    assert feed["errors"] == [{"field": "query.after", "message": "not a valid cursor"}]
    assert listing["errors"] == [{"field": "query.cursor", "message": "not a valid cursor"}]


def test_largest_stored_integer_is_still_a_cursor(sims: dict[str, RunningSim]) -> None:
    r = sims["records"].get(f"/events?after={_cursor('[9223372036854775807]')}", "records:read")
    assert r.status_code == 200 and r.json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [{"seconds": 1e20}, {"days": 1e300}, {"minutes": 10**30}, {"seconds": "nan"}, {"days": 3_000_000}],
)
def test_clock_advance_past_the_range_is_a_400_and_time_still_works(
    sims: dict[str, RunningSim], body: dict[str, Any]
) -> None:
    records = sims["records"]
    before = records.sim("GET", "/clock").json()
    _problem(records.sim("POST", "/clock/advance", json=body), 400)
    assert records.sim("GET", "/clock").json()["offset_seconds"] == before["offset_seconds"]
    assert records.get("/nominals?limit=1", "records:read").status_code == 200


@pytest.mark.parametrize("now", ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00+01:00", "1000-01-01T00:00:00Z"])
def test_clock_set_out_of_range_is_a_400(sims: dict[str, RunningSim], now: str) -> None:
    _problem(sims["records"].sim("PUT", "/clock", json={"now": now, "frozen": False}), 400)
    assert sims["records"].sim("GET", "/clock").status_code == 200


def test_faults_with_operations_not_a_list_are_refused(sims: dict[str, RunningSim]) -> None:
    records = sims["records"]
    _problem(records.sim("PUT", "/faults", json={"operations": 5}), 400)
    assert records.get("/nominals?limit=1", "records:read").status_code == 200


# The order of checks (contracts/openapi/common.yaml): 401/403, 400/413/415, 404, 428/412, 409/422.


def test_invalid_patch_with_stale_if_match_is_a_400_not_a_412(sims: dict[str, RunningSim]) -> None:
    records = sims["records"]
    nominal = _nominal(records)
    path = f"/nominals/{nominal['nominal_id']}"
    stale = {"If-Match": '"v999"', "Content-Type": "application/merge-patch+json"}
    _problem(_send(records, "PATCH", path, RW, data='{"surname": 5}', headers=stale), 400)
    wrong_check_letter = json.dumps({"pnc_id": "2001/0000001A"})  # schema-valid, wrong check character
    _problem(_send(records, "PATCH", path, RW, data=wrong_check_letter, headers=stale), 400)
    _problem(_send(records, "PATCH", path, RW, data='{"surname": null}', headers=stale), 400)
    _problem(_send(records, "PATCH", path, RW, data='{"surname": "Valid"}', headers=stale), 412)
    missing = {"Content-Type": "application/merge-patch+json"}
    _problem(_send(records, "PATCH", path, RW, data='{"surname": "Valid"}', headers=missing), 428)


def test_unknown_nominal_is_a_404_before_its_precondition(sims: dict[str, RunningSim]) -> None:
    r = _send(
        sims["records"],
        "PATCH",
        f"/nominals/{UNKNOWN_ID}",
        RW,
        data='{"surname": "Valid"}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    _problem(r, 404)


def test_intelligence_unknown_report_is_a_404_before_the_missing_if_match(
    sims: dict[str, RunningSim],
) -> None:
    r = _send(sims["intelligence"], "PATCH", f"/reports/{UNKNOWN_ID}", INTEL, json={"sanitised_text": "x"})
    _problem(r, 404)


def test_wrong_check_letter_is_judged_by_the_handler_not_the_schema(sims: dict[str, RunningSim]) -> None:
    """So the 400 in the stale If-Match test above comes from the records rules, checked before 412."""
    records = sims["records"]
    nominal = _nominal(records)
    r = _send(
        records,
        "PATCH",
        f"/nominals/{nominal['nominal_id']}",
        RW,
        data=json.dumps({"pnc_id": "2001/0000001A"}),
        headers={"If-Match": "*", "Content-Type": "application/merge-patch+json"},
    )
    problem = _problem(r, 400)
    assert "The request does not meet the standard" not in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["pnc_id"]


def test_intelligence_bad_postcode_with_stale_if_match_is_a_400(sims: dict[str, RunningSim]) -> None:
    intelligence = sims["intelligence"]
    report = intelligence.get("/reports?limit=1", INTEL).json()["items"][0]
    body = {"locations": [{"line1": "1 High Street", "town": "Leeds", "postcode": "ZZ99 9ZZZ"}]}
    path = f"/reports/{report['report_id']}"
    _problem(_send(intelligence, "PATCH", path, INTEL, json=body, headers={"If-Match": '"v999"'}), 400)
    fine = {"locations": [{"line1": "1 High Street", "town": "Leeds", "postcode": "LS1 4AP"}]}
    _problem(_send(intelligence, "PATCH", path, INTEL, json=fine, headers={"If-Match": '"v999"'}), 412)
