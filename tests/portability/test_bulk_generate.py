"""`interop generate --format bulk` (issue 25, item 4): the seeded world in the standard's bulk format,
byte for byte what an export of a freshly seeded simulator gives, and importable as it is."""

from __future__ import annotations

import json

import pytest

from harness.bulk_world import write_bulk_world
from harness.cli import main
from simulators.clients.bulk import BulkClient
from tests.simkit import POPULATION_CACHE, start_system


def test_the_bulk_world_is_a_fresh_records_export_and_imports_cleanly(tmp_path) -> None:
    manifests = write_bulk_world(5, 30, None, tmp_path / "world", population_cache=POPULATION_CACHE)
    assert set(manifests) == {"records", "custody", "intelligence"}
    source = start_system("records", tmp_path / "seeded", population=30, seed=5)
    target = start_system("records", tmp_path / "empty", population=0)
    try:
        exported = BulkClient(source.url, source.headers("records:export")).export()
        world = manifests["records"]
        assert [(o["type"], o["count"], o["sha256"]) for o in world["output"]] == [
            (o["type"], o["count"], o["sha256"]) for o in exported["output"]
        ]
        files = {o["type"]: tmp_path / "world" / "records" / o["url"] for o in world["output"]}
        job = BulkClient(target.url, target.headers("records:import")).import_files(
            files, expect=world["output"]
        )
        assert job["state"] == "completed" and job["refused"] == 0 and job["imported"] > 30
    finally:
        source.stop()
        target.stop()
    on_disk = json.loads((tmp_path / "world" / "records" / "manifest.json").read_text())
    assert on_disk == manifests["records"]


def test_generate_format_bulk_refuses_a_reference_time(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as ended:
        main(
            [
                "generate",
                "--format",
                "bulk",
                "--reference-time",
                "2026-01-01T00:00:00Z",
                "--out",
                str(tmp_path),
            ]
        )
    assert ended.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--reference-time cannot be used with --format bulk" in err[0]
