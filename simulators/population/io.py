"""Writing, reading and caching populations as JSON Lines files.

Layout of a population folder::

    manifest.json              {"generator", "version", "seed", "people", "defect_rate", "reference_time",
                                "counts": {kind: n}}
    nominals.jsonl             one record per line, fixed key order, compact separators, ASCII
    occurrences.jsonl
    custody_records.jsonl
    intelligence_reports.jsonl
    defects.jsonl

Key order and separators are fixed so the bytes depend only on the spec.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from simulators.population.generator import Generator, shard_count
from simulators.population.records import Record
from simulators.population.spec import GENERATOR_VERSION, KINDS, PopulationSpec, iso

GENERATOR_NAME = "interop-population"
MANIFEST = "manifest.json"
_PROGRESS_EVERY = 500

# Key order is the (deterministic) construction order, which follows records.py; no sorting needed.
# ASCII-only output (non-ASCII as \uXXXX escapes) is both the fastest C encoder path and the most portable.
_encode = json.JSONEncoder(ensure_ascii=True, check_circular=False, separators=(",", ":")).encode


def manifest_for(spec: PopulationSpec, counts: dict[str, int]) -> Record:
    """The manifest describing a population generated from ``spec``."""
    return {
        "generator": GENERATOR_NAME,
        "version": GENERATOR_VERSION,
        "seed": spec.seed,
        "people": spec.people,
        "defect_rate": spec.defect_rate,
        "reference_time": iso(spec.reference_utc),
        "counts": {kind: counts.get(kind, 0) for kind in KINDS},
    }


def _encode_shard(job: tuple[PopulationSpec, int]) -> tuple[dict[str, str], dict[str, int], int]:
    """Generate and encode one shard: ({kind: JSON Lines text}, {kind: count}, people)."""
    spec, shard = job
    gen = Generator(spec, shard)
    encode = _encode
    parts: dict[str, list[str]] = {kind: [] for kind in KINDS}
    appenders = {kind: lst.append for kind, lst in parts.items()}
    for batch in gen.batches():
        for kind, record in batch:
            appenders[kind](encode(record))
    counts = {kind: len(lst) for kind, lst in parts.items()}
    text = {kind: ("\n".join(lst) + "\n") if lst else "" for kind, lst in parts.items()}
    return text, counts, gen.n_people


def _default_workers(spec: PopulationSpec) -> int:
    if spec.people < 20_000 or shard_count(spec.people) < 2:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.current_thread() is not threading.main_thread() or threading.active_count() > 1:
        return 1  # forking a multi-threaded process (e.g. a running simulator) is not safe
    return max(1, min(2, os.cpu_count() or 1))


def write_population(
    spec: PopulationSpec,
    out_dir: Path,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> Record:
    """Generate ``spec`` into ``out_dir`` (``<kind>.jsonl`` + ``manifest.json``) and return the manifest.

    ``progress`` is called with the number of people done so far. ``workers`` > 1 generates shards in
    that many forked processes (default: 2 for 20,000+ people on a multi-core machine, else 1); the
    bytes written are identical whatever the number of workers. Existing files of the same names are
    overwritten; the manifest is written last, so a folder with a manifest is complete.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f"{out_dir} exists and is not a directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    if manifest_path.exists():
        manifest_path.unlink()
    if workers is None:
        workers = _default_workers(spec)
    counts = dict.fromkeys(KINDS, 0)
    files = {kind: open(out_dir / f"{kind}.jsonl", "w", encoding="utf-8", newline="\n") for kind in KINDS}  # noqa: SIM115
    try:
        done = 0
        if workers > 1:
            jobs = [(spec, shard) for shard in range(shard_count(spec.people))]
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                for text, shard_counts, n in pool.map(_encode_shard, jobs):
                    for kind in KINDS:
                        files[kind].write(text[kind])
                        counts[kind] += shard_counts[kind]
                    done += n
                    if progress is not None:
                        progress(done)
        else:
            writers = {kind: f.write for kind, f in files.items()}
            encode = _encode
            for shard in range(shard_count(spec.people)):
                for batch in Generator(spec, shard).batches():
                    for kind, record in batch:
                        writers[kind](encode(record) + "\n")
                        counts[kind] += 1
                    done += 1
                    if progress is not None and done % _PROGRESS_EVERY == 0:
                        progress(done)
    finally:
        for f in files.values():
            f.close()
    manifest = manifest_for(spec, counts)
    if progress is not None:
        progress(spec.people)
    tmp = manifest_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, manifest_path)
    return manifest


def read_records(population_dir: Path, kind: str) -> Iterator[Record]:
    """Stream the records of one kind from a population folder (constant memory)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(population_dir) / f"{kind}.jsonl"
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def read_manifest(population_dir: Path) -> Record:
    """The manifest of a population folder."""
    manifest: Record = json.loads((Path(population_dir) / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def ensure_population(spec: PopulationSpec, cache_dir: Path) -> Path:
    """Return a folder holding ``spec``'s population, generating it once per cache.

    The folder is ``cache_dir/<seed>-<people>-<rate>-<version>/``. It is written into a temporary
    sibling and renamed into place, so concurrent callers (e.g. pytest-xdist workers) never see a
    half-written population; if another process wins the race its copy is used.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = cache_dir / spec.cache_key()
    if (final / MANIFEST).is_file():
        return final
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.cache_key()}.", dir=cache_dir))
    try:
        write_population(spec, tmp)
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / MANIFEST).is_file():
                # A stale, incomplete folder without a manifest: replace it.
                shutil.rmtree(final, ignore_errors=True)
                os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final
