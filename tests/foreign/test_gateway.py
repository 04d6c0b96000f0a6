"""The gateway itself: it really is foreign (its own tokens, no test support), and each variation
really reaches the client, so the tests that rely on it test what they claim."""

from __future__ import annotations

import gzip
import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests

from harness.auth import ADMIN_CLIENT
from harness.embedded import EmbeddedEcosystem
from tests.foreign import variations as v
from tests.foreign.gateway import Gateway


def _admin_token(url: str) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": ADMIN_CLIENT[0],
        "client_secret": ADMIN_CLIENT[1],
    }
    return str(requests.post(url + "/oauth/token", data=form, timeout=10).json()["access_token"])


def _raw_get(url: str, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    """One GET as it comes off the wire (header names as sent; body not decoded)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def test_gateway_refuses_our_issuers_tokens_and_hides_test_support(force: EmbeddedEcosystem) -> None:
    """The gateway really is foreign: the range's own tokens and endpoints do not work on it."""
    upstream = force.urls["custody"]
    ours = _admin_token(upstream)
    with Gateway(upstream) as gateway:
        assert requests.get(
            upstream + "/custody-records", headers={"Authorization": f"Bearer {ours}"}, timeout=10
        ).ok
        refused = requests.get(
            gateway.url + "/custody-records", headers={"Authorization": f"Bearer {ours}"}, timeout=10
        )
        assert refused.status_code == 401 and refused.headers["Content-Type"] == "application/problem+json"
        assert requests.post(gateway.url + "/oauth/token", timeout=10).status_code == 404
        assert requests.get(gateway.url + "/_sim/clock", timeout=10).status_code == 404
        assert requests.get(upstream + "/_sim/clock", timeout=10).status_code == 200

        client_id, secret = gateway.clients["reader"]
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        standard_name = requests.post(gateway.token_url, data={**form, "scope": "custody:read"}, timeout=10)
        assert standard_name.status_code == 400 and standard_name.json()["error"] == "invalid_scope"
        not_allowed = requests.post(gateway.token_url, data={**form, "scope": "CUSTODY.WRITE"}, timeout=10)
        assert not_allowed.status_code == 400
        token = requests.post(gateway.token_url, data={**form, "scope": "CUSTODY.READ"}, timeout=10).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        assert requests.get(gateway.url + "/custody-records", headers=bearer, timeout=10).status_code == 200
        # The upstream token carries exactly the standard scopes behind the product's: no write.
        write = requests.post(gateway.url + "/custody-records", headers=bearer, json={}, timeout=10)
        assert write.status_code == 403, write.text


def test_every_variation_reaches_the_client(force: EmbeddedEcosystem) -> None:
    upstream = force.urls["custody"]
    bearer = {"Authorization": f"Bearer {_admin_token(upstream)}"}
    _, plain_headers, plain = _raw_get(upstream, "/custody-records?limit=2", bearer)
    with Gateway(upstream, hide_sim=False, own_auth=False, variations=Gateway.VARIATIONS) as gateway:
        status, headers, raw = _raw_get(
            gateway.url, "/custody-records?limit=2", {**bearer, "Accept-Encoding": "gzip"}
        )
        assert status == 200
        names = [name for name, _ in headers]
        by_name = {name.lower(): value for name, value in headers}
        # Header names as the gateway sent them, not re-cased by a server on the way.
        assert any(n != n.title() for n in names if n.lower() not in ("transfer-encoding", "date")), names
        assert by_name["content-type"] == "application/json; charset=utf-8"
        assert by_name["transfer-encoding"] == "chunked" and "content-length" not in by_name
        assert by_name["content-encoding"] == "gzip"
        text = gzip.decompress(raw).decode()
        assert text.startswith("\n ") and "\n" in text.strip()  # pretty-printed, with extra whitespace
        body, original = json.loads(text), json.loads(plain)
        assert list(body) != list(original) and set(body) - set(original) == {v.EXTRA_NAME}
        assert v.EXTRA_NAME in body["items"][0]
        assert {k: x for k, x in body.items() if k not in (v.EXTRA_NAME, "items", "links")} == {
            k: x for k, x in original.items() if k not in ("items", "links")
        }
        # Without Accept-Encoding: gzip the body is not compressed.
        _, headers, raw = _raw_get(
            gateway.url, "/custody-records?limit=2", {**bearer, "Accept-Encoding": "identity"}
        )
        assert "content-encoding" not in {n.lower() for n, _ in headers} and json.loads(raw)
        # A problem keeps its own media type, with the charset.
        _, headers, _ = _raw_get(gateway.url, "/custody-records/not-an-id", bearer)
        assert (
            dict((n.lower(), x) for n, x in headers)["content-type"]
            == "application/problem+json; charset=utf-8"
        )
    assert set(gateway.applied) == set(Gateway.VARIATIONS), gateway.applied
    assert plain_headers  # the upstream answered too


def test_extra_fields_only_where_the_schema_is_open() -> None:
    spec = {
        "paths": {
            "/things/{id}": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                            }
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "open": {"$ref": "#/components/schemas/Open"},
                        "closed": {"$ref": "#/components/schemas/Closed"},
                        "list": {"type": "array", "items": {"$ref": "#/components/schemas/Open"}},
                    },
                },
                "Open": {"type": "object", "properties": {"a": {"type": "integer"}}},
                "Closed": {
                    "type": "object",
                    "properties": {"a": {"type": "integer"}},
                    "additionalProperties": False,
                },
            }
        },
    }
    extra = v.ExtraFields(spec)
    value = {"open": {"a": 1}, "closed": {"a": 2}, "list": [{"a": 3}]}
    out, added = extra.apply("GET", "/things/7", 200, "application/json", value)
    assert added
    assert v.EXTRA_NAME in out and v.EXTRA_NAME in out["open"] and v.EXTRA_NAME in out["list"][0]
    assert v.EXTRA_NAME not in out["closed"]
    assert extra.apply("GET", "/other", 200, "application/json", value) == (value, False)


@pytest.mark.parametrize(
    "header,allowed",
    [
        ("gzip", True),
        ("gzip, deflate", True),
        ("*", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("*;q=0.5, gzip;q=0", False),
    ],
)
def test_gzip_only_when_the_request_accepts_it(header: str, allowed: bool) -> None:
    assert v.accepts_gzip(header) is allowed


def test_an_unknown_variation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown variations"):
        Gateway("http://127.0.0.1:1", variations=["colour"])


def test_transform_sees_and_changes_every_upstream_response(force: EmbeddedEcosystem) -> None:
    seen: list[tuple[str, str, int]] = []

    def transform(
        method: str, path: str, status: int, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        seen.append((method, path, status))
        if path == "/health":
            return 503, {**headers, "X-Transformed": "yes"}, body.replace(b'"ok"', b'"degraded"')
        return status, headers, body

    with Gateway(force.urls["records"], own_auth=False, transform=transform) as gateway:
        health = requests.get(gateway.url + "/health", timeout=10)
        assert health.status_code == 503 and health.headers["X-Transformed"] == "yes"
        assert health.json()["status"] == "degraded"
        assert requests.get(gateway.url + "/openapi.json", timeout=10).status_code == 200
        assert requests.get(gateway.url + "/_sim/clock", timeout=10).status_code == 404  # the gateway's own
    assert seen == [("GET", "/health", 200), ("GET", "/openapi.json", 200)]
