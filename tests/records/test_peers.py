"""The intelligence indicator and custody history: answers from peers, never content, clear failures."""

from __future__ import annotations

import uuid

from tests.records.conftest import Api, PeerStub
from tests.records.test_nominals import problem


def test_indicator_says_yes_or_no_and_nothing_else(api: Api, peers: PeerStub) -> None:
    yes, no = api.create(), api.create()
    peers.held.add(yes["nominal_id"])
    body = api.get(f"/nominals/{yes['nominal_id']}/intelligence-indicator").json()
    assert set(body) == {"nominal_id", "intelligence_held", "checked_at"}
    assert body["intelligence_held"] is True and body["nominal_id"] == yes["nominal_id"]
    assert (
        api.get(f"/nominals/{no['nominal_id']}/intelligence-indicator").json()["intelligence_held"] is False
    )


def test_indicator_asks_about_merged_ids_too(api: Api, peers: PeerStub) -> None:
    s, d = api.create(pnc_id=None), api.create(pnc_id=None)
    api.post(f"/nominals/{s['nominal_id']}/merges", {"duplicate_id": d["nominal_id"]})
    peers.held.add(d["nominal_id"])  # intelligence still knows the person by the old id
    body = api.get(f"/nominals/{d['nominal_id']}/intelligence-indicator").json()
    assert body == {**body, "nominal_id": s["nominal_id"], "intelligence_held": True}
    assert f"indicator {s['nominal_id']}" in peers.calls


def test_indicator_failures_are_gateway_problems(api: Api, peers: PeerStub) -> None:
    n = api.create()
    path = f"/nominals/{n['nominal_id']}/intelligence-indicator"
    peers.intelligence_status = 503
    body = problem(api.get(path), 503)
    assert body["upstream"]["system"] == "intelligence" and "intelligence_held" not in body
    peers.intelligence_status = 500
    problem(api.get(path), 502)
    problem(api.get(f"/nominals/{uuid.uuid4()}/intelligence-indicator"), 404)
    problem(api.get(path, scopes="custody:read"), 403)


def test_indicator_when_intelligence_is_unreachable(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    n = api.create()
    client = records.ctx.extras.setdefault("peer_clients", {}).get("intelligence")
    from simulators.clients import client_for

    dead = client_for(
        records.ctx.config.with_(peers={**records.ctx.config.peers, "intelligence": "http://127.0.0.1:9"}),
        "intelligence",
    )
    records.ctx.extras["peer_clients"]["intelligence"] = dead
    try:
        resp = api.get(f"/nominals/{n['nominal_id']}/intelligence-indicator")
        assert resp.status_code in (502, 503, 504) and resp.json()["upstream"]["system"] == "intelligence"
    finally:
        if client is None:
            records.ctx.extras["peer_clients"].pop("intelligence")
        else:
            records.ctx.extras["peer_clients"]["intelligence"] = client


def test_custody_history_newest_first_across_merged_ids_and_paged(api: Api, peers: PeerStub) -> None:
    s, d = api.create(pnc_id=None), api.create(pnc_id=None)
    api.post(f"/nominals/{s['nominal_id']}/merges", {"duplicate_id": d["nominal_id"]})

    def rec(n: str, day: int) -> dict:
        return {
            "custody_id": str(uuid.uuid4()),
            "custody_number": f"LS-2024-00000{day}",
            "nominal_id": n,
            "arrived_at": f"2024-01-0{day}T10:00:00+00:00",
            "status": "released",
        }

    peers.custody[s["nominal_id"]] = [rec(s["nominal_id"], 1), rec(s["nominal_id"], 3)]
    peers.custody[d["nominal_id"]] = [rec(d["nominal_id"], 2)]
    page = api.get(f"/nominals/{d['nominal_id']}/custody-history", params={"limit": 2}).json()
    assert page["nominal_id"] == s["nominal_id"]
    assert [r["arrived_at"][:10] for r in page["items"]] == ["2024-01-03", "2024-01-02"]
    assert page["items"][0]["status"] == "released"  # custody's fields pass through
    rest = api.get(
        f"/nominals/{d['nominal_id']}/custody-history", params={"limit": 2, "cursor": page["next_cursor"]}
    ).json()
    assert [r["arrived_at"][:10] for r in rest["items"]] == ["2024-01-01"] and rest["next_cursor"] is None
    problem(api.get(f"/nominals/{s['nominal_id']}/custody-history", params={"cursor": "WyJ4Il0"}), 400)


def test_custody_history_failures(api: Api, peers: PeerStub) -> None:
    n = api.create()
    assert api.get(f"/nominals/{n['nominal_id']}/custody-history").json()["items"] == []
    peers.custody_status = 503
    body = problem(api.get(f"/nominals/{n['nominal_id']}/custody-history"), 503)
    assert body["upstream"]["system"] == "custody"
    peers.custody_status = 401
    problem(api.get(f"/nominals/{n['nominal_id']}/custody-history"), 502)
    problem(api.get(f"/nominals/{uuid.uuid4()}/custody-history"), 404)


def test_slow_peers_are_gateway_timeouts(tmp_path, peers: PeerStub) -> None:  # type: ignore[no-untyped-def]
    from tests.simkit import start_system

    assert peers.server is not None
    sim = start_system(
        "records",
        tmp_path / "records",
        population=60,
        peer_timeout=0.3,
        peers={"intelligence": peers.server.url, "custody": peers.server.url},
    )
    try:
        api = Api(sim)
        n = api.create()
        peers.reset()
        peers.delay = 1.0
        for path in ("intelligence-indicator", "custody-history"):
            body = problem(api.get(f"/nominals/{n['nominal_id']}/{path}"), 504)
            assert "timed out" in body["detail"]
    finally:
        peers.delay = 0.0
        for client in sim.ctx.extras.get("peer_clients", {}).values():
            client.http.close()
        sim.stop()
