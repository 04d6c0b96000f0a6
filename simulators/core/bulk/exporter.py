"""Write an export: one NDJSON file per entity type, streamed batch by batch, counted and hashed.

Memory stays bounded whatever the size of the system: each batch of `model.BATCH` entities is
read, written and dropped; the SHA-256 and the line count are computed as the bytes are written.
`write_files` is also what `interop generate --format bulk` runs, so both write the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulators.core.bulk.jobs import JobStore
from simulators.core.bulk.model import BulkSystem, ExportOptions, ndjson_line
from simulators.core.clock import isoformat

log = logging.getLogger("interop.bulk")

#: How long an export's files are kept, in the system's (simulated) time.
EXPIRY_HOURS = 24


class Cancelled(Exception):
    """The job was cancelled (its folder deleted) while it ran."""


def file_name(type_name: str) -> str:
    return f"{type_name}.ndjson"


def write_files(
    ctx: Any,
    bulk: BulkSystem,
    types: list[str],
    options: ExportOptions,
    folder: Path,
    url_prefix: str,
    on_progress: Callable[[int, int, str], bool] | None = None,
) -> list[dict[str, Any]]:
    """Write each type's file into `folder`; the manifest's `output` entries, in import order.

    `on_progress(done, total, type)` is called after each batch; when it answers False the
    export stops (`Cancelled`).
    """
    chosen = [t for t in bulk.types if t.name in types]
    totals = {t.name: t.count(ctx, options) for t in chosen}
    total = sum(totals.values())
    done = 0
    output = []
    for etype in chosen:
        name = file_name(etype.name)
        digest = hashlib.sha256()
        count = size = 0
        with open(folder / name, "wb") as fh:
            for batch in etype.export(ctx, options):
                chunk = b"".join(ndjson_line(doc) for doc in batch)
                fh.write(chunk)
                digest.update(chunk)
                count += len(batch)
                size += len(chunk)
                done += len(batch)
                if on_progress is not None and not on_progress(done, max(total, done), etype.name):
                    raise Cancelled
        output.append(
            {
                "type": etype.name,
                "url": f"{url_prefix}{name}",
                "count": count,
                "bytes": size,
                "sha256": digest.hexdigest(),
            }
        )
    return output


def progress(done: int, total: int) -> dict[str, int]:
    return {"done": done, "total": total, "percent": 100 if total == 0 else min(100, done * 100 // total)}


def run_export(ctx: Any, bulk: BulkSystem, store: JobStore, job_id: str) -> None:
    """The background work of one export job: write the files, then complete (or fail) the job."""
    from datetime import timedelta

    from simulators.core.clock import parse_instant

    job = store.get(job_id)
    if job is None:
        return
    options = ExportOptions(
        since=parse_instant(job["since"]) if job.get("since") else None,
        quirks=tuple(job.get("_quirks", [])),
        transaction_time=parse_instant(job["transaction_time"]),
    )

    def on_progress(done: int, total: int, type_name: str) -> bool:
        return (
            store.update(job_id, state="in-progress", progress=progress(done, total), _current=type_name)
            is not None
        )

    try:
        store.update(job_id, state="in-progress")
        output = write_files(
            ctx,
            bulk,
            job["types"],
            options,
            store.folder(job_id),
            f"/bulk/exports/{job_id}/files/",
            on_progress,
        )
    except Cancelled:
        return
    except Exception as exc:  # a failed export is a job state, never a crashed thread
        log.exception("export %s failed", job_id)
        store.update(job_id, state="failed", error=f"The export failed: {type(exc).__name__}: {exc}")
        return
    completed = ctx.clock.now()
    total = sum(o["count"] for o in output)
    store.update(
        job_id,
        state="completed",
        output=output,
        progress=progress(total, total),
        completed_at=isoformat(completed),
        expires_at=isoformat(completed + timedelta(hours=EXPIRY_HOURS)),
    )


def start_export(ctx: Any, bulk: BulkSystem, store: JobStore, job_id: str, app: Any) -> None:
    def work() -> None:
        with app.app_context():
            run_export(ctx, bulk, store, job_id)

    threading.Thread(target=work, name=f"bulk-export-{job_id[:8]}", daemon=True).start()
