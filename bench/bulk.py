"""Bulk export and import of the records system (issue 25): rates for the whole population and the
peak memory of each, against a process that only opens the same simulator.

Each measurement runs in its own child process (`python -m bench.bulk <mode> ...`) that reports its
own peak RSS (`resource.getrusage(RUSAGE_SELF).ru_maxrss`), so the figure is the export's or the
import's alone, not the population load's:
- `open`: the records simulator on the loaded database, nothing else (the memory baseline);
- `export`: the same, then every entity type written as NDJSON (simulators/core/bulk/exporter.py);
- `import`: an empty records simulator importing those files all-or-nothing
  (simulators/core/bulk/importer.py), every line judged by the domain rules.
Bounded memory is the point: the export and the import must not grow with the population.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.results import Figure, below

#: Peak RSS of an export or an import of 100,000 people: the simulator's own target (bench/runner.py).
MEMORY_TARGET_MB = 300.0
#: At most this much above the process that only opened the simulator (bounded memory).
GROWTH_TARGET_MB = 100.0
#: A force's whole records system moves in minutes, not hours.
EXPORT_TARGET_S = 300.0
IMPORT_TARGET_S = 600.0
CHILD_TIMEOUT_S = 3600.0


def _config(home: Path, people: int, seed: int, cache: Path) -> Any:
    from simulators.core.config import SimConfig

    return SimConfig.for_system(
        "records",
        home=home,
        db_url=f"sqlite:///{home / 'records.db'}",
        population=people,
        seed=seed,
        response_validation="off",
        traffic_log=False,
        population_cache=cache,
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


def child(mode: str, home: Path, people: int, seed: int, cache: Path, files: Path) -> dict[str, Any]:
    """One measurement, in this process (run by the parent as a child)."""
    from simulators.core.bulk.exporter import write_files
    from simulators.core.bulk.jobs import JobStore
    from simulators.core.bulk.model import ExportOptions
    from simulators.records import create_app
    from simulators.records.bulk import RECORDS_BULK

    app = create_app(_config(home, people, seed, cache))
    ctx = app.extensions["interop"]
    opened = _peak_mb()
    out: dict[str, Any] = {"opened_mb": opened}
    started = time.perf_counter()
    with app.app_context():
        if mode == "export":
            files.mkdir(parents=True, exist_ok=True)
            options = ExportOptions(since=None, quirks=(), transaction_time=ctx.clock.now())
            output = write_files(ctx, RECORDS_BULK, RECORDS_BULK.names, options, files, "")
            out["counts"] = {o["type"]: o["count"] for o in output}
            out["bytes"] = sum(o["bytes"] for o in output)
        elif mode == "import":
            from simulators.core.bulk.importer import file_summary, run_import, upload_path

            store = JobStore(home, "records", "imports")
            job_id = "bench"
            store.create(
                job_id, {"import_id": job_id, "mode": "all-or-nothing", "state": "queued", "files": []}
            )
            entries = []
            for type_name in RECORDS_BULK.names:
                src = files / f"{type_name}.ndjson"
                if src.exists():
                    shutil.copyfile(src, upload_path(store, job_id, type_name))
                    entries.append({"type": type_name, **file_summary(src)})
            store.update(job_id, files=entries)
            out["copied_s"] = time.perf_counter() - started
            started = time.perf_counter()
            run_import(ctx, RECORDS_BULK, store, job_id)
            job = store.get(job_id) or {}
            out["state"] = job.get("state")
            out["imported"] = job.get("imported")
            out["refused"] = job.get("refused")
            out["error"] = job.get("error")
    out["seconds"] = time.perf_counter() - started
    out["peak_mb"] = _peak_mb()
    ctx.close()
    return out


def _run_child(mode: str, home: Path, people: int, seed: int, cache: Path, files: Path) -> dict[str, Any]:
    argv = [
        sys.executable,
        "-m",
        "bench.bulk",
        mode,
        str(home),
        str(people),
        str(seed),
        str(cache),
        str(files),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"bulk {mode} failed: {tail[0]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_bulk(
    people: int, seed: int, home: Path, log: Callable[[str], None], source_home: Path | None = None
) -> list[Figure]:
    """Export the records system of `people` people, import it into an empty one; the figures.

    `source_home` is an INTEROP_HOME whose records database already holds the population (the
    ecosystem's, when the other parts ran); otherwise the first child loads it.
    """
    cache = home / "population"
    source = source_home or home / "bulk-source"
    files = home / "bulk-files"
    target = home / "bulk-target"
    shutil.rmtree(files, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    source.mkdir(parents=True, exist_ok=True)
    log(f"  opening the records system ({people:,} people; loaded first if it is not)")
    _run_child("open", source, people, seed, cache, files)
    opened = _run_child("open", source, people, seed, cache, files)  # loaded: the memory baseline
    log("  exporting")
    exported = _run_child("export", source, people, seed, cache, files)
    log(f"  exported {sum(exported['counts'].values()):,} lines in {exported['seconds']:.1f} s; importing")
    target.mkdir(parents=True)
    imported = _run_child("import", target, 0, seed, cache, files)
    if imported.get("state") != "completed" or imported.get("refused"):
        raise RuntimeError(f"bulk import did not complete cleanly: {imported}")
    log(f"  imported {imported['imported']:,} lines in {imported['seconds']:.1f} s")
    empty = _run_child("open", target.with_name("bulk-empty"), 0, seed, cache, files)
    shutil.rmtree(files, ignore_errors=True)
    lines = sum(exported["counts"].values())
    nominals = exported["counts"].get("nominal", 0)
    note = f"{lines:,} lines ({nominals:,} nominals), {exported['bytes'] / 1e6:.0f} MB"
    return [
        Figure(
            "bulk",
            "export: people/s",
            people / exported["seconds"] if exported["seconds"] else None,
            "people/s",
            note=f"records, every entity type; {note}",
        ),
        Figure(
            "bulk",
            f"export: {people:,} people",
            exported["seconds"],
            "s",
            target=f"< {EXPORT_TARGET_S:.0f} s",
            met=below(exported["seconds"], EXPORT_TARGET_S),
        ),
        Figure(
            "bulk",
            "import: people/s",
            people / imported["seconds"] if imported["seconds"] else None,
            "people/s",
            note="all-or-nothing into an empty records system, every line judged by the domain rules",
        ),
        Figure(
            "bulk",
            f"import: {people:,} people",
            imported["seconds"],
            "s",
            target=f"< {IMPORT_TARGET_S:.0f} s",
            met=below(imported["seconds"], IMPORT_TARGET_S),
        ),
        _memory("export", exported["peak_mb"], opened["peak_mb"]),
        _memory("import", imported["peak_mb"], empty["peak_mb"]),
    ]


def _memory(what: str, peak: float, base: float) -> Figure:
    grew = peak - base
    met = peak < MEMORY_TARGET_MB and grew < GROWTH_TARGET_MB
    return Figure(
        "bulk",
        f"peak RSS {what}",
        peak,
        "MB",
        base,
        peak / base if base else None,
        f"< {MEMORY_TARGET_MB:.0f} MB, < +{GROWTH_TARGET_MB:.0f} MB",
        met,
        note=f"+{grew:.0f} MB over the same process only opening the simulator (ru_maxrss)",
    )


if __name__ == "__main__":
    mode, home_s, people_s, seed_s, cache_s, files_s = sys.argv[1:7]
    result = child(mode, Path(home_s), int(people_s), int(seed_s), Path(cache_s), Path(files_s))
    print(json.dumps(result))
