"""Who may use the console and what a page may do: password gate, CSRF tokens, response headers.

* On a loopback address without a password the console is open to local users only; the Host
  header must then name a loopback host too (a DNS-rebinding page cannot reach it).
* With a password (required on any other address) every request needs a logged-in session or
  `Authorization: Bearer <password>`.
* Every POST/PUT/PATCH/DELETE carries the session's CSRF token (form field `csrf_token` or header
  `X-CSRF-Token`); the session cookie is SameSite=Strict and HttpOnly.
* Every response forbids scripts other than the console's own files (`script-src 'self'`).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Flask, Response, abort, g, redirect, request, session, url_for

from harness.console.settings import ConsoleSettings, is_loopback

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
OPEN_ENDPOINTS = frozenset({"auth.login", "static"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'"
)
# report.html and compare pages are the harness's own self-contained files, with inline styles.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "frame-ancestors 'self'; form-action 'none'"
)


def csrf_token() -> str:
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return str(token)


def _same(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


def check_password(settings: ConsoleSettings, given: str | None) -> bool:
    return _same(given, settings.password)


def _bearer() -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, value = auth.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def install(app: Flask, settings: ConsoleSettings) -> None:
    """Wire the gate, the CSRF check and the headers into `app`."""
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # per start: a restart logs everyone out
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_NAME="interop_console",
    )

    @app.before_request
    def _gate() -> Any:
        if not settings.password and not _loopback_host(request.host):
            abort(421)  # a page on another origin resolved to our loopback port (DNS rebinding)
        g.api_client = False
        if settings.password and request.endpoint not in OPEN_ENDPOINTS:
            if check_password(settings, _bearer()):
                g.api_client = True  # a script with the token: no session, so no CSRF to check
            elif not session.get("signed_in"):
                if request.method in UNSAFE_METHODS or request.headers.get("Accept") == "text/event-stream":
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path))
        if request.method in UNSAFE_METHODS and not g.api_client:
            given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
            if not _same(given, session.get(CSRF_FIELD)):
                abort(403, "missing or wrong CSRF token: reload the page and try again")
        return None

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    app.jinja_env.globals["csrf_token"] = csrf_token


def _loopback_host(host_header: str) -> bool:
    host = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
    return is_loopback(host.strip("[]"))
