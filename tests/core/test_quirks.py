"""Vendor quirk profiles: each one really changes behaviour the way its defect says."""

from __future__ import annotations

import time

import pytest
import requests

from simulators.core.quirks import QUIRKS
from tests.simkit import start_system


@pytest.fixture(scope="module")
def records(tmp_path_factory):  # type: ignore[no-untyped-def]
    running = start_system("records", tmp_path_factory.mktemp("quirks"), population=30)
    yield running
    running.sim("PUT", "/quirks", json={"active": []})
    running.stop(check_responses=False)  # quirky responses break the spec on purpose


@pytest.fixture
def quirk(records):  # type: ignore[no-untyped-def]
    def switch(*names: str) -> None:
        r = records.sim("PUT", "/quirks", json={"active": list(names)})
        assert r.status_code == 200, r.text

    yield switch
    records.sim("PUT", "/quirks", json={"active": []})


def _a_nominal(records) -> dict:  # type: ignore[no-untyped-def]
    page = records.get("/nominals?limit=1", "records:read").json()
    return page["items"][0]


def test_catalogue_documents_at_least_ten_quirks(records):
    body = records.sim("GET", "/quirks").json()
    assert body["active"] == []
    assert len(QUIRKS) >= 10
    assert all(q["models"] for q in body["available"])
    assert records.sim("PUT", "/quirks", json={"active": ["no-such-quirk"]}).status_code == 400
    assert (
        records.sim("PUT", "/quirks", json={"active": ["review-every-10h"]}).status_code == 400
    )  # custody only


def test_dates_dmy_and_camel_case_and_drop_required(records, quirk):
    nominal = _a_nominal(records)
    path = f"/nominals/{nominal['nominal_id']}"
    quirk("dates-dmy")
    body = records.get(path, "records:read").json()
    assert body["created_at"][2] == "/" and body["created_at"][5] == "/"
    quirk("camel-case")
    body = records.get(path, "records:read").json()
    assert "nominalId" in body and "nominal_id" not in body
    quirk("drop-required")
    assert "surname" not in records.get(path, "records:read").json()
    bad = records.sim("GET", "/traffic?invalid_only=true").json()["items"]
    assert bad, "quirky responses are recorded as breaking the spec"


def test_not_found_200_and_html_errors(records, quirk):
    missing = "/nominals/00000000-0000-4000-8000-000000000000"
    quirk("not-found-200")
    r = records.get(missing, "records:read")
    assert r.status_code == 200 and r.json() == {}
    quirk("html-errors")
    r = requests.get(records.url + missing)
    assert r.status_code == 401 and r.headers["Content-Type"].startswith("text/html")


def test_no_paging_ignore_auth_and_non_ascii(records, quirk):
    quirk("no-paging")
    assert isinstance(records.get("/nominals?limit=2", "records:read").json(), list)
    quirk("ignore-auth")
    nominal_id = records.get("/nominals?limit=1", "records:read").json()["items"][0]["nominal_id"]
    assert requests.get(f"{records.url}/nominals/{nominal_id}").status_code == 200
    assert requests.get(f"{records.url}/occurrences").status_code == 401  # only the one endpoint
    quirk("non-ascii-500")
    assert records.get("/nominals?surname=Zo%C3%AB", "records:read").status_code == 500
    assert records.get("/nominals?surname=Zoe", "records:read").status_code == 200


def test_slow(records, quirk):
    quirk("slow")
    started = time.monotonic()
    assert records.get("/nominals?limit=1", "records:read").status_code == 200
    assert time.monotonic() - started >= 3
    assert requests.get(records.url + "/health").status_code == 200


def test_reset_restores_the_configured_profile(records, quirk):
    quirk("camel-case")
    records.sim("POST", "/reset")
    assert records.sim("GET", "/quirks").json()["active"] == []
