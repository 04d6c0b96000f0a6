"""Auth: bearer JWTs from the local issuer, scopes from the spec, the token endpoint."""

from __future__ import annotations

import base64

import requests

from simulators.core.auth import Issuer, load_or_create_key
from tests.core.conftest import start_widgets

PROBLEM = "application/problem+json"


def test_no_token_is_401_problem_with_challenge(widgets):
    r = requests.get(widgets.url + "/widgets")
    assert r.status_code == 401
    assert r.headers["Content-Type"] == PROBLEM
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    body = r.json()
    assert body["status"] == 401 and body["type"].endswith("unauthorized") and body["detail"]


def test_non_bearer_scheme_is_401(widgets):
    r = requests.get(widgets.url + "/widgets", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert r.status_code == 401
    assert "Bearer" in r.json()["detail"]


def test_expired_token_is_401(widgets):
    token = widgets.token("widgets:read", ttl=-60)
    r = requests.get(widgets.url + "/widgets", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert "expired" in r.json()["detail"]


def test_wrong_signature_is_401(widgets, tmp_path):
    other = Issuer(load_or_create_key(tmp_path / "other-key.json"), widgets.ctx.issuer.issuer)
    token = other.issue("intruder", ["widgets:read"])
    r = requests.get(widgets.url + "/widgets", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.json()["detail"] == "The access token is not valid."


def test_garbage_token_is_401(widgets):
    r = requests.get(widgets.url + "/widgets", headers={"Authorization": "Bearer not.a.jwt"})
    assert r.status_code == 401


def test_wrong_scope_is_403_naming_the_scope(widgets):
    r = requests.post(widgets.url + "/widgets", json={"name": "x"}, headers=widgets.headers("widgets:read"))
    assert r.status_code == 403
    assert r.headers["Content-Type"] == PROBLEM
    assert "widgets:write" in r.json()["detail"]
    assert 'error="insufficient_scope"' in r.headers["WWW-Authenticate"]


def test_right_scope_passes(widgets):
    r = requests.get(widgets.url + "/widgets", headers=widgets.headers("widgets:read"))
    assert r.status_code == 200


def test_public_operations_need_no_token(widgets):
    assert requests.get(widgets.url + "/health").json()["status"] == "ok"
    assert requests.get(widgets.url + "/openapi.json").json()["openapi"].startswith("3.1")


def _token_request(url, **form):
    return requests.post(url + "/oauth/token", data=form)


def test_token_endpoint_issues_tokens_the_api_accepts(tmp_path):
    running = start_widgets(tmp_path, clients_file=None)
    try:
        # The default clients have no widgets scopes; records scopes still give a valid token.
        r = _token_request(
            running.url,
            grant_type="client_credentials",
            client_id="records-reader",
            client_secret="records-reader-secret",
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["token_type"] == "Bearer" and body["scope"] == "records:read" and body["expires_in"] > 0
        assert r.headers["Cache-Control"] == "no-store"
        principal = running.ctx.issuer.verify(body["access_token"])
        assert principal.client_id == "records-reader" and principal.has("records:read")
        # ...but the widgets API refuses it for lack of scope, not for lack of a valid token.
        r2 = requests.get(
            running.url + "/widgets", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert r2.status_code == 403
    finally:
        running.stop()


def test_token_endpoint_basic_auth_and_scope_subset(widgets):
    basic = base64.b64encode(b"vendor:vendor-secret").decode()
    r = requests.post(
        widgets.url + "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "records:read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200
    assert r.json()["scope"] == "records:read"


def test_token_endpoint_errors_follow_rfc6749(widgets):
    bad_secret = _token_request(
        widgets.url, grant_type="client_credentials", client_id="vendor", client_secret="no"
    )
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    unknown = _token_request(
        widgets.url, grant_type="client_credentials", client_id="nobody", client_secret="x"
    )
    assert unknown.status_code == 401
    grant = _token_request(
        widgets.url, grant_type="password", client_id="vendor", client_secret="vendor-secret"
    )
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    scope = _token_request(
        widgets.url,
        grant_type="client_credentials",
        client_id="records-reader",
        client_secret="records-reader-secret",
        scope="records:write",
    )
    assert scope.status_code == 400 and scope.json()["error"] == "invalid_scope"
    missing = _token_request(widgets.url, client_id="vendor", client_secret="vendor-secret")
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    as_json = requests.post(widgets.url + "/oauth/token", json={"grant_type": "client_credentials"})
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"


def test_one_token_works_across_simulators_sharing_the_issuer(tmp_path):
    key = tmp_path / "shared-key.json"
    a = start_widgets(tmp_path / "a", key_file=key)
    b = start_widgets(tmp_path / "b", key_file=key)
    try:
        token = a.ctx.issuer.issue("someone", ["widgets:read"])
        for sim in (a, b):
            assert (
                requests.get(sim.url + "/widgets", headers={"Authorization": f"Bearer {token}"}).status_code
                == 200
            )
    finally:
        a.stop()
        b.stop()
