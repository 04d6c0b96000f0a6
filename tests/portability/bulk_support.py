"""Shared helpers of the bulk API tests: a seeded records system with merges, aliases and POLE links
made through the API, and reading an export back as {type: {id: line}}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulators.clients.bulk import BulkClient
from tests.simkit import RunningSim

EXPORT = "records:export"
IMPORT = "records:import"
RW = "records:read records:write"


def client(sim: RunningSim, scopes: str = f"{EXPORT} {IMPORT} records:read") -> BulkClient:
    return BulkClient(sim.url, sim.headers(scopes))


def add_history(sim: RunningSim) -> dict[str, str]:
    """Changes through the API that a migration must keep: an alias, a merge, object and location links."""
    base = {
        "sex": "female",
        "date_of_birth": "1979-05-06",
        "address": {"line1": "3 Kirk Gate", "town": "Leeds", "postcode": "LS2 7DJ"},
    }
    survivor = sim.post(
        "/nominals",
        RW,
        json={
            **base,
            "surname": "Abbott",
            "forenames": ["Ruth"],
            "aliases": [{"surname": "Abbot", "forenames": ["Ruthie"]}],
        },
    ).json()
    duplicate = sim.post("/nominals", RW, json={**base, "surname": "Abott", "forenames": ["Ruth"]}).json()
    merged = sim.post(
        f"/nominals/{survivor['nominal_id']}/merges",
        RW,
        json={"duplicate_id": duplicate["nominal_id"], "reason": "keying error"},
    )
    assert merged.status_code == 200, merged.text
    occ = sim.get("/occurrences?limit=1", "records:read").json()["items"][0]
    for body in (
        {"object": {"kind": "telephone", "identifier": "07700 900123"}, "role": "used_in_offence"},
        {"location": {"line1": "Car park, Station Road", "town": "Leeds"}, "role": "scene"},
        {"nominal_id": survivor["nominal_id"], "role": "witness"},
    ):
        answer = sim.post(f"/occurrences/{occ['occurrence_id']}/links", RW, json=body)
        assert answer.status_code in (200, 201), answer.text
    return {
        "survivor": survivor["nominal_id"],
        "duplicate": duplicate["nominal_id"],
        "occurrence": occ["occurrence_id"],
    }


ID_FIELD = {"nominal": "nominal_id", "merge": "merge_id", "occurrence": "occurrence_id"}


def by_id(files: dict[str, Path]) -> dict[str, dict[str, dict[str, Any]]]:
    """{type: {id: line}} of downloaded export files."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for type_name, path in files.items():
        lines = [json.loads(raw) for raw in path.read_bytes().splitlines() if raw.strip()]
        out[type_name] = {line[ID_FIELD[type_name]]: line for line in lines}
    return out
