"""Every exchange of every system, newest last, followed live for the traffic page.

A poller thread reads each system's `/_sim/traffic` after the last exchange it has seen, and only
while someone is watching (a traffic page or stream asked within `IDLE_SECONDS`): an unwatched
console sends the systems nothing. Entries are what the systems logged, kept as data; the
templates escape them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from harness.console.systems import SimError, Systems
from simulators.core.paging import encode_cursor

KEEP = 2000  # exchanges held in memory, across systems
PAGES_PER_POLL = 10  # a burst of traffic is read over several polls, never in one go
BACKLOG = 200  # exchanges read from before the console started watching a system
IDLE_SECONDS = 30.0


@dataclass(frozen=True)
class TrafficFilter:
    """What the traffic page shows: by system, client id, status (`404`, `4xx`) and validity."""

    system: str = ""
    client: str = ""
    status: str = ""
    invalid_only: bool = False

    @classmethod
    def from_args(cls, args: Any) -> TrafficFilter:
        return cls(
            system=str(args.get("system", "")).strip(),
            client=str(args.get("client", "")).strip(),
            status=str(args.get("status", "")).strip().lower(),
            invalid_only=str(args.get("invalid_only", "")).lower() in ("1", "true", "on", "yes"),
        )

    def matches(self, entry: dict[str, Any]) -> bool:
        if self.system and entry.get("system") != self.system:
            return False
        if self.client and entry.get("client_id") != self.client:
            return False
        if self.status and not _status_matches(self.status, entry.get("status")):
            return False
        return not (self.invalid_only and is_valid(entry))

    def query(self) -> dict[str, str]:
        out = {"system": self.system, "client": self.client, "status": self.status}
        if self.invalid_only:
            out["invalid_only"] = "on"
        return {k: v for k, v in out.items() if v}


def is_valid(entry: dict[str, Any]) -> bool:
    return entry.get("request_valid") is not False and entry.get("response_valid") is not False


def _status_matches(wanted: str, status: Any) -> bool:
    text = str(status)
    if len(wanted) == 3 and wanted.endswith("xx"):
        return text[:1] == wanted[:1]
    return text == wanted


class TrafficFeed:
    def __init__(self, systems: Systems, poll_seconds: float = 0.5, keep: int = KEEP) -> None:
        self.systems = systems
        self.poll_seconds = poll_seconds
        self._entries: deque[dict[str, Any]] = deque(maxlen=keep)
        self._last_seq: dict[str, int | None] = {s: None for s in systems.names}
        self._count = 0  # feed-wide number of the newest entry
        self._cond = threading.Condition()
        self._watched_at = 0.0
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.errors: dict[str, str] = {}

    # watching ---------------------------------------------------------------------------------
    def watch(self) -> None:
        """Someone is looking: make sure the poller runs (it stops itself when nobody is)."""
        with self._cond:
            self._watched_at = time.monotonic()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="console-traffic", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._cond:
                if time.monotonic() - self._watched_at > IDLE_SECONDS:
                    self._thread = None
                    return
            self.poll_once()
            self._stopping.wait(self.poll_seconds)

    def stop(self) -> None:
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()

    # reading the systems ----------------------------------------------------------------------
    def poll_once(self) -> int:
        """Read what each system logged since the last poll; how many new exchanges."""
        added = 0
        for system in self.systems.names:
            try:
                added += self._poll_system(system)
                self.errors.pop(system, None)
            except SimError as exc:
                self.errors[system] = str(exc)
        return added

    def _poll_system(self, system: str) -> int:
        added = 0
        if self._last_seq.get(system) is None:
            start = self._tail_start(system)
            with self._cond:
                self._last_seq[system] = start
        for _ in range(PAGES_PER_POLL):
            last = self._last_seq.get(system)
            page = self.systems.traffic(system, encode_cursor(last) if last is not None else None)
            items = [
                i for i in page.get("items", []) if isinstance(i, dict) and isinstance(i.get("seq"), int)
            ]
            if items:
                with self._cond:
                    for item in items:
                        self._count += 1
                        self._entries.append({**item, "system": system, "n": self._count})
                    self._last_seq[system] = items[-1]["seq"]
                    self._cond.notify_all()
                added += len(items)
            if not items or not page.get("next_cursor"):
                break
        return added

    def _tail_start(self, system: str) -> int:
        """Where the newest `BACKLOG` exchanges of a log begin, found with one-row reads.

        The log reads oldest first only; reading a long history to reach its end would cost the
        system far more than these ~2 log2(N) indexed probes for the newest sequence number.
        """

        def any_after(seq: int) -> bool:
            return bool(self.systems.traffic(system, encode_cursor(seq), limit=1).get("items"))

        if not any_after(0):
            return 0
        low, high = 0, 1024
        while any_after(high):
            low, high = high, high * 2
        while high - low > 1:  # any_after(low) and not any_after(high): the newest is `high`
            mid = (low + high) // 2
            low, high = (mid, high) if any_after(mid) else (low, mid)
        return max(0, high - BACKLOG)

    def forget(self, system: str) -> None:
        """The system's log was emptied (reset): follow it again from its start."""
        with self._cond:
            self._last_seq[system] = None

    # reading the feed -------------------------------------------------------------------------
    @property
    def latest(self) -> int:
        return self._count

    def newest_first(self, flt: TrafficFilter, limit: int = 200) -> list[dict[str, Any]]:
        with self._cond:
            entries = list(self._entries)
        out = []
        for entry in reversed(entries):
            if flt.matches(entry):
                out.append(entry)
                if len(out) >= limit:
                    break
        return out

    def after(self, n: int) -> list[dict[str, Any]]:
        """Entries newer than feed number `n`, oldest first."""
        with self._cond:
            return [e for e in self._entries if e["n"] > n]

    def wait_after(self, n: int, timeout: float) -> list[dict[str, Any]]:
        with self._cond:
            if self._count <= n:
                self._cond.wait(timeout)
        return self.after(n)

    def find(self, system: str, seq: int) -> dict[str, Any] | None:
        with self._cond:
            for entry in reversed(self._entries):
                if entry["system"] == system and entry["seq"] == seq:
                    return entry
        return None
