"""Consumers judged from their real traffic: each defect of a sloppy one once, none for careful ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from harness.consumer.duties import Defect
from harness.consumer.judge import judge
from harness.consumer.traffic import last_seq, read_traffic
from harness.engine.events import CheckResult, Finding
from simulators.clients.base import token_source_for
from simulators.clients.case_file import CaseFileBuilder
from simulators.clients.custody import CustodyClient
from simulators.clients.intelligence import IntelligenceClient
from simulators.clients.national_index import NationalIndex
from simulators.clients.records import RecordsClient
from tests.consumer.conftest import Range
from tests.consumer.consumers import PERSON, Careful, Sloppy

SERGEANT = {"name": "PS Rob Hart", "collar_number": "2210", "rank": "sergeant"}


def judged(exchanges: list[Any]) -> tuple[list[Defect], list[Any]]:
    events: list[Any] = []
    return judge(exchanges, events.append), events


def merged_pair(range_: Range, surname: str) -> tuple[str, str]:
    """Two nominals created and merged by the admin (the test's setup, not the product's traffic)."""
    url, h = range_.urls["records"], range_.admin_headers("records:read records:write")
    person = {**PERSON, "surname": surname}
    survivor = requests.post(url + "/nominals", json=person, headers=h, timeout=10).json()["nominal_id"]
    duplicate = requests.post(url + "/nominals", json=person, headers=h, timeout=10).json()["nominal_id"]
    resp = requests.post(
        f"{url}/nominals/{survivor}/merges", json={"duplicate_id": duplicate}, headers=h, timeout=10
    )
    assert resp.status_code == 200, resp.text
    return survivor, duplicate


def test_a_sloppy_consumer_gets_each_defect_once_with_its_exchange(range_: Range) -> None:
    survivor, duplicate = merged_pair(range_, "Sloppy")
    Sloppy(range_.urls["records"], range_.client.client_id, range_.client.client_secret).run(
        survivor, duplicate
    )

    exchanges = read_traffic(range_.urls, range_.client.client_id)
    defects, events = judged(exchanges)

    by_requirement: dict[str, list[Defect]] = {}
    for d in defects:
        by_requirement.setdefault(d.requirement, []).append(d)
    valid = by_requirement.pop("CON-VALID-REQUEST")
    assert sorted((d.exchange.method, d.exchange.path) for d in valid) == [
        ("GET", "/persons"),
        ("POST", "/nominals"),
    ]
    wrong_fields = next(d for d in valid if d.exchange.path == "/nominals")
    assert wrong_fields.count == 3 and wrong_fields.exchange.status == 400
    assert "last_name" in wrong_fields.detail or "surname" in wrong_fields.detail
    assert {k: len(v) for k, v in by_requirement.items()} == {
        "CON-LEAST-PRIVILEGE": 1,
        "CON-TOKEN-CACHE": 1,
        "CON-IF-MATCH": 1,
        "CON-MERGED": 1,
        "CON-PAGING": 1,
        "CON-RETRY-4XX": 1,
        "CON-N-PLUS-1": 1,
    }
    assert by_requirement["CON-IF-MATCH"][0].exchange.path == f"/nominals/{survivor}"
    assert by_requirement["CON-IF-MATCH"][0].exchange.status == 428
    assert by_requirement["CON-MERGED"][0].exchange.path == f"/nominals/{duplicate}"
    assert "records:write" not in by_requirement["CON-LEAST-PRIVILEGE"][0].extra["unneeded_scopes"]
    assert "custody:write" in by_requirement["CON-LEAST-PRIVILEGE"][0].extra["unneeded_scopes"]
    assert by_requirement["CON-PAGING"][0].exchange.params["limit"] == ["200"]

    findings = [e for e in events if isinstance(e, Finding)]
    assert len(findings) == len(defects)
    for f in findings:
        assert f.reproduce.startswith("curl ") and f.extra["exchange"]["status"]
        assert range_.client.client_secret not in f.reproduce and "access_token" not in f.reproduce
    failed = {c.requirement for c in events if isinstance(c, CheckResult) and c.status == "failed"}
    assert failed == {"CON-VALID-REQUEST", "CON-IF-MATCH", "CON-MERGED"}  # the rest are warnings


def test_a_careful_consumer_gets_no_finding(range_: Range, tmp_path: Any) -> None:
    survivor, duplicate = merged_pair(range_, "Careful")
    # The admin client with only the scopes its calls need; its traffic from here on is the careful one's.
    before = last_seq(range_.urls, "interop-admin")
    careful = Careful(
        range_.urls["records"], "interop-admin", "interop-admin-secret", scope="records:read records:write"
    )
    careful.run(survivor, duplicate)

    exchanges = read_traffic(range_.urls, "interop-admin", after=before)
    assert len([e for e in exchanges if e.is_token_request]) == 1
    defects, events = judged(exchanges)

    assert defects == []
    checks = {c.requirement: c.status for c in events if isinstance(c, CheckResult)}
    assert checks["CON-VALID-REQUEST"] == checks["CON-IF-MATCH"] == checks["CON-MERGED"] == "passed"


def test_our_own_clients_driven_as_consumers_get_no_finding(range_: Range) -> None:
    records, custody, intelligence = (range_.urls[s] for s in ("records", "custody", "intelligence"))
    now = datetime.now(UTC)
    iso = lambda moment: moment.astimezone(UTC).isoformat()  # noqa: E731
    h = range_.admin_headers("records:write custody:write custody:read")
    occurrence = requests.post(
        records + "/occurrences",
        json={
            "type": "crime",
            "classification": {"code": "8N"},
            "summary": "Assault outside a takeaway",
            "occurred_from": iso(now - timedelta(hours=8)),
            "location": {"line1": "3 High Street", "town": "Leeds"},
        },
        headers=h,
        timeout=10,
    ).json()
    booked = requests.post(  # custody calls records (custody-system) to identify and link
        custody + "/custody-records",
        json={
            "station": {"code": "LS", "name": "Leeds District Custody Suite"},
            "arrest": {
                "arrested_at": iso(now - timedelta(hours=5)),
                "location": "High Street, Leeds",
                "reason": "Suspected assault; necessary for a prompt investigation",
                "officer": {"name": "PC Amy Walsh", "rank": "constable"},
            },
            "arrived_at": iso(now - timedelta(hours=4, minutes=30)),
            "offences": [{"cjs_code": "OF61102", "title": "Assault occasioning actual bodily harm (s.47)"}],
            "detainee": {**PERSON, "surname": "Ours", "create_new": True},
            "occurrence_id": occurrence["occurrence_id"],
            "booked_in_by": SERGEANT,
        },
        headers=h,
        timeout=10,
    )
    assert booked.status_code == 201, booked.text
    nominal_id = booked.json()["nominal_id"]
    # records calls custody and intelligence (records-system)
    h = range_.admin_headers("records:read")
    for path in (f"/nominals/{nominal_id}/custody-history", f"/nominals/{nominal_id}/intelligence-indicator"):
        assert requests.get(records + path, headers=h, timeout=10).status_code == 200

    def client(cls: type, url: str, client_id: str) -> Any:
        return cls(url, token_source_for(url, client_id, f"{client_id}-secret"))

    index = NationalIndex(
        records=client(RecordsClient, records, "national-index"),
        custody=client(CustodyClient, custody, "national-index"),
        intelligence=client(IntelligenceClient, intelligence, "national-index"),
    )
    for system in ("records", "custody", "intelligence"):
        index.catch_up(system)
    builder = CaseFileBuilder(
        client(RecordsClient, records, "case-file"), client(CustodyClient, custody, "case-file")
    )
    assert builder.build(occurrence["occurrence_id"]) is not None

    for client_id in ("custody-system", "records-system", "national-index", "case-file"):
        exchanges = read_traffic(range_.urls, client_id)
        assert exchanges, client_id
        defects, _ = judged(exchanges)
        assert defects == [], (client_id, [(d.requirement, d.title, d.detail) for d in defects])
