"""Per-request access to the records system's tables, time and change feed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from simulators.core.clock import parse_instant
from simulators.core.context import SimulatorContext, sim
from simulators.core.events import record_event
from simulators.core.problems import Problem
from simulators.records.tables import RecordsTables


def records_state(ctx: SimulatorContext) -> RecordsTables:
    """The records system's typed state (its tables) in `ctx`."""
    return ctx.system_state(RecordsTables)


def rt() -> RecordsTables:
    """The records tables of the app handling this request."""
    return records_state(sim())


def now() -> datetime:
    return sim().clock.now()


def today() -> date:
    return now().date()


def emit(s: Connection, event_type: str, resource_type: str, resource_id: str, data: dict[str, Any]) -> None:
    """Append a change-feed event inside the write's own transaction."""
    record_event(s, sim().tables.events, event_type, resource_type, resource_id, data)


def utc(dt: datetime) -> datetime:
    """A stored instant as aware UTC (SQLite hands back naive values)."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def instant(value: str, field: str, *, not_after: datetime | None = None) -> datetime:
    """Parse an instant (400 when unreadable, or after `not_after`: rule RMS-DAT-002)."""
    try:
        parsed = parse_instant(value)
    except (ValueError, OverflowError) as exc:
        raise Problem(
            "validation-error",
            f"{field} is not an ISO 8601 instant with offset.",
            rule="RMS-DAT-001",
            errors=[{"field": field, "message": str(exc)}],
        ) from exc
    if not_after is not None and parsed > not_after:
        raise Problem(
            "validation-error",
            f"{field} {value} is in the future.",
            rule="RMS-DAT-002",
            errors=[{"field": field, "message": "may not be in the future"}],
        )
    return parsed
