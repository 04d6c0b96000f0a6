"""The traffic log: every request and response with its spec-validation result.

It is how a force sees what a vendor's consumer product actually sent (and whether it met the
standard), readable at `/_sim/traffic`. Bodies are truncated; restricted intelligence never
reaches it because bodies of restricted-scope reads are not kept (see `redact_bodies`).

Why a writer thread: an insert and a commit per request cost ~0.7 ms and serialised every request
on SQLite's write lock. Requests now queue their entry; one thread writes the queue in batches
(one transaction each) every `FLUSH_SECONDS`, and anything that reads the log (`/_sim/traffic`,
tests, shutdown) calls `flush()` first, so a reader in the same process never misses an exchange.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any

from flask import Request, Response
from sqlalchemy import Table

from simulators.core.db import Database

MAX_BODY = 4096
FLUSH_SECONDS = 0.05
IDLE_EXIT_SECONDS = 5.0
log = logging.getLogger("interop.simulator")


def _text(data: bytes) -> str | None:
    if not data:
        return None
    text = data[:MAX_BODY].decode("utf-8", errors="replace")
    return text + ("…[truncated]" if len(data) > MAX_BODY else "")


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
) -> dict[str, Any]:
    """One exchange as a traffic-log row."""
    body = b"" if redact_bodies or response.direct_passthrough else response.get_data()
    return {
        "at": at,
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
        "request_body": None if redact_bodies else _text(request.get_data(cache=True)),
        "response_body": _text(body),
    }


class TrafficLog:
    """Queued, batched writes of exchanges to one system's traffic table."""

    def __init__(self, db: Database, table: Table) -> None:
        self._db = db
        self._table = table
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()  # guards _pending and _thread
        self._write_lock = threading.Lock()  # one batch at a time, so rows keep their order
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False

    def append(self, entry: dict[str, Any]) -> None:
        """Queue one exchange; the writer thread stores it within `FLUSH_SECONDS`."""
        with self._lock:
            if self._closed:
                return
            self._pending.append(entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="traffic-log", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Write everything queued so far, now (before the log is read)."""
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                with self._db.transaction() as s:
                    s.execute(self._table.insert(), batch)
            except Exception:  # the log must never break the exchanges it records
                log.exception("could not write %d traffic log entries", len(batch))

    def discard(self) -> None:
        """Drop what is queued (the log is being emptied)."""
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
        self.flush()

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
            self.flush()
