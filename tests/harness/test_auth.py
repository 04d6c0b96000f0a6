"""`TargetTokens`: a given token, client credentials (the product's own or the local admin), never a fallback.

Client credentials go through the simulators' `TokenSource` (one per scope set); a token endpoint
that refuses, is unreachable or answers nonsense gives None here, never an exception, so the
callers can say in one line what was missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, jsonify, request

from harness.auth import ADMIN_CLIENT, AuthConfig, TargetTokens
from harness.errors import InteropError
from simulators.clients.base import TokenSource, UpstreamError, token_source_for
from simulators.core.auth import Issuer
from simulators.core.server import ServerThread, free_port


class TokenEndpoint:
    """A token endpoint that records each form it was sent; `mode` says how it answers."""

    def __init__(self) -> None:
        self.forms: list[dict[str, str]] = []
        self.mode = "ok"
        self.expires_in: Any = 3600
        self.lock = threading.Lock()
        app = Flask("token-endpoint")

        @app.post("/oauth/token")
        def token():  # type: ignore[no-untyped-def]
            with self.lock:
                self.forms.append(dict(request.form))
                n = len(self.forms)
            if self.mode == "refuse":
                return jsonify(error="invalid_client"), 401
            if self.mode == "html":
                return "<html>sign in</html>", 200, {"Content-Type": "text/html"}
            if self.mode == "no-token":
                return jsonify(token_type="Bearer"), 200
            return jsonify(
                access_token=f"tok-{request.form.get('scope', '*')}-{n}", expires_in=self.expires_in
            )

        self.app = app


@pytest.fixture
def endpoint() -> Iterator[tuple[TokenEndpoint, str]]:
    target = TokenEndpoint()
    server = ServerThread(target.app, threads=2)
    try:
        yield target, server.url
    finally:
        server.stop()


def _local_scopes(home: Path, token: str) -> frozenset[str]:
    return Issuer.from_key_file(home / "issuer-key.json").verify(token).scopes


def test_client_credentials_one_token_per_scope_set(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path
) -> None:
    ep, url = endpoint
    tokens = TargetTokens(url + "/", home=tmp_path)
    everything = tokens.token()
    narrow = tokens.token(["records:read", "custody:read"])
    assert everything == "tok-*-1" and narrow == "tok-custody:read records:read-2"
    assert tokens.source == "client-credentials"
    # Cached per scope set, whatever order the scopes come in.
    assert tokens.token(("custody:read", "records:read")) == narrow and tokens.token(None) == everything
    assert [f.get("scope") for f in ep.forms] == [None, "custody:read records:read"]
    assert ep.forms[0] == {
        "grant_type": "client_credentials",
        "client_id": ADMIN_CLIENT[0],
        "client_secret": ADMIN_CLIENT[1],
    }


def test_a_token_near_its_expiry_is_fetched_again(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path
) -> None:
    ep, url = endpoint
    ep.expires_in = 10  # inside TokenSource's 30 s margin: never reused
    tokens = TargetTokens(url, home=tmp_path)
    assert tokens.token(["records:read"]) != tokens.token(["records:read"])
    assert len(ep.forms) == 2


def test_given_client_is_sent_and_has_no_default_secret(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path
) -> None:
    ep, url = endpoint
    TargetTokens(url, client_id="vendor", home=tmp_path).token()
    TargetTokens(url, client_id="vendor", client_secret="s3cret", home=tmp_path).token()
    assert [(f["client_id"], f["client_secret"]) for f in ep.forms] == [("vendor", ""), ("vendor", "s3cret")]


@pytest.mark.parametrize("mode", ["refuse", "html", "no-token"])
def test_a_refused_credential_is_never_replaced_by_a_local_token(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path, mode: str
) -> None:
    ep, url = endpoint
    ep.mode = mode
    tokens = TargetTokens(url, home=tmp_path)
    assert tokens.token(["records:read"]) is None
    assert tokens.token(["records:read"]) is None
    assert len(ep.forms) == 1  # the refusal is remembered for that scope set
    assert f"{url}/oauth/token" in tokens.refusals[("records:read",)]
    assert not (tmp_path / "issuer-key.json").exists()  # nothing was signed locally


def test_require_names_the_token_url_and_status_in_one_line(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path
) -> None:
    ep, url = endpoint
    ep.mode = "refuse"
    with pytest.raises(InteropError) as exc:
        TargetTokens(url, home=tmp_path).require()
    message = str(exc.value)
    assert "\n" not in message and exc.value.exit_code == 2
    assert f"{url}/oauth/token" in message and "401" in message and "--auth" in message


def test_an_unreachable_token_endpoint_gives_no_token(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    tokens = TargetTokens(url, home=tmp_path)
    assert tokens.token() is None
    with pytest.raises(InteropError, match="no answer"):
        tokens.require()


def test_the_local_issuer_only_when_the_auth_file_says_so(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing there: the local issuer needs no endpoint
    tokens = TargetTokens(url, auth=AuthConfig.from_mapping({"issuer": "local"}), home=tmp_path)
    tok = tokens.token(["records:read"])
    assert tok is not None and _local_scopes(tmp_path, tok) == {"records:read"}
    assert tokens.source == "local-issuer"


def test_a_given_token_serves_full_access_but_not_narrower_scopes(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path
) -> None:
    ep, url = endpoint
    tokens = TargetTokens(url, token="vendor-token", home=tmp_path)
    assert tokens.source == "given"
    assert tokens.token() == tokens.token([]) == tokens.require() == "vendor-token"
    assert tokens.token(["records:read"]) is None  # cannot mint one for the vendor's issuer
    assert ep.forms == []  # and the target's token endpoint was never asked


# --- --auth FILE ----------------------------------------------------------------------------------


def _auth_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "auth.yaml"
    path.write_text(text)
    return path


def test_auth_file_maps_scopes_and_uses_the_products_own_token_url(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ep, url = endpoint
    monkeypatch.setenv("ACME_SECRET", "s3cret")
    config = AuthConfig.load(
        _auth_file(
            tmp_path,
            f"""
token_url: {url}/oauth/token
client_id: acme-harness
client_secret: ${{ACME_SECRET}}
scope_map:
  custody:read: CUSTODY.READ
  custody:write: CUSTODY.WRITE CUSTODY.AUDIT
token_params: {{audience: custody-api}}
headers: {{X-Api-Key: k-123}}
credentials:
  - scopes: [records:read]
    token: fixed-records-token
""",
        )
    )
    tokens = TargetTokens("http://product.invalid:1", auth=config, home=tmp_path)
    assert tokens.token(["custody:write", "custody:read"]) == "tok-CUSTODY.READ CUSTODY.WRITE CUSTODY.AUDIT-1"
    assert ep.forms[0] == {
        "grant_type": "client_credentials",
        "client_id": "acme-harness",
        "client_secret": "s3cret",
        "scope": "CUSTODY.READ CUSTODY.WRITE CUSTODY.AUDIT",
        "audience": "custody-api",
    }
    assert tokens.token(["records:read"]) == "fixed-records-token"
    assert tokens.headers == {"X-Api-Key": "k-123"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "expected a mapping"),
        ("client_id: a\nbogus: 1", "unknown key(s) bogus"),
        ("issuer: remote", "issuer may only be 'local'"),
        ("token_url: ftp://x", "token_url must be an http(s) URL"),
        (
            "client_secret: ${INTEROP_TEST_UNSET_VARIABLE}\nclient_id: a",
            "INTEROP_TEST_UNSET_VARIABLE is not set",
        ),
        ("credentials:\n  - client_id: a", "scopes must be a non-empty list"),
        ("credentials:\n  - scopes: [records:read]", "give either token or client_id"),
        ("client_id: [", "not valid YAML"),
    ],
)
def test_a_bad_auth_file_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InteropError) as exc:
        AuthConfig.load(_auth_file(tmp_path, text))
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_a_missing_auth_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(InteropError, match="does not exist"):
        AuthConfig.load(tmp_path / "nope.yaml")


# --- TokenSource, as the simulators use it to call their peers --------------------------------


@pytest.mark.parametrize("mode", ["html", "no-token"])
def test_token_source_turns_a_200_without_a_token_into_an_upstream_error(
    endpoint: tuple[TokenEndpoint, str], mode: str
) -> None:
    ep, url = endpoint
    ep.mode = mode
    with pytest.raises(UpstreamError) as exc:
        token_source_for(url, "custody-system", "custody-system-secret").token("records")
    assert exc.value.system == "records" and exc.value.status == 200
    assert "without an access token" in str(exc.value)
    assert exc.value.as_problem("look up the nominal").kind == "bad-gateway"


def test_token_source_refusal_and_timeout(endpoint: tuple[TokenEndpoint, str]) -> None:
    ep, url = endpoint
    ep.mode = "refuse"
    with pytest.raises(UpstreamError) as exc:
        token_source_for(url, "c", "s").token("records")
    assert exc.value.status == 401 and "token endpoint refused (401)" in str(exc.value)
    assert token_source_for(url, "c", "s").timeout == TokenSource(url).timeout
    assert token_source_for(url, "c", "s", timeout=10).timeout == 10


def test_token_source_tolerates_an_odd_expires_in(endpoint: tuple[TokenEndpoint, str]) -> None:
    ep, url = endpoint
    ep.expires_in = "soon"
    source = token_source_for(url, "c", "s", "records:read")
    assert source.token() == source.token() == "tok-records:read-1"  # kept for the default lifetime
