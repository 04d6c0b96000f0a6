"""Bulk export and import of the records system (issue 25, item 1): a migration reproduces the
system exactly, the manifest is right, `since` is incremental, the modes and refusals behave as the
standard says, and the export quirks change the export as described."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema_rs
import pytest
import requests

from simulators.clients.bulk import BulkClient, BulkError
from simulators.core.spec import load_spec
from simulators.records.nominals import IDENTITY_DETAILS
from tests.portability.bulk_support import EXPORT, IMPORT, add_history, by_id, client
from tests.simkit import start_system


@pytest.fixture(scope="module")
def systems(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A seeded records system with history made through the API, and an empty one."""
    home = tmp_path_factory.mktemp("bulk-records")
    source = start_system("records", home / "source", population=40)
    target = start_system("records", home / "target", population=0)
    made = add_history(source)
    yield source, target, made, home
    source.stop()
    target.stop()


@pytest.fixture(scope="module")
def exported(systems):  # type: ignore[no-untyped-def]
    source, _target, _made, home = systems
    bulk = client(source)
    manifest = bulk.export()
    return manifest, bulk.download(manifest, home / "export-a")


@pytest.fixture(scope="module")
def migrated(systems, exported):  # type: ignore[no-untyped-def]
    """The export imported into the empty system, all-or-nothing, then exported from there."""
    _source, target, _made, home = systems
    manifest, files = exported
    bulk = client(target)
    job = bulk.import_files(files, expect=manifest["output"])
    again = bulk.export()
    return job, again, bulk.download(again, home / "export-b")


def test_the_migration_reproduces_every_entity_field_by_field(systems, exported, migrated) -> None:
    _manifest, files = exported
    job, _again, files_b = migrated
    assert job["state"] == "completed" and job["refused"] == 0, job
    a, b = by_id(files), by_id(files_b)
    assert set(a) == set(b) == {"nominal", "merge", "occurrence"}
    for type_name, entities in a.items():
        assert set(entities) == set(b[type_name]), type_name
        for ident, line in entities.items():
            for field, value in line.items():
                assert b[type_name][ident][field] == value, f"{type_name} {ident} {field}"
    assert job["imported"] == sum(len(e) for e in a.values())


def test_the_migrated_system_answers_reads_as_the_source_did(systems, migrated) -> None:
    source, target, made, _home = systems
    for path in (
        f"/nominals/{made['duplicate']}",
        f"/nominals/{made['survivor']}",
        f"/occurrences/{made['occurrence']}",
    ):
        mine, theirs = source.get(path, "records:read"), target.get(path, "records:read")
        assert mine.status_code == theirs.status_code == 200
        assert mine.json() == theirs.json()
        assert mine.headers["ETag"] == theirs.headers["ETag"]
    # Name search works on the migrated system (name keys were rebuilt), aliases included.
    found = target.get("/nominals?surname=Abbot&forename=Ruthie", "records:read").json()["items"]
    assert made["survivor"] in [n["nominal_id"] for n in found]


def test_the_export_holds_merges_aliases_links_and_versions(exported, systems) -> None:
    _source, _target, made, _home = systems
    _manifest, files = exported
    a = by_id(files)
    duplicate = a["nominal"][made["duplicate"]]
    assert duplicate["merged_into"] == made["survivor"] and duplicate["version"] == 2
    survivor = a["nominal"][made["survivor"]]
    assert {al["surname"] for al in survivor["aliases"]} >= {"Abbot", "Abott"}
    assert [m["duplicate_id"] for m in a["merge"].values()] == [made["duplicate"]]
    kinds = {lk["entity_type"] for lk in a["occurrence"][made["occurrence"]]["links"]}
    assert {"object", "location", "person"} <= kinds
    # The identity details of 1.1.0 travel (the field-by-field test above compares them after import).
    for detail in IDENTITY_DETAILS:
        assert any(n[detail] is not None for n in a["nominal"].values()), detail
    # Survivors come before the nominals merged into them.
    order = [json.loads(raw)["nominal_id"] for raw in files["nominal"].read_bytes().splitlines()]
    assert order.index(made["survivor"]) < order.index(made["duplicate"])


def test_the_manifest_counts_and_hashes_are_right(exported) -> None:
    manifest, files = exported
    assert [o["type"] for o in manifest["output"]] == ["nominal", "merge", "occurrence"]
    for entry in manifest["output"]:
        data = files[entry["type"]].read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["count"] == data.count(b"\n") and entry["bytes"] == len(data)
    assert manifest["expires_at"] > manifest["completed_at"]


def test_every_line_validates_against_the_standard(exported) -> None:
    _manifest, files = exported
    spec = load_spec("records")
    for type_name, schema in (
        ("nominal", "BulkNominal"),
        ("merge", "BulkMerge"),
        ("occurrence", "BulkOccurrence"),
    ):
        validator = jsonschema_rs.Draft202012Validator(
            {"$ref": f"#/components/schemas/{schema}", "components": spec["components"]}
        )
        for raw in files[type_name].read_bytes().splitlines():
            validator.validate(json.loads(raw))


def test_since_exports_only_what_changed(systems, exported) -> None:
    source, _target, _made, _home = systems
    manifest, _files = exported
    # A second after the export (instants are exchanged to the second), then a change after that.
    since = (datetime.fromisoformat(manifest["transaction_time"]) + timedelta(seconds=1)).isoformat()
    source.sim("POST", "/clock/advance", json={"seconds": 5})
    created = source.post(
        "/nominals",
        "records:read records:write",
        json={
            "surname": "Quinn",
            "forenames": ["Aoife"],
            "sex": "female",
            "date_of_birth": "1991-02-03",
            "address": {"line1": "9 Low Lane", "town": "Leeds", "postcode": "LS6 1AA"},
        },
    ).json()
    incremental = client(source).export(since=since)
    counts = {o["type"]: o["count"] for o in incremental["output"]}
    assert counts == {"nominal": 1, "merge": 0, "occurrence": 0}
    line = json.loads(
        client(source)
        .http.get(source.url + incremental["output"][0]["url"], headers=source.headers(EXPORT), timeout=10)
        .text
    )
    assert line["nominal_id"] == created["nominal_id"]


def _bad_pnc_file(files: dict[str, Path], folder: Path) -> tuple[dict[str, Path], str]:
    """The nominal file with one PNC ID's check letter made wrong."""
    lines = [json.loads(raw) for raw in files["nominal"].read_bytes().splitlines()]
    victim = next(n for n in lines if n["pnc_id"] and not n["merged_into"])
    good = victim["pnc_id"]
    victim["pnc_id"] = good[:-1] + ("A" if good[-1] != "A" else "B")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "nominal.ndjson"
    path.write_text("".join(json.dumps(n) + "\n" for n in lines))
    return {"nominal": path}, victim["nominal_id"]


def test_all_or_nothing_refuses_everything_when_one_line_is_bad(exported, tmp_path) -> None:
    _manifest, files = exported
    bad, victim = _bad_pnc_file(files, tmp_path / "bad")
    target = start_system("records", tmp_path / "empty", population=0)
    try:
        job = client(target).import_files(bad, mode="all-or-nothing")
        results = client(target).results(job)
        assert job["imported"] == 0 and job["refused"] == len(results)
        refused = {r["id"]: r for r in results}
        assert refused[victim]["rule"] == "RMS-ID-001" and refused[victim]["status"] == 400
        assert {r["rule"] for i, r in refused.items() if i != victim} == {"BULK-IMP-009"}
        assert target.get("/nominals", "records:read").json()["items"] == []
    finally:
        target.stop()


def test_per_record_imports_the_rest_and_names_the_refusal(exported, tmp_path) -> None:
    _manifest, files = exported
    bad, victim = _bad_pnc_file(files, tmp_path / "bad")
    target = start_system("records", tmp_path / "empty", population=0)
    try:
        job = client(target).import_files(bad, mode="per-record")
        results = client(target).results(job)
        refused = [r for r in results if r["outcome"] == "refused"]
        assert [(r["id"], r["rule"]) for r in refused] == [(victim, "RMS-ID-001")]
        assert job["imported"] == len(results) - 1
        assert target.get(f"/nominals/{victim}", "records:read").status_code == 404
    finally:
        target.stop()


def test_importing_what_the_system_already_holds_is_refused_as_duplicates(systems, exported) -> None:
    source, _target, _made, _home = systems
    _manifest, files = exported
    job = client(source).import_files({"merge": files["merge"]}, mode="per-record")
    assert job["imported"] == 0
    assert {r["rule"] for r in client(source).results(job)} == {"BULK-IMP-006"}


@pytest.mark.parametrize("quirk", ["export-drops-aliases", "export-rewrites-ids"])
def test_the_export_quirks_change_the_export(systems, exported, quirk, tmp_path) -> None:
    source, _target, made, _home = systems
    _manifest, files = exported
    honest = by_id(files)["nominal"]
    assert source.sim("PUT", "/quirks", json={"active": [quirk]}).status_code == 200
    try:
        bulk = client(source)
        quirky = by_id(bulk.download(bulk.export(types=["nominal"]), tmp_path))["nominal"]
    finally:
        source.sim("PUT", "/quirks", json={"active": []})
    if quirk == "export-drops-aliases":
        assert honest[made["survivor"]]["aliases"] and not quirky[made["survivor"]]["aliases"]
        assert all(n["aliases"] == [] for n in quirky.values())
    else:
        with_pnc = [i for i, n in honest.items() if n["pnc_id"]]
        assert with_pnc
        for ident in with_pnc:
            long, short = honest[ident]["pnc_id"], quirky[ident]["pnc_id"]
            assert short != long and short.split("/")[0] == long[2:4]
            assert short[-1] == long[-1] and int(short.split("/")[1][:-1]) == int(long[5:12])


def test_refusals_carry_their_rule_ids(systems, exported) -> None:
    source, _target, _made, _home = systems
    manifest, _files = exported
    bulk = client(source)

    def refused(method: str, path: str, **kw) -> tuple[int, str | None]:  # type: ignore[no-untyped-def]
        answer = requests.request(
            method, source.url + path, headers={**bulk.headers, **kw.pop("headers", {})}, timeout=10, **kw
        )
        return answer.status_code, answer.json().get("rule")

    assert refused("POST", "/bulk/exports", json={"types": ["person"]}) == (400, "BULK-EXP-001")
    assert refused("POST", "/bulk/exports", json={"since": "2999-01-01T00:00:00+00:00"}) == (
        400,
        "BULK-EXP-002",
    )
    missing = "00000000-0000-4000-8000-000000000000"
    assert refused("GET", f"/bulk/exports/{missing}") == (404, "BULK-EXP-004")
    assert refused("GET", f"/bulk/imports/{missing}") == (404, "BULK-IMP-005")
    job = bulk.create_import("per-record")
    upload = f"/bulk/imports/{job['import_id']}/files/"
    ndjson = {"Content-Type": "application/x-ndjson"}
    assert refused("POST", upload + "person", data=b"{}\n", headers=ndjson) == (400, "BULK-IMP-001")
    assert refused("POST", upload + "nominal", data=b"{}", headers=ndjson) == (400, "BULK-IMP-003")
    assert refused("GET", f"/bulk/imports/{job['import_id']}/results") == (409, "BULK-IMP-002")
    start = f"/bulk/imports/{job['import_id']}/start"
    assert refused("POST", start, json={"expect": [{"type": "nominal", "count": 3}]}) == (422, "BULK-IMP-010")
    bulk.start_import(job["import_id"])
    assert refused("POST", upload + "nominal", data=b"{}\n", headers=ndjson) == (409, "BULK-IMP-002")
    # The export's files expire a day later (in the system's time), then answer 410.
    source.sim("POST", "/clock/advance", json={"hours": 25})
    assert refused("GET", manifest["output"][0]["url"]) == (410, "BULK-EXP-003")
    # Cancel: the export is gone from then on.
    assert (
        requests.delete(
            source.url + f"/bulk/exports/{manifest['export_id']}", headers=bulk.headers, timeout=10
        ).status_code
        == 202
    )
    assert refused("GET", f"/bulk/exports/{manifest['export_id']}") == (404, "BULK-EXP-004")


def test_bulk_operations_need_their_scopes(systems) -> None:
    source, _target, _made, _home = systems
    with pytest.raises(BulkError) as caught:
        BulkClient(source.url, source.headers("records:read records:write")).export()
    assert caught.value.status == 403
    assert source.post("/bulk/imports", EXPORT, json={}).status_code == 403
    assert source.post("/bulk/imports", IMPORT, json={}).status_code == 201
