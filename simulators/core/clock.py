"""The injectable clock: every time-based rule asks it, never `datetime.now()`.

Tests and scenarios move time through `/_sim/clock` (freeze at an instant, or advance), so the
PACE detention clock can be checked at the boundary minute without sleeping. The setting lives
in the database so that every worker process of a simulator sees the same time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from simulators.core.state import SharedState

_KEY = "clock"


# Simulated time stays within these instants, so every rule's arithmetic on it (a detention limit
# days ahead, an age a century back) stays inside what `datetime` can hold.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "simulated time must stay from 1900-01-01T00:00:00+00:00 to 9000-01-01T00:00:00+00:00"


def check_in_range(at: datetime) -> datetime:
    """`at`, or ValueError when simulated time may not be set there."""
    if not EARLIEST <= at <= LATEST:
        raise ValueError(OUT_OF_RANGE)
    return at


def utcnow() -> datetime:
    """Real wall-clock time (UTC). Only the clock itself and infrastructure may call this."""
    return datetime.now(UTC)


def parse_instant(value: str) -> datetime:
    """Parse an ISO 8601 instant; naive values are rejected (an offset is required)."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError("timestamp needs a UTC offset, e.g. 2025-01-31T09:00:00Z")
    return dt.astimezone(UTC)


def isoformat(dt: datetime | None) -> str | None:
    """The wire format: ISO 8601 in UTC with an explicit offset, seconds precision."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    elif dt.tzinfo is not UTC:  # a dozen calls per custody record: skip work that changes nothing
        dt = dt.astimezone(UTC)
    return (dt.replace(microsecond=0) if dt.microsecond else dt).isoformat()


class Clock:
    """Simulated time = real time + offset, or a frozen instant; shared through the state table."""

    def __init__(self, state: SharedState) -> None:
        self._state = state

    def _setting(self) -> dict[str, Any]:
        return self._state.get(_KEY) or {}

    def _store(self, setting: dict[str, Any]) -> None:
        self._state.put(_KEY, setting)

    def now(self) -> datetime:
        setting = self._setting()
        if setting.get("frozen_at"):
            return parse_instant(setting["frozen_at"])
        return utcnow() + timedelta(seconds=float(setting.get("offset_seconds", 0)))

    def describe(self) -> dict[str, Any]:
        setting = self._setting()
        return {
            "now": isoformat(self.now()),
            "frozen": bool(setting.get("frozen_at")),
            "offset_seconds": float(setting.get("offset_seconds", 0)),
        }

    def freeze(self, at: datetime) -> None:
        self._store({"frozen_at": isoformat(at), "offset_seconds": 0})

    def set_now(self, at: datetime, frozen: bool) -> None:
        """Simulated time at `at` (ValueError when it is out of range), frozen there or running on."""
        check_in_range(at)
        if frozen:
            self.freeze(at)
        else:
            self._store({"offset_seconds": (at - utcnow()).total_seconds()})

    def advance(self, delta: timedelta) -> None:
        """Move simulated time on by `delta`; ValueError when that leaves the range."""
        try:
            check_in_range(self.now() + delta)
        except OverflowError as exc:
            raise ValueError(OUT_OF_RANGE) from exc
        setting = self._setting()
        if setting.get("frozen_at"):
            self._store({"frozen_at": isoformat(parse_instant(setting["frozen_at"]) + delta)})
        else:
            self._store({"offset_seconds": float(setting.get("offset_seconds", 0)) + delta.total_seconds()})

    def reset(self) -> None:
        self._store({"offset_seconds": 0})
