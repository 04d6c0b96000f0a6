"""`interop generate` and the population API: determinism, files, caching, bad input."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from simulators.population import (
    GENERATOR_VERSION,
    KINDS,
    PopulationSpec,
    ensure_population,
    generate,
    read_manifest,
    read_records,
    write_population,
)

INTEROP = [sys.executable, "-m", "harness.cli"]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    return subprocess.run([*INTEROP, *args], capture_output=True, text=True, timeout=120, env=env)


def same_files(a: Path, b: Path) -> bool:
    names = [f"{k}.jsonl" for k in KINDS] + ["manifest.json"]
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors and len(match) == len(names)


def _cli_ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run the CLI in-process; it must exit 0. Returns standard output."""
    from harness.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    captured = capsys.readouterr()
    assert exc.value.code == 0, captured.err
    return captured.out


def test_cli_is_deterministic_and_seed_sensitive(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    # Once through the installed entry point in a fresh process, twice in-process.
    r = run("generate", "--seed", "7", "--population", "2000", "--out", str(a))
    assert r.returncode == 0, r.stderr
    assert "nominals" in r.stdout and "custody_records" in r.stdout
    for out, seed in ((b, "7"), (c, "8")):
        stdout = _cli_ok(capsys, "generate", "--seed", seed, "--population", "2000", "--out", str(out))
        assert "intelligence_reports" in stdout
    assert same_files(a, b)
    for kind in KINDS[:-1]:
        assert (a / f"{kind}.jsonl").read_bytes() != (c / f"{kind}.jsonl").read_bytes(), kind
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["people"] == 2000 and manifest["version"] == GENERATOR_VERSION
    assert sum(1 for _ in (a / "nominals.jsonl").open()) == manifest["counts"]["nominals"] >= 2000


def _cli_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run the CLI in-process; it must exit 2 with exactly one 'interop: error:' line."""
    from harness.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("interop: error:"), err
    return lines[0]


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    out = str(tmp_path / "x")
    assert "--population" in _cli_error(capsys, "generate", "--population", "-5", "--out", out)
    assert "--defect-rate" in _cli_error(capsys, "generate", "--defect-rate", "1.5", "--out", out)
    assert "--defect-rate" in _cli_error(capsys, "generate", "--defect-rate", "-0.1", "--out", out)
    assert "is a file" in _cli_error(capsys, "generate", "--out", str(a_file))
    assert "offset" in _cli_error(capsys, "generate", "--reference-time", "2026-01-01T00:00:00", "--out", out)
    assert not (tmp_path / "x").exists()


def test_stream_equals_files_and_defect_rate_changes_output(tmp_path: Path):
    spec = PopulationSpec(seed=21, people=300)
    write_population(spec, tmp_path / "p")
    streamed: dict[str, list[dict]] = {k: [] for k in KINDS}
    for kind, record in generate(spec):
        streamed[kind].append(record)
    for kind in KINDS:
        assert list(read_records(tmp_path / "p", kind)) == streamed[kind]
    clean = {k: [] for k in KINDS}
    for kind, record in generate(PopulationSpec(seed=21, people=300, defect_rate=0)):
        clean[kind].append(record)
    assert clean["defects"] == [] and streamed["defects"]


def test_parallel_workers_write_identical_bytes(tmp_path: Path):
    spec = PopulationSpec(seed=4, people=10_001)  # three shards, the last with one person
    one = write_population(spec, tmp_path / "one", workers=1)
    two = write_population(spec, tmp_path / "two", workers=2)
    assert one == two
    assert same_files(tmp_path / "one", tmp_path / "two")
    # Shards number within disjoint ranges: identifiers stay unique across shard boundaries.
    nominals = list(read_records(tmp_path / "one", "nominals"))
    for key in ("nominal_id", "pnc_id", "cro_number"):
        values = [n[key] for n in nominals if n[key]]
        assert len(values) == len(set(values)), key
    for kind, key in (
        ("occurrences", "reference"),
        ("custody_records", "custody_number"),
        ("intelligence_reports", "reference"),
    ):
        values = [r[key] for r in read_records(tmp_path / "one", kind)]
        assert len(values) == len(set(values)), kind


def test_progress_reports_people(tmp_path: Path):
    seen: list[int] = []
    write_population(PopulationSpec(seed=1, people=1200), tmp_path, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1200


def test_reference_time_is_fixed_and_overridable(tmp_path: Path):
    ref = datetime(2020, 1, 1, tzinfo=UTC)
    manifest = write_population(PopulationSpec(seed=2, people=200, reference_time=ref), tmp_path)
    assert manifest["reference_time"] == "2020-01-01T00:00:00+00:00"
    latest = max(o["created_at"] for o in read_records(tmp_path, "occurrences"))
    assert latest < "2020-01-01T00:00:00+00:00"
    assert PopulationSpec(seed=2, people=200, reference_time=ref).cache_key().endswith("20200101T0000Z")


def test_ensure_population_writes_once_and_reuses(tmp_path: Path):
    spec = PopulationSpec(seed=9, people=150, defect_rate=0.1)
    folder = ensure_population(spec, tmp_path)
    assert folder == tmp_path / f"9-150-0.1-{GENERATOR_VERSION}"
    assert read_manifest(folder)["counts"]["nominals"] >= 150
    stamp = (folder / "nominals.jsonl").stat().st_mtime_ns
    assert ensure_population(spec, tmp_path) == folder
    assert (folder / "nominals.jsonl").stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [folder.name], "no temporary folders left behind"
    default = ensure_population(PopulationSpec(seed=9, people=10), tmp_path)
    assert default.name == f"9-10-default-{GENERATOR_VERSION}"


def test_ensure_population_replaces_an_incomplete_folder(tmp_path: Path):
    spec = PopulationSpec(seed=9, people=50)
    broken = tmp_path / spec.cache_key()
    broken.mkdir()
    (broken / "nominals.jsonl").write_text("half")
    folder = ensure_population(spec, tmp_path)
    assert (folder / "manifest.json").is_file()
    assert sum(1 for _ in read_records(folder, "nominals")) >= 50


@pytest.mark.parametrize(
    "kwargs",
    [
        {"people": -1},
        {"defect_rate": 1.01},
        {"defect_rate": -0.5},
        {"defect_rate": float("nan")},
        {"reference_time": datetime(2026, 1, 1)},
        {"seed": "7"},
    ],
)
def test_spec_rejects_bad_values(kwargs: dict):
    with pytest.raises(ValueError):
        PopulationSpec(**kwargs)


def test_read_records_rejects_unknown_kind(tmp_path: Path):
    with pytest.raises(ValueError):
        list(read_records(tmp_path, "vehicles"))


def test_empty_population(tmp_path: Path):
    manifest = write_population(PopulationSpec(people=0), tmp_path)
    assert manifest["counts"] == dict.fromkeys(KINDS, 0)
    assert list(generate(PopulationSpec(people=0))) == []
