"""The HTTP plumbing every inter-system client shares: tokens, timeouts, problem details.

A client is what one system uses to call another exactly as a vendor product would: it gets a
token by client credentials at the provider's own `/oauth/token`, sends JSON, and turns every
failure into `UpstreamError` (with the provider's problem details when it sent some), so the
calling simulator can answer with a clear 502/503/504 and write nothing half-done.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests

from simulators.core.problems import Problem

DEFAULT_TIMEOUT = 5.0


class UpstreamError(Exception):
    """A call to another system failed: down, timed out, refused, or answered unexpectedly."""

    def __init__(
        self, system: str, message: str, status: int | None = None, problem: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.system = system
        self.status = status
        self.problem = problem or {}

    @property
    def unavailable(self) -> bool:
        return self.status is None or self.status >= 500

    def as_problem(self, action: str) -> Problem:
        """The problem a simulator answers with when a peer failed during `action`."""
        kind = "gateway-timeout" if "timed out" in str(self) else "bad-gateway"
        if self.status in (None, 503):
            kind = "service-unavailable" if self.status == 503 or "failed" in str(self) else kind
        return Problem(
            kind,
            f"Could not {action}: the {self.system} system failed ({self}). Nothing was changed.",
            upstream={"system": self.system, "status": self.status},
        )


@dataclass
class ClientCredentials:
    client_id: str
    client_secret: str
    scope: str = ""


class TokenSource:
    """Gets and caches an access token: a fixed token, or client credentials at a token URL."""

    def __init__(
        self,
        token_url: str | None = None,
        credentials: ClientCredentials | None = None,
        static_token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.token_url = token_url
        self.credentials = credentials
        self.static_token = static_token
        self.timeout = timeout
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, token: str) -> TokenSource:
        return cls(static_token=token)

    def invalidate(self) -> None:
        with self._lock:
            self._token, self._expires = None, 0.0

    def form(self) -> dict[str, str]:
        """The client-credentials request (RFC 6749 section 4.4)."""
        assert self.credentials is not None
        form = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
        }
        if self.credentials.scope:
            form["scope"] = self.credentials.scope
        return form

    def token(self, system: str = "provider") -> str:
        if self.static_token:
            return self.static_token
        with self._lock:
            if self._token and time.monotonic() < self._expires - 30:
                return self._token
            if not self.token_url or not self.credentials:
                raise UpstreamError(system, "no token URL or credentials configured")
            try:
                resp = requests.post(self.token_url, data=self.form(), timeout=self.timeout)
            except requests.RequestException as exc:
                raise UpstreamError(system, f"token endpoint {self.token_url} unreachable: {exc}") from exc
            if resp.status_code != 200:
                raise UpstreamError(
                    system,
                    f"token endpoint refused ({resp.status_code}): {resp.text[:200]}",
                    resp.status_code,
                )
            try:
                body = resp.json()
            except ValueError:
                body = None
            token = body.get("access_token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise UpstreamError(
                    system,
                    f"token endpoint answered {resp.status_code} without an access token",
                    resp.status_code,
                )
            try:
                lifetime = float(body.get("expires_in", 300))
            except (TypeError, ValueError):
                lifetime = 300.0
            self._token = token
            self._expires = time.monotonic() + lifetime
            return self._token


class ServiceClient:
    """Base of the typed clients: JSON over HTTP with a bearer token and a clear error model."""

    system = "provider"

    def __init__(
        self,
        base_url: str,
        tokens: TokenSource,
        timeout: float = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.timeout = timeout
        self.http = session or requests.Session()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
        allow_404: bool = False,
    ) -> requests.Response | None:
        """Send one request; return the response when its status is expected (None for an allowed 404)."""
        hdrs = {"Accept": "application/json", "Authorization": f"Bearer {self.tokens.token(self.system)}"}
        hdrs.update(headers or {})
        url = self.base_url + path
        try:
            resp = self.http.request(
                method,
                url,
                params={k: v for k, v in (params or {}).items() if v is not None},
                json=json,
                headers=hdrs,
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise UpstreamError(self.system, f"{method} {path} timed out after {self.timeout}s") from exc
        except requests.RequestException as exc:
            raise UpstreamError(self.system, f"{method} {path} failed: {type(exc).__name__}") from exc
        if resp.status_code == 401 and not self.tokens.static_token:
            self.tokens.invalidate()
        if resp.status_code in expect:
            return resp
        if allow_404 and resp.status_code == 404:
            return None
        problem: dict[str, Any] = {}
        if resp.headers.get("Content-Type", "").split(";")[0].strip() in (
            "application/problem+json",
            "application/json",
        ):
            try:
                problem = resp.json()
            except ValueError:
                problem = {}
        detail = problem.get("detail") if isinstance(problem, dict) else None
        raise UpstreamError(
            self.system,
            f"{method} {path} answered {resp.status_code}: {detail or resp.reason}",
            resp.status_code,
            problem if isinstance(problem, dict) else {},
        )

    def json_or_none(self, resp: requests.Response | None) -> Any:
        if resp is None:
            return None
        try:
            return resp.json()
        except ValueError as exc:
            raise UpstreamError(
                self.system, f"answered {resp.status_code} with a body that is not JSON", resp.status_code
            ) from exc


def token_source_for(
    peer_url: str, client_id: str, client_secret: str, scope: str = "", *, timeout: float = DEFAULT_TIMEOUT
) -> TokenSource:
    """Client credentials at the peer's own token endpoint: what a real integration does."""
    return TokenSource(
        token_url=peer_url.rstrip("/") + "/oauth/token",
        credentials=ClientCredentials(client_id, client_secret, scope),
        timeout=timeout,
    )
