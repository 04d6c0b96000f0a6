"""Bulk-load the population's custody records (all historic and released), with their timelines.

No change-feed events: the feed starts empty after a load. Reviews and extensions become timeline
entries, exactly as if they had been recorded through the API. Custody number counters start after
the highest loaded number, so new bookings never collide with history.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, overload

from simulators.core.context import SimulatorContext
from simulators.custody import clock as pace
from simulators.custody.store import custody_state, detention_of

BATCH = 2000
_NUMBER = re.compile(r"^(.+)-([0-9]{4})-([0-9]+)$")
_NS = uuid.UUID("6f1d8a52-3c1e-4d6b-9d7a-1b0c2e3f4a5b")


#: Seeded pre-charge bail runs 4 weeks, well inside the 3-month initial period (docs/domain.md 2.3).
SEEDED_BAIL_DAYS = 28


def _seeded_bail(outcome: dict[str, Any]) -> dict[str, Any] | None:
    """A return day for a seeded pre-charge bail (so it can be extended through the API)."""
    if outcome.get("type") != "bailed":
        return None
    day = date.fromisoformat(str(outcome["decided_at"])[:10]) + timedelta(days=SEEDED_BAIL_DAYS)
    return {"return_date": day.isoformat(), "return_to": None, "conditions": []}


@overload
def _t(value: str) -> datetime: ...
@overload
def _t(value: None) -> None: ...
def _t(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _sub_id(custody_id: str, kind: str, index: int) -> str:
    return str(uuid.uuid5(_NS, f"{custody_id}/{kind}/{index}"))


def _officer(o: dict[str, Any] | None) -> dict[str, Any] | None:
    if not o:
        return None
    return {
        "name": o.get("name") or "unknown",
        "collar_number": o.get("collar_number"),
        "rank": o.get("rank"),
    }


def convert(src: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One population custody record -> (row, timeline rows)."""
    cid = src["custody_id"]
    authorised_at = _t(src.get("detention_authorised_at"))
    reviews_src = sorted(src.get("reviews") or [], key=lambda r: r["reviewed_at"])
    review_times = [_t(r["reviewed_at"]) for r in reviews_src]
    dues = pace.review_due_times(authorised_at, review_times)
    reviews = []
    for i, r in enumerate(reviews_src):
        at = review_times[i]
        due = dues[i] if i < len(dues) else None
        reviews.append(
            {
                "review_id": _sub_id(cid, "review", i),
                "number": i + 1,
                "reviewed_at": r["reviewed_at"],
                "reviewer": _officer(r.get("reviewer")),
                "decision": r.get("decision") or "continue_detention",
                "due_by": due.isoformat() if due else None,
                "on_time": None if due is None else at <= due,
                "medium": "in_person",
                "postponement_reason": None,
                "representations": None,
                "notes": None,
            }
        )
    extensions = [
        {
            "extension_id": _sub_id(cid, "extension", i),
            "authorised_at": e["authorised_at"],
            "until": e["until"],
            "authorised_by": _officer(e.get("by")),
            "grounds": None,
            "offence_indictable": True,
            "representations": None,
        }
        for i, e in enumerate(src.get("extensions") or [])
    ]
    outcome_src = src.get("outcome") or None
    outcome = None
    if outcome_src:
        charges = list(src.get("offences") or []) if outcome_src.get("type") == "charged" else []
        outcome = {
            "type": outcome_src["type"],
            "decided_at": outcome_src["decided_at"],
            "decided_by": None,
            "detail": outcome_src.get("detail"),
            "charges": charges,
            "bail": _seeded_bail(outcome_src),
            "transfer_to": None,
        }
    detainee_src = src.get("detainee") or {}
    released_at = _t(src.get("released_at"))
    authorisation = None
    if authorised_at is not None:
        authorisation = {
            "authorised_at": src["detention_authorised_at"],
            "authorised_by": _officer(src.get("authorised_by")),
            "grounds": None,
            "detainee_informed": None,
            "not_informed_reason": None,
        }
    row: dict[str, Any] = {
        "custody_id": cid,
        "custody_number": src["custody_number"],
        "nominal_id": src["nominal_id"],
        "occurrence_id": src.get("occurrence_id"),
        "station_code": src["station"]["code"],
        "station": {"code": src["station"]["code"], "name": src["station"]["name"]},
        "detainee": {
            "nominal_id": src["nominal_id"],
            "pnc_id": src.get("pnc_id"),
            "surname": detainee_src.get("surname"),
            "forenames": list(detainee_src.get("forenames") or []),
            "date_of_birth": detainee_src.get("date_of_birth"),
            "identified_by": "population",
        },
        "arrest": {**src["arrest"], "officer": _officer(src["arrest"].get("officer"))},
        "offences": list(src.get("offences") or []),
        "arrested_at": _t(src["arrest"]["arrested_at"]),
        "arrived_at": _t(src["arrived_at"]),
        "arrested_outside_force_area": False,
        "voluntary_attendance": False,
        "relevant_time": _t(src["relevant_time"]),
        "booked_in_by": None,
        "detention_authorised_at": authorised_at,
        "authorisation": authorisation,
        "rights": [],
        "risk_assessments": [],
        "property": [],
        "reviews": reviews,
        "extensions": extensions,
        "warrants": [],
        "outcome": outcome,
        "released_at": released_at,
        "records_sync": {
            "status": "delivered",
            "attempts": 0,
            "last_attempt_at": None,
            "last_error": None,
            "delivered_at": src.get("released_at"),
        },
        "version": 1,
        "created_at": _t(src["arrived_at"]),
        "updated_at": released_at or _t(src["arrived_at"]),
    }
    d = detention_of(row)
    limit, _ = pace.detention_limit(d)
    row.update(
        status="released" if released_at else ("detained" if authorised_at else "booked_in"),
        detention_limit=limit,
        next_review_due=pace.next_review_due(d),
    )
    return row, _timeline(row, src)


def _timeline(row: dict[str, Any], src: dict[str, Any]) -> list[dict[str, Any]]:
    cid = row["custody_id"]
    out = []

    def add(
        type_: str, at: datetime | None, by: dict[str, Any] | None, summary: str, data: dict[str, Any]
    ) -> None:
        if at is not None:
            out.append(
                {
                    "custody_id": cid,
                    "type": type_,
                    "at": at,
                    "recorded_at": at,
                    "by": by,
                    "summary": summary,
                    "data": data,
                }
            )

    add(
        "booked_in",
        row["arrived_at"],
        None,
        f"Booked in at {row['station']['name']} ({row['custody_number']})",
        {"custody_number": row["custody_number"], "nominal_id": row["nominal_id"]},
    )
    if row["authorisation"]:
        add(
            "detention_authorised",
            row["detention_authorised_at"],
            row["authorisation"]["authorised_by"],
            "Detention authorised",
            {},
        )
    for r in row["reviews"]:
        add(
            "reviewed",
            _t(r["reviewed_at"]),
            r["reviewer"],
            f"Review {r['number']}: {r['decision']}",
            {"review_id": r["review_id"], "due_by": r["due_by"]},
        )
    for e in row["extensions"]:
        add(
            "extension_authorised",
            _t(e["authorised_at"]),
            e["authorised_by"],
            f"Detention extended to {e['until']} (s.42)",
            {"extension_id": e["extension_id"], "until": e["until"]},
        )
    if row["outcome"]:
        add(
            "outcome_recorded",
            _t(row["outcome"]["decided_at"]),
            None,
            f"Outcome: {row['outcome']['type']}",
            {"outcome": row["outcome"]["type"]},
        )
    if row["released_at"]:
        add("released", row["released_at"], None, "Released; custody record closed", {})
    out.sort(key=lambda e: e["at"])
    return out


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_population(ctx: SimulatorContext, folder: Path | str) -> None:
    """Insert every population custody record (executemany in batches), then set the counters."""
    from simulators.population import read_records

    tabs = custody_state(ctx)
    counters: dict[str, int] = {}
    with ctx.db.transaction() as s:
        for batch in _batches(read_records(Path(folder), "custody_records"), BATCH):
            rows, timeline = [], []
            for src in batch:
                row, entries = convert(src)
                rows.append(row)
                timeline.extend(entries)
                m = _NUMBER.match(row["custody_number"])
                if m:
                    key = f"{m.group(1)}-{m.group(2)}"
                    counters[key] = max(counters.get(key, 0), int(m.group(3)))
            s.execute(tabs.records.insert(), rows)
            if timeline:
                s.execute(tabs.timeline.insert(), timeline)
        s.execute(tabs.counters.delete())
        if counters:
            s.execute(tabs.counters.insert(), [{"key": k, "value": v} for k, v in sorted(counters.items())])
