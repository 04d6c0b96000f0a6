"""RecordsClient (what custody, intelligence and vendors use) against the real records simulator."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from simulators.clients.base import TokenSource, UpstreamError, token_source_for
from simulators.clients.records import RecordsClient
from tests.records.conftest import Api, person


@pytest.fixture
def client(records) -> Iterator[RecordsClient]:  # type: ignore[no-untyped-def]
    client = RecordsClient(records.url, TokenSource.fixed(records.token("records:read records:write")))
    yield client
    client.http.close()  # no keep-alive connection may outlive the test


def test_nominal_round_trip(client: RecordsClient, api: Api) -> None:
    created = client.create_nominal(person(surname="Clientson"))
    assert client.get_nominal(created["nominal_id"]) == created
    assert client.get_nominal(str(uuid.uuid4())) is None
    hits = client.search_nominals(pnc_id=created["pnc_id"])
    assert [h["nominal_id"] for h in hits] == [created["nominal_id"]] and hits[0]["match"]["score"] == 1.0
    assert len(client.search_nominals(limit=500)) <= 200
    updated = client.update_nominal(created["nominal_id"], {"forenames": ["Sam"]}, '"v1"')
    assert updated["forenames"] == ["Sam"]
    with pytest.raises(UpstreamError) as exc:
        client.update_nominal(created["nominal_id"], {"forenames": ["Jo"]}, '"v1"')
    assert exc.value.status == 412
    with pytest.raises(UpstreamError) as exc:
        client.create_nominal(person(pnc_id=created["pnc_id"]))
    assert exc.value.status == 409 and exc.value.problem["existing_nominal_id"] == created["nominal_id"]


def test_merged_id_returns_the_survivor(client: RecordsClient) -> None:
    s, d = client.create_nominal(person(pnc_id=None)), client.create_nominal(person(pnc_id=None))
    client.merge_nominals(s["nominal_id"], d["nominal_id"], reason="same person")
    got = client.get_nominal(d["nominal_id"])
    assert (
        got is not None and got["nominal_id"] == s["nominal_id"] and got["resolved_from"] == d["nominal_id"]
    )


def test_occurrence_links_and_custody_outcome(client: RecordsClient, api: Api) -> None:
    n = client.create_nominal(person())
    occ = api.occurrence()
    first = client.add_occurrence_link(occ["occurrence_id"], n["nominal_id"], "suspect")
    again = client.add_occurrence_link(occ["occurrence_id"], n["nominal_id"], "suspect")
    assert first == again
    payload = {
        "custody_id": str(uuid.uuid4()),
        "custody_number": "LS-2025-000001",
        "nominal_id": n["nominal_id"],
        "outcome": {
            "type": "charged",
            "decided_at": "2025-03-05T14:00:00Z",
            "charges": [{"cjs_code": "OF61102"}],
        },
    }
    rec = client.record_custody_outcome(occ["occurrence_id"], payload)
    assert client.record_custody_outcome(occ["occurrence_id"], payload) == rec
    got = client.get_occurrence(occ["occurrence_id"])
    assert got is not None and got["outcome"]["code"] == "1" and rec["link_id"] == first["link_id"]
    assert client.get_occurrence(str(uuid.uuid4())) is None


def test_client_credentials_at_the_records_token_endpoint(records) -> None:  # type: ignore[no-untyped-def]
    """How custody reaches records for real: its own client id at records' /oauth/token."""
    client = RecordsClient(
        records.url, token_source_for(records.url, "custody-system", "custody-system-secret")
    )
    assert client.search_nominals(surname="Smith", limit=5) is not None
    reader = RecordsClient(
        records.url, token_source_for(records.url, "records-reader", "records-reader-secret")
    )
    with pytest.raises(UpstreamError) as exc:
        reader.create_nominal(person())
    assert exc.value.status == 403
    client.http.close()
    reader.http.close()


def test_unreachable_records_is_an_upstream_error() -> None:
    client = RecordsClient("http://127.0.0.1:9", TokenSource.fixed("x"), timeout=1)
    with pytest.raises(UpstreamError) as exc:
        client.get_nominal(str(uuid.uuid4()))
    assert exc.value.unavailable
