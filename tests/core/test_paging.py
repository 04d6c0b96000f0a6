"""One paging scheme: limit + opaque cursor + links.next, stable across page boundaries."""

from __future__ import annotations

import requests


def _create(widgets, n: int) -> None:
    h = widgets.headers("widgets:write")
    for i in range(n):
        assert requests.post(widgets.url + "/widgets", json={"name": f"w{i}"}, headers=h).status_code == 201


def test_pages_cover_every_item_once_in_order(widgets):
    _create(widgets, 7)
    h = widgets.headers("widgets:read")
    seen, url, pages = [], widgets.url + "/widgets?limit=3", 0
    while url:
        body = requests.get(url, headers=h).json()
        pages += 1
        assert body["limit"] == 3 and len(body["items"]) <= 3
        seen += [w["name"] for w in body["items"]]
        nxt = body["links"]["next"]
        assert (nxt is None) == (body["next_cursor"] is None)
        url = widgets.url + nxt if nxt else None
    assert seen == [f"w{i}" for i in range(7)]
    assert pages == 3


def test_exact_multiple_has_no_empty_trailing_page(widgets):
    _create(widgets, 4)
    h = widgets.headers("widgets:read")
    first = requests.get(widgets.url + "/widgets?limit=2", headers=h).json()
    second = requests.get(widgets.url + first["links"]["next"], headers=h).json()
    assert [w["name"] for w in second["items"]] == ["w2", "w3"]
    assert second["next_cursor"] is None


def test_rows_added_between_pages_are_not_skipped_or_repeated(widgets):
    _create(widgets, 3)
    h = widgets.headers("widgets:read widgets:write")
    first = requests.get(widgets.url + "/widgets?limit=2", headers=h).json()
    requests.post(widgets.url + "/widgets", json={"name": "late"}, headers=h)
    rest = requests.get(widgets.url + first["links"]["next"], headers=h).json()
    assert [w["name"] for w in first["items"] + rest["items"]] == ["w0", "w1", "w2", "late"]


def test_bad_cursor_and_limits_are_400(widgets):
    h = widgets.headers("widgets:read")
    for query in ("cursor=not-a-cursor", "limit=0", "limit=201", "limit=abc"):
        r = requests.get(widgets.url + "/widgets?" + query, headers=h)
        assert r.status_code == 400, query
        assert r.json()["errors"][0]["field"].startswith("query.")
