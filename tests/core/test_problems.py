"""Every error is RFC 9457 problem details; a fault mid-write leaves nothing behind."""

from __future__ import annotations

import requests

PROBLEM = "application/problem+json"


def _is_problem(r: requests.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == PROBLEM
    body = r.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in r.text and "<html" not in r.text.lower()
    return body


def test_unknown_path_is_404_problem(widgets):
    _is_problem(requests.get(widgets.url + "/no/such/thing"), 404)


def test_unknown_id_is_404_problem(widgets):
    body = _is_problem(
        requests.get(widgets.url + "/widgets/999", headers=widgets.headers("widgets:read")), 404
    )
    assert "999" in body["detail"]


def test_wrong_method_is_405_problem_with_allow(widgets):
    r = requests.delete(widgets.url + "/widgets", headers=widgets.headers("widgets:write"))
    _is_problem(r, 405)
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


def test_too_large_body_is_413_problem(widgets):
    big = '{"name": "' + "x" * (2 * 1024 * 1024) + '"}'
    r = requests.post(
        widgets.url + "/widgets",
        data=big,
        headers={**widgets.headers("widgets:write"), "Content-Type": "application/json"},
    )
    _is_problem(r, 413)


def test_wrong_media_type_is_415_problem(widgets):
    r = requests.post(
        widgets.url + "/widgets",
        data="name=x",
        headers={**widgets.headers("widgets:write"), "Content-Type": "text/plain"},
    )
    _is_problem(r, 415)


def test_malformed_json_is_400_problem(widgets):
    r = requests.post(
        widgets.url + "/widgets",
        data="{not json",
        headers={**widgets.headers("widgets:write"), "Content-Type": "application/json"},
    )
    _is_problem(r, 400)


def test_business_rule_is_422_with_rule_id(widgets):
    h = widgets.headers("widgets:write")
    assert requests.post(widgets.url + "/widgets", json={"name": "dup"}, headers=h).status_code == 201
    body = _is_problem(requests.post(widgets.url + "/widgets", json={"name": "dup"}, headers=h), 422)
    assert body["rule"] == "WID-001"


def test_crash_mid_write_is_500_problem_and_changes_nothing(widgets):
    h = widgets.headers("widgets:read widgets:write")
    body = _is_problem(requests.post(widgets.url + "/widgets", json={"name": "boom"}, headers=h), 500)
    assert "nothing was changed" in body["detail"]
    assert requests.get(widgets.url + "/widgets", headers=h).json()["items"] == []
    assert requests.get(widgets.url + "/events", headers=h).json()["items"] == []
