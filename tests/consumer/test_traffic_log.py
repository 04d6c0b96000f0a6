"""The traffic log attributes every exchange to its client, times it, and keeps no secret."""

from __future__ import annotations

import requests

from harness.consumer.client import PRODUCT_CLIENT_ID, product_client, product_env
from tests.consumer.conftest import Range


def test_the_product_client_is_made_once_per_home_and_accepted_with_every_scope(range_: Range) -> None:
    again = product_client(range_.home)
    assert again.client_secret == range_.client.client_secret and again.client_id == PRODUCT_CLIENT_ID
    assert (range_.home / "product-client.json").stat().st_mode & 0o077 == 0
    env = product_env(range_.client, range_.urls)
    resp = requests.post(
        env["INTEROP_TOKEN_URL"],
        data={
            "grant_type": "client_credentials",
            "client_id": env["INTEROP_CLIENT_ID"],
            "client_secret": env["INTEROP_CLIENT_SECRET"],
        },
        timeout=10,
    )
    assert resp.status_code == 200, resp.text
    assert "intelligence:read:restricted" in resp.json()["scope"].split()
    assert env["INTEROP_CUSTODY_URL"] == range_.urls["custody"]


def test_exchanges_carry_client_id_and_timing_and_the_token_request_keeps_no_secret(range_: Range) -> None:
    url, secret = range_.urls["intelligence"], range_.client.client_secret
    token = requests.post(
        url + "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": PRODUCT_CLIENT_ID,
            "client_secret": secret,
            "scope": "intelligence:read",
        },
        timeout=10,
    ).json()["access_token"]
    requests.get(url + "/reports", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    requests.get(url + "/no-such-thing", headers={"Authorization": f"Bearer {token}"}, timeout=10)

    items = requests.get(url + "/_sim/traffic", params={"client_id": PRODUCT_CLIENT_ID}, timeout=10).json()[
        "items"
    ]
    assert [(i["method"], i["path"]) for i in items] == [
        ("POST", "/oauth/token"),
        ("GET", "/reports"),
        ("GET", "/no-such-thing"),
    ]
    for item in items:
        assert item["client_id"] == PRODUCT_CLIENT_ID
        assert item["started_at"].endswith("Z") and item["duration_ms"] >= 0
    text = str(items[0])
    assert secret not in text and token not in text
    assert "scope=intelligence%3Aread" in items[0]["request_body"]
    others = requests.get(url + "/_sim/traffic", params={"client_id": "national-index"}, timeout=10).json()
    assert all(i["client_id"] == "national-index" for i in others["items"])
