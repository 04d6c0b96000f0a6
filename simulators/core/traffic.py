"""The traffic log: every request and response with its spec-validation result.

It is how a force sees what a vendor's consumer product actually sent (and whether it met the
standard), readable at `/_sim/traffic`. Bodies are truncated; restricted intelligence never
reaches it because bodies of restricted-scope reads are not kept (see `redact_bodies`).

Why a writer thread: an insert and a commit per request cost ~0.7 ms and serialised every request
on SQLite's write lock. Requests now queue their entry; one thread writes the queue in batches
(one transaction each) every `FLUSH_SECONDS`, and anything that reads the log (`/_sim/traffic`,
tests, shutdown) calls `flush()` first, so a reader in the same process never misses an exchange.

In response validation's default "log" mode the writer also validates each response (a `check`
queued with its entry, see validation.deferred_check) before it stores the entry: a breach is
still recorded (`response_valid` false, the messages in `errors`) and logged, but the request that
caused it was answered without waiting for it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Request, Response
from sqlalchemy import Table

from simulators.core.db import Database

MAX_BODY = 4096
FLUSH_SECONDS = 0.05
# A sibling worker's writer wakes, gathers for FLUSH_SECONDS and commits: twice that, and more.
SIBLING_SETTLE_SECONDS = 3 * FLUSH_SECONDS
WORKERS_VAR = "INTEROP_WORKERS"  # set by simulators/serve.py for its workers
IDLE_EXIT_SECONDS = 5.0
log = logging.getLogger("interop.simulator")


def _text(data: bytes) -> str | None:
    if not data:
        return None
    text = data[:MAX_BODY].decode("utf-8", errors="replace")
    return text + ("…[truncated]" if len(data) > MAX_BODY else "")


TOKEN_PATH = "/oauth/token"


def token_request_client(request: Request) -> str | None:
    """The client id a token request names (form or Basic credentials): who asked, even if refused."""
    auth = request.headers.get("Authorization") or ""
    if auth.lower().startswith("basic "):
        try:
            return base64.b64decode(auth[6:].strip()).decode().partition(":")[0][:128] or None
        except (ValueError, UnicodeDecodeError):
            return None
    return (request.form.get("client_id") or "")[:128] or None


def bearer_client(request: Request, signed_client: Callable[[str], str | None]) -> str | None:
    """The client of a bearer token this system signed (`signed_client`: the issuer's), on a request
    no operation attributed: an undocumented path, or a refusal (an expired token's 401). A token
    it did not sign is not attributed."""
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return signed_client(token.strip())
    except Exception:  # malformed beyond what the decoder reports: not attributed
        return None


def _token_request_body(request: Request) -> str | None:
    """A token request's form without its secret: which scopes were asked for is what a judge needs."""
    form = list(request.form.items(multi=True)) or parse_qsl(
        request.get_data(cache=True).decode("utf-8", "replace")
    )
    pairs = [(k, v) for k, v in form if k != "client_secret"]
    return urlencode(pairs)[:MAX_BODY] or None


def _token_response_body(body: bytes) -> str | None:
    """A token answer without the token itself (what was granted and for how long stays)."""
    try:
        data = json.loads(body)
    except ValueError:
        return _text(body)
    if isinstance(data, dict) and "access_token" in data:
        data["access_token"] = "[redacted]"
    return _text(json.dumps(data).encode())


def traffic_entry(
    request: Request,
    response: Response,
    *,
    at: datetime,
    client_id: str | None,
    operation: str | None,
    duration_ms: float,
    request_valid: bool | None,
    response_valid: bool | None,
    errors: list[Any],
    redact_bodies: bool = False,
    signed_client: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """One exchange as a traffic-log row.

    `client_id` comes from the verified token; a token request is attributed to the client it
    names, and its secret is never kept. `started_at` is wall-clock time (the simulated clock in
    `at` may be frozen or moved), so a consumer's timing (bursts, retries) can be judged.
    """
    body = b"" if redact_bodies or response.direct_passthrough else response.get_data()
    token_request = request.path == TOKEN_PATH
    if token_request:
        client_id = client_id or token_request_client(request)
    elif signed_client and client_id is None and (operation is None or response.status_code == 401):
        client_id = bearer_client(request, signed_client)
    request_body = None
    if token_request:
        request_body = _token_request_body(request)
    elif not redact_bodies:
        request_body = _text(request.get_data(cache=True))
    return {
        "at": at,
        "started_at": datetime.now(UTC) - timedelta(milliseconds=duration_ms),
        "client_id": client_id,
        "method": request.method,
        "path": request.path,
        # A redacted exchange may have searched restricted text (`q=`): keep no query either.
        "query": "" if redact_bodies else request.query_string.decode("utf-8", errors="replace")[:2048],
        "operation": operation,
        "status": response.status_code,
        "duration_ms": round(duration_ms, 3),
        "request_valid": request_valid,
        "response_valid": response_valid,
        "errors": errors,
        "request_body": request_body,
        "response_body": _token_response_body(body) if token_request else _text(body),
        "retry_after": (response.headers.get("Retry-After") or None) and response.headers["Retry-After"][:64],
    }


Check = Callable[[], list[str]]


def _checked(entry: dict[str, Any], check: Check | None) -> dict[str, Any]:
    """The entry with its deferred response validation's outcome filled in."""
    if check is None:
        return entry
    try:
        messages = check()
    except Exception:  # a validator failure must not lose the exchange: recorded as unchecked
        log.exception("could not validate the response to %s %s", entry.get("method"), entry.get("path"))
        return entry
    entry["response_valid"] = not messages
    if messages:
        entry["errors"] = [*entry.get("errors", []), *({"response": m} for m in messages)]
    return entry


class TrafficLog:
    """Queued, batched writes of exchanges to one system's traffic table."""

    def __init__(self, db: Database, table: Table) -> None:
        self._db = db
        self._table = table
        self._pending: list[tuple[dict[str, Any], Check | None]] = []
        self._lock = threading.Lock()  # guards _pending and _thread
        self._write_lock = threading.Lock()  # one batch at a time, so rows keep their order
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._siblings = int(os.environ.get(WORKERS_VAR) or 1) > 1

    def append(self, entry: dict[str, Any], check: Check | None = None) -> None:
        """Queue one exchange; the writer thread stores it within `FLUSH_SECONDS`, after running
        `check` (the response's validation, when deferred) to fill in `response_valid`."""
        with self._lock:
            if self._closed:
                return
            self._pending.append((entry, check))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="traffic-log", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Write everything queued so far, now (before the log is read).

        With sibling worker processes (`interop up --workers N`) their queues are not this
        process's to write: a reader then also waits out one writer round (`SIBLING_SETTLE_SECONDS`),
        by when each sibling has stored what it answered before this read began."""
        self._write()
        if self._siblings:
            time.sleep(SIBLING_SETTLE_SECONDS)

    def _write(self) -> None:
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return
            rows = [_checked(entry, check) for entry, check in batch]
            try:
                with self._db.transaction() as s:
                    s.execute(self._table.insert(), rows)
            except Exception:  # the log must never break the exchanges it records
                log.exception("could not write %d traffic log entries", len(batch))

    def discard(self) -> None:
        """Drop what is queued (the log is being emptied). With sibling workers, first wait out one
        writer round, so what they answered before the log was emptied is emptied with it."""
        if self._siblings:
            time.sleep(SIBLING_SETTLE_SECONDS)
        with self._write_lock, self._lock:
            self._pending = []

    def close(self) -> None:
        """Write what is queued and stop the writer thread (at shutdown)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join(timeout=10)
        self._write()

    def _run(self) -> None:
        while not self._closed:
            if not self._wake.wait(IDLE_EXIT_SECONDS):
                with self._lock:  # idle: let the thread go; the next append starts another
                    if not self._pending:
                        self._thread = None
                        return
                continue
            self._wake.clear()
            time.sleep(FLUSH_SECONDS)  # let a burst gather into one batch (one commit)
            self._write()
