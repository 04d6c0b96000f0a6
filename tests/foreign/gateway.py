"""A product that is not one of our simulators: a vendor-style gateway in front of one of them.

Real products differ from the reference in ways the standard allows: their own identity provider
(opaque tokens, vendor-named scopes, token endpoint elsewhere), no test-support endpoints, and
HTTP/JSON freedoms (see variations.py). The gateway plays such a product by forwarding to a
simulator (`upstream`), so a test can tell whether the harness judges the standard or merely our
implementation of it. `applied` counts each variation that really changed a response, so a test
can show that it was exercised.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import requests
import yaml

from simulators.clients.base import TokenSource, UpstreamError, token_source_for
from simulators.core.auth import SCOPES
from simulators.core.spec import load_spec
from tests.foreign import variations as v
from tests.foreign.http_server import HeaderPreservingServer

Transform = Callable[[str, str, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]

UPSTREAM_CLIENT = ("interop-admin", "interop-admin-secret")  # the simulator's own client for the gateway
TOKEN_PATH = "/idp/token"
TOKEN_TTL_S = 3600
DROPPED_REQUEST = {
    "host",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "accept-encoding",
    "te",
}
DROPPED_RESPONSE = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "date",
    "server",
}


def vendor_scope(scope: str) -> str:
    """The product's name for a standard scope: `custody:read` -> `CUSTODY.READ`."""
    return scope.upper().replace(":", ".")


VENDOR_SCOPES = {vendor_scope(s): s for s in SCOPES}


def _problem(status: int, title: str, detail: str) -> tuple[int, dict[str, str], bytes]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return status, {"Content-Type": "application/problem+json"}, json.dumps(body).encode()


def _oauth_error(status: int, error: str, description: str) -> tuple[int, dict[str, str], bytes]:
    body = {"error": error, "error_description": description}
    return (
        status,
        {"Content-Type": "application/json", "Cache-Control": "no-store"},
        json.dumps(body).encode(),
    )


class Gateway:
    """Context manager: the gateway served on 127.0.0.1 on a free port, forwarding to `upstream`."""

    VARIATIONS = v.ALL

    def __init__(
        self,
        upstream: str,
        *,
        hide_sim: bool = True,
        own_auth: bool = True,
        variations: Iterable[str] = (),
        transform: Transform | None = None,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.hide_sim = hide_sim
        self.own_auth = own_auth
        self.variations = frozenset(variations)
        unknown = self.variations - set(v.ALL)
        if unknown:
            raise ValueError(f"unknown variations {sorted(unknown)}; choose from {', '.join(v.ALL)}")
        self.transform = transform
        self.clients: dict[str, tuple[str, str]] = {
            "harness": ("acme-harness", "acme-harness-secret"),
            "reader": ("acme-reader", "acme-reader-secret"),
        }
        self._allowed = {
            "acme-harness": frozenset(VENDOR_SCOPES),
            "acme-reader": frozenset(vendor_scope(s) for s in SCOPES if s.endswith(":read")),
        }
        self._tokens: dict[str, tuple[frozenset[str], float]] = {}  # opaque token -> (vendor scopes, expiry)
        self._upstream_tokens: dict[frozenset[str], TokenSource] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._extra: v.ExtraFields | None = None
        self.applied: Counter[str] = Counter()
        self._server: HeaderPreservingServer | None = None
        self.url = ""
        self.token_url = ""

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Gateway:
        if v.EXTRA_FIELDS in self.variations:
            system = requests.get(self.upstream + "/health", timeout=10).json()["system"]
            self._extra = v.ExtraFields(load_spec(system))
        self._server = HeaderPreservingServer(self.wsgi)
        self.url = self._server.url
        self.token_url = self.url + TOKEN_PATH
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Gateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def auth_file(self, path: Path) -> Path:
        """Writes the `interop verify --auth` file for this gateway (its token URL, client, scope names)."""
        client_id, secret = self.clients["harness"]
        reader_id, reader_secret = self.clients["reader"]
        document = {
            "token_url": self.token_url,
            "client_id": client_id,
            "client_secret": secret,
            "scope_map": {s: vendor_scope(s) for s in SCOPES},
            "credentials": [
                {"scopes": [s], "client_id": reader_id, "client_secret": reader_secret}
                for s in SCOPES
                if s.endswith(":read")
            ],
        }
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path

    # --- the product -------------------------------------------------------------------------

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO") or "/"
        uri = environ.get("REQUEST_URI") or path
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        status, out_headers, out_body = self.answer(method, path, uri, headers, body)
        return self._send(method, path, headers, status, out_headers, out_body, start_response)

    def answer(
        self, method: str, path: str, uri: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """The gateway's own answer, or the upstream's (after `transform`)."""
        if self.hide_sim and (path == "/_sim" or path.startswith("/_sim/")):
            return _problem(404, "Not Found", f"No resource at {path}.")
        if self.own_auth:
            if path == "/oauth/token":
                return _problem(404, "Not Found", f"No resource at {path}.")
            if path == TOKEN_PATH:
                return self._issue(method, headers, body)
            auth = headers.get("Authorization")
            if auth is not None:
                scopes = self._scopes_of(auth)
                if scopes is None:
                    status, hdrs, data = _problem(401, "Unauthorized", "The access token is not valid here.")
                    hdrs["WWW-Authenticate"] = 'Bearer realm="acme", error="invalid_token"'
                    return status, hdrs, data
                try:
                    headers["Authorization"] = "Bearer " + self._upstream_token(scopes)
                except UpstreamError as exc:
                    return _problem(502, "Bad Gateway", f"The identity service failed: {exc}")
        status, out_headers, out_body = self._forward(method, uri, headers, body)
        if self.transform is not None:
            status, out_headers, out_body = self.transform(method, path, status, out_headers, out_body)
        return status, out_headers, out_body

    def _issue(self, method: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Client credentials (RFC 6749 section 4.4), form-encoded, with the product's scope names."""
        if method != "POST":
            return _oauth_error(405, "invalid_request", "Use POST.")
        form = {k: vals[0] for k, vals in parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported.")
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = headers.get("Authorization", "")
        if basic.lower().startswith("basic "):
            with contextlib.suppress(ValueError, binascii.Error):
                client_id, _, secret = base64.b64decode(basic[6:].strip()).decode().partition(":")
                client_id, secret = unquote_plus(client_id), unquote_plus(secret)
        known = dict(self.clients.values())
        if known.get(client_id) is None or not secrets.compare_digest(known[client_id], secret):
            return _oauth_error(401, "invalid_client", "Unknown client or wrong secret.")
        allowed = self._allowed[client_id]
        requested = frozenset((form.get("scope") or "").split()) or allowed
        refused = sorted(requested - allowed)
        if refused:
            return _oauth_error(400, "invalid_scope", f"Not allowed: {' '.join(refused)}.")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (requested, time.monotonic() + TOKEN_TTL_S)
        data = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL_S,
            "scope": " ".join(sorted(requested)),
        }
        return (
            200,
            {"Content-Type": "application/json", "Cache-Control": "no-store"},
            json.dumps(data).encode(),
        )

    def _scopes_of(self, authorization: str) -> frozenset[str] | None:
        """The standard scopes behind one of the gateway's tokens; None for any other token."""
        kind, _, token = authorization.partition(" ")
        with self._lock:
            found = self._tokens.get(token.strip()) if kind.lower() == "bearer" else None
        if found is None or found[1] < time.monotonic():
            return None
        return frozenset(VENDOR_SCOPES[s] for s in found[0])

    def _upstream_token(self, scopes: frozenset[str]) -> str:
        with self._lock:
            source = self._upstream_tokens.get(scopes)
            if source is None:
                source = self._upstream_tokens[scopes] = token_source_for(
                    self.upstream, *UPSTREAM_CLIENT, " ".join(sorted(scopes)), timeout=10
                )
        return source.token("upstream")

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _forward(
        self, method: str, uri: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {k: val for k, val in headers.items() if k.lower() not in DROPPED_REQUEST}
        try:
            resp = self._session().request(
                method,
                self.upstream + uri,
                headers=sent,
                data=body or None,
                timeout=30,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return _problem(502, "Bad Gateway", f"The upstream did not answer: {type(exc).__name__}")
        out = {
            k: val.replace(self.upstream, self.url)
            for k, val in resp.headers.items()
            if k.lower() not in DROPPED_RESPONSE
        }
        return resp.status_code, out, resp.content.replace(self.upstream.encode(), self.url.encode())

    # --- variations --------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        request_headers: dict[str, str],
        status: int,
        headers: dict[str, str],
        body: bytes,
        start_response: Callable[..., Any],
    ) -> Iterable[bytes]:
        chosen = self.variations
        if body and v.is_json(headers) and chosen & {v.EXTRA_FIELDS, v.KEY_ORDER, v.WHITESPACE}:
            body = self._vary_json(method, path, status, v.media_type(headers), body)
        if v.CHARSET in chosen and v.is_json(headers):
            headers = v.with_charset(headers)
            self._count(v.CHARSET)
        if v.GZIP in chosen and body and v.accepts_gzip(request_headers.get("Accept-Encoding", "")):
            headers, body = v.gzipped(headers, body)
            self._count(v.GZIP)
        listed = list(headers.items())
        pieces = [body]
        if v.CHUNKED in chosen and body:
            pieces = v.chunks(body)
            self._count(v.CHUNKED)
        elif status >= 200 and status not in (204, 304):  # RFC 9110 section 8.6: none on these
            listed.append(("Content-Length", str(len(body))))
        if v.HEADER_CASE in chosen:
            listed = v.recased(listed)
            self._count(v.HEADER_CASE)
        start_response(f"{status} {_reason(status)}", listed)
        return pieces

    def _vary_json(self, method: str, path: str, status: int, kind: str, body: bytes) -> bytes:
        try:
            value = json.loads(body)
        except ValueError:
            return body
        if v.EXTRA_FIELDS in self.variations and self._extra is not None:
            value, added = self._extra.apply(method, path, status, kind, value)
            if added:
                self._count(v.EXTRA_FIELDS)
        if v.KEY_ORDER in self.variations:
            value = v.reorder_keys(value)
            self._count(v.KEY_ORDER)
        if v.WHITESPACE in self.variations:
            self._count(v.WHITESPACE)
        return v.serialise(value, v.WHITESPACE in self.variations)

    def _count(self, name: str) -> None:
        with self._lock:
            self.applied[name] += 1


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
