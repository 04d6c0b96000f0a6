"""The auth proxy between the pact verifier and the target.

A pact carries an example bearer token; the target needs a real one, with the scopes the consumer
really has. The verifier can only add the same header to every request, which would also give a
token to the interactions that must have none (the consumer without a token, expecting 401). So
the verifier talks to this loopback proxy instead: a request that carries an Authorization header
is sent on with a real token for the current consumer, one without is sent on without, and
everything else passes through byte for byte. The proxy also records each exchange (for the
finding's curl command and the body the target really sent) and turns a target that is down or
too slow into a clear 502/504 answer, instead of a verifier error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import requests

from harness.relay import HOP_BY_HOP, answer, failure, read_request
from simulators.core.server import ServerThread

# The verifier gets the body decoded (requests undoes gzip), so its encoding is not passed on either.
DROPPED = HOP_BY_HOP | {"content-encoding"}
BODY_KEEP = 4000


@dataclass
class Exchange:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    error: str | None = None  # "unreachable" / "timeout" explanation when the target did not answer
    seconds: float = 0.0

    @property
    def content_type(self) -> str:
        for key, value in self.response_headers.items():
            if key.lower() == "content-type":
                return value
        return ""


class AuthProxy:
    def __init__(self, target_url: str, *, timeout: float = 10.0) -> None:
        self.target_url = target_url.rstrip("/")
        self.timeout = timeout
        self.token: str | None = None  # what requests that carry a token are sent with
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._server: ServerThread | None = None
        self.http = requests.Session()

    @property
    def url(self) -> str:
        assert self._server is not None, "the proxy is not running"
        return self._server.url

    def start(self) -> AuthProxy:
        self._server = ServerThread(self.wsgi, threads=4)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def take_exchanges(self) -> list[Exchange]:
        with self._lock:
            taken, self.exchanges = self.exchanges, []
        return taken

    def forward(self, method: str, uri: str, headers: dict[str, str], body: bytes) -> Exchange:
        sent = {k: v for k, v in headers.items() if k.lower() not in DROPPED}
        if any(k.lower() == "authorization" for k in sent):
            sent = {k: v for k, v in sent.items() if k.lower() != "authorization"}
            if self.token:
                sent["Authorization"] = f"Bearer {self.token}"
        exchange = Exchange(method, self.target_url + uri, sent, body)
        try:
            resp = self.http.request(
                method,
                exchange.url,
                headers=sent,
                data=body or None,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            exchange.error = f"the target did not answer within {self.timeout:g}s"
        except requests.RequestException as exc:
            reason = (
                "connection refused or host unreachable"
                if isinstance(exc, requests.ConnectionError)
                else type(exc).__name__
            )
            exchange.error = f"the target did not answer: {reason}"
        else:
            exchange.status = resp.status_code
            exchange.response_headers = dict(resp.headers)
            exchange.response_body = resp.content
            exchange.seconds = resp.elapsed.total_seconds()
        with self._lock:
            self.exchanges.append(exchange)
        return exchange

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = read_request(environ)
        exchange = self.forward(request.method, request.uri, request.headers, request.body)
        if exchange.error or exchange.status is None:
            status = 504 if exchange.error and "within" in exchange.error else 502
            return failure(start_response, status, "The target did not answer", exchange.error or "no answer")
        return answer(
            start_response, exchange.status, exchange.response_headers, exchange.response_body, DROPPED
        )
