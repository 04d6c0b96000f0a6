"""`TargetTokens`: a given token, client credentials at the target's token endpoint, or the local issuer.

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

from harness.auth import ADMIN_CLIENT, TargetTokens
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
    assert tokens.source == "unknown"
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
def test_no_client_credentials_falls_back_to_the_local_issuer_once(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path, mode: str
) -> None:
    ep, url = endpoint
    ep.mode = mode
    tokens = TargetTokens(url, home=tmp_path)
    tok = tokens.token(["records:read"])
    assert tok is not None and _local_scopes(tmp_path, tok) == {"records:read"}
    assert tokens.source == "local-issuer"
    assert tokens.token(["records:read"]) == tok
    assert len(ep.forms) == 1  # the refusal is remembered for that scope set


def test_an_unreachable_token_endpoint_falls_back_to_the_local_issuer(tmp_path: Path) -> None:
    tokens = TargetTokens(f"http://127.0.0.1:{free_port()}", home=tmp_path)
    tok = tokens.token()
    assert tok is not None and "records:read" in _local_scopes(tmp_path, tok)
    assert tokens.source == "local-issuer"


def test_a_given_token_serves_full_access_but_not_narrower_scopes(
    endpoint: tuple[TokenEndpoint, str], tmp_path: Path
) -> None:
    ep, url = endpoint
    ep.mode = "refuse"
    tokens = TargetTokens(url, token="vendor-token", home=tmp_path)
    assert tokens.source == "given"
    assert tokens.token() == tokens.token([]) == "vendor-token"
    assert tokens.token(["records:read"]) is None  # cannot mint one for the vendor's issuer
    assert tokens.source == "given" and len(ep.forms) == 1
    ep.mode = "ok"
    assert tokens.token(["custody:read"]) == "tok-custody:read-2"


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
