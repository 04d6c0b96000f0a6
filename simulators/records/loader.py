"""Bulk-load the seeded population's nominals and occurrences (with their POLE links).

Values are stored **as recorded**, defects included: duplicates are separate nominals, partial
dates of birth and non-canonical postcodes stay as they are, so consumers meet what a force's
legacy data really holds. No change-feed events: the feed starts empty after a load. Link ids are
derived (uuid5) from (occurrence, person, role), so a reload gives the same ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from simulators.core.context import SimulatorContext
from simulators.domain import codelists
from simulators.records.context import TABLES_KEY
from simulators.records.nominals import name_key_rows, row_values

BATCH = 5000
_NS = uuid.UUID("0d6c2f0e-6a53-4c1b-8f53-7f1f4c6b2a10")


def _t(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def _batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def nominal_row(src: dict[str, Any]) -> dict[str, Any]:
    created = _t(src.get("created_at"))
    values = row_values({**src, "warning_markers": [
        {"code": m["code"], "description": m.get("description") or codelists.WARNING_MARKERS.get(m["code"], m["code"]),
         "added_on": m.get("added_on")} for m in src.get("warning_markers") or []]})
    return {"nominal_id": src["nominal_id"], **values, "merged_ids": [], "merged_into": None, "version": 1,
            "created_at": created, "updated_at": created}


def occurrence_rows(src: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    created = _t(src.get("created_at")) or _t(src["reported_at"])
    outcome = src.get("outcome") or None
    row = {
        "occurrence_id": src["occurrence_id"], "reference": src["reference"], "type": src["type"],
        "classification_code": src["classification"]["code"], "classification_title": src["classification"]["title"],
        "summary": src.get("summary"), "occurred_from": _t(src["occurred_from"]),
        "occurred_to": _t(src.get("occurred_to")), "reported_at": _t(src["reported_at"]),
        "location": src.get("location"), "status": src["status"],
        "outcome_code": outcome["code"] if outcome else None, "outcome_title": outcome["title"] if outcome else None,
        "version": 1, "created_at": created, "updated_at": created,
    }
    links = []
    seen = set()
    for link in src.get("links") or []:
        key = (link["nominal_id"], link["role"])
        if key in seen:
            continue
        seen.add(key)
        links.append({
            "link_id": str(uuid.uuid5(_NS, f"{src['occurrence_id']}/{link['nominal_id']}/{link['role']}")),
            "occurrence_id": src["occurrence_id"], "entity_type": "person", "nominal_id": link["nominal_id"],
            "object_id": None, "location_id": None, "role": link["role"], "created_at": created,
        })
    return row, links


def load_population(ctx: SimulatorContext, folder: Path) -> None:
    """Insert nominals (with name keys) and occurrences (with links) in batches, in one transaction each."""
    from simulators.population import read_records

    t = ctx.extras[TABLES_KEY]
    with ctx.db.transaction() as s:
        for batch in _batches(read_records(folder, "nominals")):
            rows = [nominal_row(src) for src in batch]
            s.execute(t.nominals.insert(), rows)
            keys = [k for src, row in zip(batch, rows, strict=True) for k in name_key_rows(src["nominal_id"], row)]
            for chunk in _batches(keys):
                s.execute(t.name_keys.insert(), chunk)
    with ctx.db.transaction() as s:
        for batch in _batches(read_records(folder, "occurrences")):
            converted = [occurrence_rows(src) for src in batch]
            s.execute(t.occurrences.insert(), [row for row, _ in converted])
            links = [lk for _, lks in converted for lk in lks]
            for chunk in _batches(links):
                s.execute(t.links.insert(), chunk)
