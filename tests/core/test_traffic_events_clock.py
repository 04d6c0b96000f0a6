"""The traffic log, the change feed and the injectable clock."""

from __future__ import annotations

import requests


def test_traffic_log_records_exchanges_with_validation_results(widgets):
    h_a = widgets.headers("widgets:write", client_id="client-a")
    h_b = widgets.headers("widgets:read", client_id="client-b")
    requests.post(widgets.url + "/widgets", json={"name": "ok"}, headers=h_a)
    requests.post(widgets.url + "/widgets", json={"nope": 1}, headers=h_a)
    requests.get(widgets.url + "/widgets", headers=h_b)
    all_items = widgets.sim("GET", "/traffic").json()["items"]
    assert [(t["method"], t["status"]) for t in all_items] == [("POST", 201), ("POST", 400), ("GET", 200)]
    assert all_items[0]["request_valid"] is True and all_items[0]["response_valid"] is True
    assert '"name": "ok"' in all_items[0]["request_body"] or '"name":"ok"' in all_items[0]["request_body"]
    invalid = widgets.sim("GET", "/traffic?invalid_only=true").json()["items"]
    assert len(invalid) == 1 and invalid[0]["errors"][0]["field"] == "body.name"
    only_b = widgets.sim("GET", "/traffic?client=client-b").json()["items"]
    assert [t["client_id"] for t in only_b] == ["client-b"]
    paged = widgets.sim("GET", "/traffic?limit=2").json()
    assert len(paged["items"]) == 2 and paged["next_cursor"]
    assert widgets.sim("DELETE", "/traffic").status_code == 204
    assert widgets.sim("GET", "/traffic").json()["items"] == []


def test_change_feed_pages_with_after_cursor_and_filters(widgets):
    h = widgets.headers("widgets:read widgets:write")
    for name in ("a", "b", "c"):
        requests.post(widgets.url + "/widgets", json={"name": name}, headers=h)
    first = requests.get(widgets.url + "/events?limit=2", headers=h).json()
    assert [e["data"]["name"] for e in first["items"]] == ["a", "b"]
    assert first["items"][0]["resource"] == {"type": "widget", "id": "1", "href": "/widgets/1"}
    rest = requests.get(widgets.url + "/events", params={"after": first["next_cursor"]}, headers=h).json()
    assert [e["data"]["name"] for e in rest["items"]] == ["c"]
    # The feed never ends: at the end, the cursor stays put for the next poll.
    tail = requests.get(widgets.url + "/events", params={"after": rest["next_cursor"]}, headers=h).json()
    assert tail["items"] == [] and tail["next_cursor"] == rest["next_cursor"]
    typed = requests.get(widgets.url + "/events?type=widget.deleted", headers=h).json()
    assert typed["items"] == []


def test_clock_can_be_frozen_advanced_and_reset(widgets):
    r = widgets.sim("PUT", "/clock", json={"now": "2025-01-31T09:00:00Z", "frozen": True})
    assert r.json()["now"] == "2025-01-31T09:00:00+00:00" and r.json()["frozen"] is True
    r = widgets.sim("POST", "/clock/advance", json={"hours": 6, "minutes": 1})
    assert r.json()["now"] == "2025-01-31T15:01:00+00:00"
    assert widgets.ctx.clock.now().isoformat() == "2025-01-31T15:01:00+00:00"
    h = widgets.headers("widgets:write")
    requests.post(widgets.url + "/widgets", json={"name": "timed"}, headers=h)
    event = requests.get(widgets.url + "/events", headers=widgets.headers("widgets:read")).json()["items"][0]
    assert event["occurred_at"] == "2025-01-31T15:01:00+00:00"
    assert widgets.sim("POST", "/clock/advance", json={"hours": -1}).status_code == 400
    assert widgets.sim("PUT", "/clock", json={"now": "2025-01-31T09:00:00"}).status_code == 400
    assert widgets.sim("POST", "/clock/reset").json()["frozen"] is False


def test_faults_make_the_system_down_then_recover(widgets):
    h = widgets.headers("widgets:read")
    assert widgets.sim("PUT", "/faults", json={"down": True}).status_code == 200
    r = requests.get(widgets.url + "/widgets", headers=h)
    assert r.status_code == 503 and r.headers["Content-Type"] == "application/problem+json"
    assert requests.get(widgets.url + "/health").status_code == 200  # infrastructure stays up
    assert widgets.sim("PUT", "/faults", json={"down": "yes"}).status_code == 400
    widgets.sim("PUT", "/faults", json={"down": False})
    assert requests.get(widgets.url + "/widgets", headers=h).status_code == 200
