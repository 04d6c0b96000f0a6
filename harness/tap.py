"""The tap: a recording, bounding proxy the harness puts between every suite and the target.

Why: the verdict must rest on what the product really answered, whatever suite asked. Every
exchange of a run passes here, so (1) what is read from a target is bounded in size and time (a
product that answers 100 MB or never finishes gets a finding, not a stalled harness), and (2)
subscribers such as the domain oracle (harness/oracle/) see every response of every suite.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import requests

from harness.relay import HOP_BY_HOP, answer, failure, read_request
from simulators.core.server import ServerThread


@dataclass(frozen=True)
class TappedExchange:
    """One request the harness sent to the target, and what came back."""

    method: str
    url: str  # the real target URL (never the tap's port)
    path: str  # relative to the target's base URL, without the query
    query: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int | None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    truncated: bool = False
    error: str | None = None
    seconds: float = 0.0
    suite: str = ""

    def header(self, name: str) -> str:
        lname = name.lower()
        return next((v for k, v in self.response_headers.items() if k.lower() == lname), "")

    def json(self) -> Any:
        """The response body as JSON, or None (not JSON, cut short, or empty)."""
        return None if self.truncated else _loads(self.response_body)

    def request_json(self) -> Any:
        return _loads(self.request_body)


def _loads(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


# --- the proxy ------------------------------------------------------------------------------------

MAX_BODY_BYTES = 8 * 1024 * 1024  # a page of the standard is a few hundred KB; 8 MiB is generous
MAX_SECONDS = 30.0  # for the whole answer, headers and body
CHUNK = 64 * 1024


class TargetTap:
    """A loopback proxy in front of one target; suites are given `url` instead of the target's.

    Requests pass through unchanged apart from `extra_headers` (the product's API keys from
    `--auth`, added where the request has none of that name); answers pass through byte for byte,
    Content-Encoding included, unless they break a bound: then the suite gets a 502/504 problem
    that says so, and `limit_findings()` reports it once per operation.
    """

    def __init__(
        self,
        target_url: str,
        *,
        extra_headers: dict[str, str] | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_seconds: float = MAX_SECONDS,
    ) -> None:
        self.target_url = target_url.rstrip("/")
        self.extra_headers = dict(extra_headers or {})
        self.max_body_bytes = max_body_bytes
        self.max_seconds = max_seconds
        self.suite = ""  # set by the run before each suite: every exchange is attributed to one
        self._subscribers: list[Callable[[TappedExchange], None]] = []
        self._lock = threading.Lock()
        self._server: ServerThread | None = None
        self._http = requests.Session()
        self.breaches: list[TappedExchange] = []  # answers cut or abandoned at a bound

    @property
    def url(self) -> str:
        assert self._server is not None, "the tap is not running"
        return self._server.url

    def subscribe(self, callback: Callable[[TappedExchange], None]) -> None:
        self._subscribers.append(callback)

    def start(self) -> TargetTap:
        self._server = ServerThread(self.wsgi, threads=16)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._http.close()

    def __enter__(self) -> TargetTap:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def public(self, text: str) -> str:
        """`text` with the tap's address replaced by the target's (reproductions outlive the tap)."""
        return text.replace(self.url, self.target_url) if self._server is not None else text

    # -- forwarding --------------------------------------------------------------------------------

    def forward(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> _Answer:
        sent = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
        present = {k.lower() for k in sent}
        sent.update({k: v for k, v in self.extra_headers.items() if k.lower() not in present})
        url = self.target_url + path + (f"?{query}" if query else "")
        started = time.monotonic()
        answer = self._fetch(method, url, sent, body, started)
        exchange = TappedExchange(
            method=method,
            url=url,
            path=path,
            query=query,
            request_headers=sent,
            request_body=body,
            status=answer.status,
            response_headers=answer.headers,
            response_body=_decoded(answer.headers, answer.body, self.max_body_bytes),
            truncated=answer.truncated,
            error=answer.error,
            seconds=time.monotonic() - started,
            suite=self.suite,
        )
        if answer.truncated or (answer.error and "within" in answer.error):
            with self._lock:
                self.breaches.append(exchange)
        for callback in self._subscribers:
            try:
                callback(exchange)
            except Exception:  # noqa: BLE001 - an observer's bug must not break the exchange it watched
                logging.getLogger(__name__).exception("tap subscriber failed")
        return answer

    def _fetch(self, method: str, url: str, headers: dict[str, str], body: bytes, started: float) -> _Answer:
        try:
            resp = self._http.request(
                method,
                url,
                headers=headers,
                data=body or None,
                timeout=(5.0, self.max_seconds),
                allow_redirects=False,
                stream=True,
            )
        except requests.Timeout:
            return _Answer(None, error=f"the target did not answer within {self.max_seconds:g}s")
        except requests.RequestException as exc:
            reason = (
                "connection refused or host unreachable"
                if isinstance(exc, requests.ConnectionError)
                else type(exc).__name__
            )
            return _Answer(None, error=f"the target did not answer: {reason}")
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() - started > self.max_seconds:
                    return _Answer(
                        resp.status_code,
                        dict(resp.headers),
                        b"".join(chunks),
                        truncated=True,
                        error=f"the target did not finish its answer within {self.max_seconds:g}s",
                    )
                chunk = resp.raw.read(CHUNK, decode_content=False)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_body_bytes:
                    return _Answer(
                        resp.status_code,
                        dict(resp.headers),
                        b"".join(chunks)[: self.max_body_bytes],
                        truncated=True,
                        error=f"the answer was larger than {self.max_body_bytes:,} bytes; "
                        "the rest was not read",
                    )
        except requests.RequestException as exc:
            return _Answer(resp.status_code, dict(resp.headers), b"".join(chunks), error=type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - urllib3 raises its own errors on a broken stream
            return _Answer(resp.status_code, dict(resp.headers), b"".join(chunks), error=type(exc).__name__)
        finally:
            resp.close()
        return _Answer(resp.status_code, dict(resp.headers), b"".join(chunks))

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = read_request(environ)
        got = self.forward(request.method, request.path, request.query, request.headers, request.body)
        if got.status is None or got.truncated:
            status = 504 if got.error and "within" in got.error else 502
            title = "The harness stopped reading the target's answer"
            return failure(start_response, status, title, got.error or "the target did not answer")
        return answer(start_response, got.status, got.headers, got.body)


@dataclass
class _Answer:
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    error: str | None = None


def _decoded(headers: dict[str, str], body: bytes, limit: int) -> bytes:
    """The body as the product meant it (gzip/deflate undone, never beyond `limit` bytes)."""
    encoding = next((v for k, v in headers.items() if k.lower() == "content-encoding"), "").strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return body
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    try:
        return zlib.decompressobj(wbits).decompress(body, limit)
    except zlib.error:
        return body
