"""The two downstream consumers against a real force: the case-file builder assembles a prosecution
file from records and custody; the national index follows all three change feeds. Each uses its own
client credentials (default_clients.yaml), so a scope it lacks would fail here as in service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from simulators.clients.base import token_source_for
from simulators.clients.case_file import CaseFileBuilder
from simulators.clients.custody import CustodyClient
from simulators.clients.intelligence import IntelligenceClient
from simulators.clients.national_index import NationalIndex
from simulators.clients.records import RecordsClient
from tests.simkit import RunningSim, start_system

SERGEANT = {"name": "PS Rob Hart", "collar_number": "2210", "rank": "sergeant"}


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningSim]]:
    home = tmp_path_factory.mktemp("downstream")
    records = start_system("records", home / "records", population=20)
    peers = {"records": records.url}
    sims = {
        "records": records,
        "custody": start_system("custody", home / "custody", population=20, peers=peers),
        "intelligence": start_system("intelligence", home / "intelligence", population=20, peers=peers),
    }
    yield sims
    for sim in sims.values():
        sim.stop()


def client(cls: type, sim: RunningSim, client_id: str) -> Any:
    return cls(sim.url, token_source_for(sim.url, client_id, f"{client_id}-secret"))


def call(
    sim: RunningSim,
    method: str,
    path: str,
    scopes: str,
    body: Any = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    resp = requests.request(
        method, sim.url + path, json=body, timeout=10, headers={**sim.headers(scopes), **(headers or {})}
    )
    assert resp.status_code == status, resp.text
    return resp.json()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def test_case_file_assembles_occurrence_suspect_custody_record_and_charges(
    force: dict[str, RunningSim],
) -> None:
    records, custody = force["records"], force["custody"]
    now = datetime.now(UTC)
    occurrence = call(
        records,
        "POST",
        "/occurrences",
        "records:write",
        {
            "type": "crime",
            "classification": {"code": "8N"},
            "summary": "Assault outside a takeaway",
            "occurred_from": iso(now - timedelta(hours=8)),
            "location": {"line1": "3 High Street", "town": "Leeds"},
        },
        status=201,
    )
    booked = call(
        custody,
        "POST",
        "/custody-records",
        "custody:write",
        {
            "station": {"code": "LS", "name": "Leeds District Custody Suite"},
            "arrest": {
                "arrested_at": iso(now - timedelta(hours=5)),
                "location": "High Street, Leeds",
                "reason": "Suspected assault; necessary for a prompt investigation",
                "officer": {"name": "PC Amy Walsh", "rank": "constable"},
            },
            "arrived_at": iso(now - timedelta(hours=4, minutes=30)),
            "offences": [{"cjs_code": "OF61102", "title": "Assault occasioning actual bodily harm (s.47)"}],
            "detainee": {
                "surname": "Ó Súilleabháin",
                "forenames": ["Siobhán"],
                "date_of_birth": "1990-07-14",
                "sex": "female",
                "create_new": True,
                "address": {"line1": "12 Mill Lane", "town": "Leeds", "postcode": "LS1 4AB"},
            },
            "occurrence_id": occurrence["occurrence_id"],
            "booked_in_by": SERGEANT,
        },
        status=201,
    )
    path = f"/custody-records/{booked['custody_id']}"
    call(
        custody,
        "POST",
        f"{path}/authorisation",
        "custody:write",
        {
            "authorised_at": iso(now - timedelta(hours=4)),
            "authorised_by": SERGEANT,
            "grounds": "To interview",
        },
    )
    released = call(
        custody,
        "POST",
        f"{path}/outcome",
        "custody:write",
        {
            "type": "charged",
            "decided_at": iso(now - timedelta(hours=1)),
            "decided_by": SERGEANT,
            "charges": [{"cjs_code": "OF61102", "title": "Assault occasioning actual bodily harm (s.47)"}],
        },
    )
    assert released["records_sync"]["status"] == "delivered"

    builder = CaseFileBuilder(
        client(RecordsClient, records, "case-file"), client(CustodyClient, custody, "case-file")
    )
    file = builder.build(occurrence["occurrence_id"])

    assert file is not None and file.complete, file and file.missing
    (defendant,) = file.defendants
    assert defendant.nominal["surname"] == "Ó Súilleabháin" and defendant.charged
    assert defendant.custody_record["custody_number"] == booked["custody_number"]
    assert [c["cjs_code"] for c in defendant.charges] == ["OF61102"]
    assert file.reference.startswith("OCC-")
    assert builder.build("6e5d4c3b-2a19-4876-a5b4-c3d2e1f0a9b8") is None


def test_national_index_follows_the_feeds_and_drops_what_it_may_no_longer_see(
    force: dict[str, RunningSim],
) -> None:
    records, custody, intelligence = force["records"], force["custody"], force["intelligence"]
    index = NationalIndex(
        records=client(RecordsClient, records, "national-index"),
        custody=client(CustodyClient, custody, "national-index"),
        intelligence=client(IntelligenceClient, intelligence, "national-index"),
    )
    for system in ("records", "custody", "intelligence"):
        index.catch_up(system)
    before = len(index.entries)

    person = {
        "surname": "Ní Bhriain",
        "forenames": ["Zoë"],
        "sex": "female",
        "date_of_birth": "1994-11-02",
        "address": {"line1": "14 Rue Street", "town": "Leeds", "postcode": "LS6 2AB"},
    }
    survivor = call(records, "POST", "/nominals", "records:write", person, status=201)
    duplicate = call(records, "POST", "/nominals", "records:write", person, status=201)
    index.catch_up("records")
    assert index.find("nominal", duplicate["nominal_id"]) is not None
    call(
        records,
        "POST",
        f"/nominals/{survivor['nominal_id']}/merges",
        "records:write",
        {"duplicate_id": duplicate["nominal_id"]},
    )
    index.catch_up("records")
    assert index.find("nominal", duplicate["nominal_id"]) is None  # merged away: re-keyed to the survivor
    assert index.find("nominal", survivor["nominal_id"]).summary["forenames"] == ["Zoë"]

    report = {
        "source_type": "member_of_public",
        "classification": "OFFICIAL",
        "grading": {
            "scheme": "3x5x2",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "P",
        },
        "original_text": "Mrs Jones saw SUBJECT at 14 Elm Road.",
        "sanitised_text": "SUBJECT was seen.",
        "subjects": [{"nominal_id": survivor["nominal_id"], "role": "subject"}],
    }
    rw = "intelligence:read intelligence:read:restricted intelligence:write"
    shown = call(intelligence, "POST", "/reports", rw, report, status=201)
    hidden = call(intelligence, "POST", "/reports", rw, {**report, "classification": "SECRET"}, status=201)
    index.catch_up("intelligence")
    entry = index.find("report", shown["report_id"])
    assert entry is not None and entry.summary["text_version"] == "sanitised"
    assert entry.summary["subjects"] == [survivor["nominal_id"]] and entry.summary["grading"] == "2BP"
    assert index.find("report", hidden["report_id"]) is None

    call(
        intelligence,
        "PATCH",
        f"/reports/{shown['report_id']}",
        rw,
        {"classification": "SECRET"},
        headers={"If-Match": '"v1"'},
    )
    index.catch_up("intelligence")
    assert index.find("report", shown["report_id"]) is None  # withdrawn: the index drops its copy

    assert index.of_kind("custody_record") and all(
        e.summary["custody_number"] for e in index.of_kind("custody_record")
    )
    assert len(index.entries) >= before + 1
