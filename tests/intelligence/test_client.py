"""IntelligenceClient: what records uses to ask the intelligence system for the indicator."""

from __future__ import annotations

import uuid

import pytest

from simulators.clients import client_for
from simulators.clients.base import TokenSource, UpstreamError, token_source_for
from simulators.clients.intelligence import IntelligenceClient
from tests.intelligence.conftest import RESTRICTED, WRITE, new_report, nominal, submit


def test_intelligence_held_with_client_credentials_as_records_does(fresh, records_stub):
    nid = nominal(records_stub)
    submit(fresh, new_report([nid], classification="SECRET"), scopes=f"{WRITE} {RESTRICTED}")
    client = IntelligenceClient(
        fresh.url, token_source_for(fresh.url, "records-system", "records-system-secret")
    )
    assert client.intelligence_held(nid) is True
    assert client.intelligence_held(str(uuid.uuid4())) is False
    client.http.close()


def test_client_for_builds_it_from_a_peer_config(fresh, records_stub):
    from simulators.core.config import SimConfig

    config = SimConfig.for_system("records", home=fresh.ctx.config.home, peers={"intelligence": fresh.url})
    client = client_for(config, "intelligence")
    assert isinstance(client, IntelligenceClient) and client.intelligence_held(str(uuid.uuid4())) is False
    client.http.close()


def test_failures_become_upstream_errors(fresh):
    wrong_scope = IntelligenceClient(fresh.url, TokenSource.fixed(fresh.token("intelligence:read")))
    with pytest.raises(UpstreamError) as err:
        wrong_scope.intelligence_held(str(uuid.uuid4()))
    assert err.value.status == 403 and not err.value.unavailable
    client = IntelligenceClient(fresh.url, TokenSource.fixed(fresh.token("intelligence:indicator")))
    with pytest.raises(UpstreamError) as err:
        client.intelligence_held("not-a-uuid")
    assert err.value.status == 400
    fresh.sim("PUT", "/faults", json={"down": True})
    try:
        with pytest.raises(UpstreamError) as err:
            client.intelligence_held(str(uuid.uuid4()))
        assert err.value.status == 503 and err.value.unavailable
    finally:
        fresh.sim("PUT", "/faults", json={"down": False})
        wrong_scope.http.close()
        client.http.close()
    gone = IntelligenceClient("http://127.0.0.1:9", TokenSource.fixed("t"), timeout=1.0)
    with pytest.raises(UpstreamError) as err:
        gone.intelligence_held(str(uuid.uuid4()))
    assert err.value.status is None and err.value.system == "intelligence"
