"""Run an import: judge every uploaded line through the system's rules, write the good ones, and
write a per-record result file with every refusal and its rule id.

Lines are read one batch at a time from the uploaded files (bounded memory). Each line is parsed,
checked against its type's schema in the standard, then handed to the system's `import_batch`,
which applies the same domain rules as the API and writes what passes inside the transaction.
Modes: `all-or-nothing` judges every line in one transaction and rolls it all back when any line
is refused (the others are then refused with BULK-IMP-009); `per-record` commits each batch and
keeps every good line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from simulators.core.bulk.exporter import progress
from simulators.core.bulk.jobs import JobStore
from simulators.core.bulk.model import BATCH, BulkSystem, EntityType, Record, ndjson_line
from simulators.core.clock import isoformat
from simulators.core.problems import Problem
from simulators.core.schemas import CompiledSchemas, field_errors

log = logging.getLogger("interop.bulk")

ROLLED_BACK = {
    "status": 409,
    "rule": "BULK-IMP-009",
    "detail": "Not written: another record of this all-or-nothing import was refused.",
}


class _Stop(Exception):
    """Cancelled, or an all-or-nothing import with a refusal: roll the transaction back."""


def upload_path(store: JobStore, job_id: str, type_name: str) -> Path:
    return store.folder(job_id) / f"upload-{type_name}.ndjson"


def file_summary(path: Path) -> dict[str, Any]:
    """Lines, bytes and SHA-256 of an uploaded file, read in chunks."""
    digest = hashlib.sha256()
    lines = size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            size += len(chunk)
    return {"count": lines, "bytes": size, "sha256": digest.hexdigest()}


def _records(path: Path) -> Iterator[list[Record]]:
    batch: list[Record] = []
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            text = raw.strip()
            if not text:
                continue
            try:
                doc = json.loads(text)
            except ValueError:
                doc = None
            batch.append(Record(line=number, doc=doc))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


class _Judge:
    """Checks each line against its type's schema in the system's standard."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._schemas = CompiledSchemas(spec)

    def check(self, etype: EntityType, rec: Record) -> None:
        if not isinstance(rec.doc, dict):
            rec.refuse(Problem("validation-error", "The line is not a JSON object.", rule="BULK-IMP-004"))
            return
        ident = rec.doc.get(etype.id_field)
        rec.id = ident if isinstance(ident, str) else None
        validator = self._schemas.validator(
            ("bulk", etype.schema), {"$ref": f"#/components/schemas/{etype.schema}"}
        )
        errors = [{"field": f, "message": m} for f, m in field_errors("", validator, rec.doc)]
        if errors:
            summary = "; ".join(f"{e['field'] or '(line)'}: {e['message']}" for e in errors[:3])
            rec.refuse(
                Problem(
                    "validation-error",
                    f"The {etype.name} breaks the standard's {etype.schema} schema: {summary}",
                    rule="BULK-IMP-011",
                    errors=errors,
                )
            )


def _result_line(etype: EntityType, rec: Record) -> bytes:
    out: dict[str, Any] = {"type": etype.name, "line": rec.line, "id": rec.id}
    if rec.refusal is None:
        out["outcome"] = "imported"
    else:
        out["outcome"] = "refused"
        out.update(rec.refusal)
    return ndjson_line(out)


def run_import(ctx: Any, bulk: BulkSystem, store: JobStore, job_id: str) -> None:
    """The background work of one import job."""
    job = store.get(job_id)
    if job is None:
        return
    all_or_nothing = job["mode"] == "all-or-nothing"
    folder = store.folder(job_id)
    results_tmp = folder / "results.tmp.ndjson"
    judge = _Judge(ctx.spec)
    counts = {f["type"]: {"received": f["count"], "imported": 0, "refused": 0} for f in job["files"]}
    total = sum(f["count"] for f in job["files"])
    state = {"done": 0, "refused": 0}
    store.update(job_id, state="in-progress", started_at=isoformat(ctx.clock.now()), counts=counts)

    def judge_files(conn: Any, out: Any, commit_each: bool) -> None:
        for etype in bulk.types:
            path = upload_path(store, job_id, etype.name)
            if not path.exists():
                continue
            for batch in _records(path):
                for rec in batch:
                    judge.check(etype, rec)
                if commit_each:
                    with ctx.db.transaction() as tx:
                        etype.import_batch(ctx, tx, [r for r in batch if r.pending])
                else:
                    etype.import_batch(ctx, conn, [r for r in batch if r.pending])
                for rec in batch:
                    out.write(_result_line(etype, rec))
                    key = "imported" if rec.refusal is None else "refused"
                    counts[etype.name][key] += 1
                    state["refused"] += rec.refusal is not None
                state["done"] += len(batch)
                if store.update(job_id, progress=progress(state["done"], total), counts=counts) is None:
                    raise _Stop("cancelled")

    try:
        with open(results_tmp, "wb") as out:
            if all_or_nothing:
                try:
                    with ctx.db.transaction() as conn:
                        judge_files(conn, out, commit_each=False)
                        if state["refused"]:
                            raise _Stop("refused")
                except _Stop as stop:
                    if str(stop) == "cancelled":
                        return
            else:
                judge_files(None, out, commit_each=True)
    except _Stop:
        return
    except Exception as exc:  # a failed import is a job state, never a crashed thread
        log.exception("import %s failed", job_id)
        store.update(job_id, state="failed", error=f"The import failed: {type(exc).__name__}: {exc}")
        return
    results = folder / "results.ndjson"
    if all_or_nothing and state["refused"]:
        _roll_back_results(results_tmp, results)
        for c in counts.values():
            c["refused"] += c["imported"]
            c["imported"] = 0
    else:
        os.replace(results_tmp, results)
    try:
        ctx.db.analyze()
    except Exception:  # statistics only help the planner; an import never fails on them
        log.warning("could not analyse after import %s", job_id)
    summary = file_summary(results)
    store.update(
        job_id,
        state="completed",
        counts=counts,
        progress=progress(total, total),
        imported=sum(c["imported"] for c in counts.values()),
        refused=sum(c["refused"] for c in counts.values()),
        completed_at=isoformat(ctx.clock.now()),
        result={"url": f"/bulk/imports/{job_id}/results", **summary},
    )


def _roll_back_results(tmp: Path, final: Path) -> None:
    """Rewrite the results of a rolled-back all-or-nothing import: every 'imported' is refused."""
    with open(tmp, "rb") as src, open(final, "wb") as dst:
        for raw in src:
            line = json.loads(raw)
            if line["outcome"] == "imported":
                line.update(outcome="refused", **ROLLED_BACK)
            dst.write(ndjson_line(line))
    tmp.unlink()


def start_import(ctx: Any, bulk: BulkSystem, store: JobStore, job_id: str, app: Any) -> None:
    def work() -> None:
        with app.app_context():
            run_import(ctx, bulk, store, job_id)

    threading.Thread(target=work, name=f"bulk-import-{job_id[:8]}", daemon=True).start()
