"""Bulk export and import of custody and intelligence (issue 25, item 1): a migration into an empty
system reproduces every entity field by field, history (timelines, superseded versions, the access
audit) included. Only what is derived at read time (a custody clock, a report's review_overdue) is
left out of the comparison: the importing system derives it again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from simulators.clients.bulk import BulkClient
from simulators.core.spec import load_spec
from tests.simkit import RunningSim, start_system

DERIVED = {"clock", "review_overdue"}
ID_FIELD = {
    "custody_record": "custody_id",
    "custody_event": "entry_id",
    "report": "report_id",
    "report_version": None,
    "audit_entry": "audit_id",
}


def _key(type_name: str, line: dict[str, Any]) -> str:
    field = ID_FIELD[type_name]
    return f"{line['report_id']}/{line['version']}" if field is None else str(line[field])


def _by_id(files: dict[str, Path]) -> dict[str, dict[str, dict[str, Any]]]:
    out = {}
    for type_name, path in files.items():
        lines = [json.loads(raw) for raw in path.read_bytes().splitlines() if raw.strip()]
        out[type_name] = {_key(type_name, line): line for line in lines}
    return out


def _migrate(source: RunningSim, target: RunningSim, folder: Path) -> tuple[dict, dict, dict]:
    scopes = f"{source.system}:export {source.system}:import"
    a, b = BulkClient(source.url, source.headers(scopes)), BulkClient(target.url, target.headers(scopes))
    manifest = a.export()
    files = a.download(manifest, folder / "a")
    job = b.import_files(files, mode="per-record", expect=manifest["output"])
    return job, _by_id(files), _by_id(b.download(b.export(), folder / "b"))


def _assert_same(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for type_name, entities in a.items():
        assert set(entities) == set(b[type_name]), type_name
        for ident, line in entities.items():
            for field, value in line.items():
                if field not in DERIVED:
                    assert b[type_name][ident][field] == value, f"{type_name} {ident} {field}"


@pytest.fixture
def pair(request, tmp_path):  # type: ignore[no-untyped-def]
    system = request.param
    source = start_system(system, tmp_path / "source", population=40)
    target = start_system(system, tmp_path / "target", population=0)
    yield source, target, tmp_path
    source.stop()
    target.stop()


@pytest.mark.parametrize("pair", ["custody"], indirect=True)
def test_custody_records_and_timelines_survive_a_migration(pair) -> None:  # type: ignore[no-untyped-def]
    source, target, folder = pair
    job, a, b = _migrate(source, target, folder)
    assert job["state"] == "completed" and job["refused"] == 0, job
    assert a["custody_record"] and a["custody_event"]
    _assert_same(a, b)
    # The custody number counters moved past every imported number, so a new booking never reuses one.
    tabs = target.ctx.extras["custody_tables"]
    with target.ctx.db.session() as s:
        counters = dict(s.execute(tabs.counters.select()).all())
    for record in a["custody_record"].values():
        prefix, year, number = record["custody_number"].split("-")
        assert counters[f"{prefix}-{year}"] >= int(number)


@pytest.mark.parametrize("pair", ["intelligence"], indirect=True)
def test_reports_versions_and_audit_survive_a_migration(pair) -> None:  # type: ignore[no-untyped-def]
    source, target, folder = pair
    scopes = "intelligence:read intelligence:read:restricted intelligence:write"
    report = source.get("/reports?limit=1", scopes).json()["items"][0]
    regrade = load_spec("intelligence")["paths"]["/reports/{report_id}"]["patch"]["requestBody"]["content"]
    body = next(iter(next(iter(regrade.values()))["examples"].values()))["value"]
    read = source.get(f"/reports/{report['report_id']}", scopes)
    answer = requests.patch(
        f"{source.url}/reports/{report['report_id']}",
        json=body,
        headers={
            **source.headers(scopes),
            "If-Match": read.headers["ETag"],
            "Content-Type": "application/merge-patch+json",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    job, a, b = _migrate(source, target, folder)
    assert job["state"] == "completed" and job["refused"] == 0, job
    assert a["report_version"] and a["audit_entry"] and a["report"]
    _assert_same(a, b)
    assert a["report"][report["report_id"]]["text"]  # the original text travels with the export
