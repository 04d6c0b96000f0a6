"""Bulk job state: one folder per job under `<INTEROP_HOME>/bulk/<system>/<kind>/<id>/`.

The folder holds `job.json` (the job's public state, rewritten atomically) and the job's NDJSON
files. Files rather than a table because the files are the job: deleting the folder cancels the
job and frees its space in one step, and nothing is added to the system's database schema.
Processes of one system on one host share the folder; a background thread of the process that
accepted the job does the work.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

from simulators.core.problems import Problem

_LOCK = threading.RLock()
_JOB_ID = re.compile(r"^[0-9a-zA-Z-]{1,64}$")


class JobStore:
    """The jobs of one kind (`exports` or `imports`) of one system."""

    def __init__(self, home: Path, system: str, kind: str) -> None:
        self.root = home / "bulk" / system / kind
        self.kind = kind

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def create(self, job_id: str, job: dict[str, Any]) -> dict[str, Any]:
        self.folder(job_id).mkdir(parents=True, exist_ok=True)
        self._write(job_id, job)
        return job

    def get(self, job_id: str) -> dict[str, Any] | None:
        if not _JOB_ID.match(job_id):  # never a path outside the store, even with validation off
            return None
        try:
            job: dict[str, Any] = json.loads((self.folder(job_id) / "job.json").read_text())
            return job
        except (FileNotFoundError, ValueError):
            return None

    def require(self, job_id: str, rule: str) -> dict[str, Any]:
        job = self.get(job_id)
        if job is None:
            what = "export" if self.kind == "exports" else "import"
            raise Problem("not-found", f"No {what} {job_id} (unknown, cancelled or deleted).", rule=rule)
        return job

    def update(self, job_id: str, **changes: Any) -> dict[str, Any] | None:
        """Apply `changes` to a job that still exists; None when it was deleted meanwhile."""
        with _LOCK:
            job = self.get(job_id)
            if job is None or job.get("state") == "cancelled":
                return None
            job.update(changes)
            self._write(job_id, job)
            return job

    def all(self) -> list[dict[str, Any]]:
        """Every job of this kind still on disk."""
        if not self.root.is_dir():
            return []
        jobs = (self.get(folder.name) for folder in self.root.iterdir() if folder.is_dir())
        return [job for job in jobs if job is not None]

    def delete(self, job_id: str) -> None:
        with _LOCK:
            shutil.rmtree(self.folder(job_id), ignore_errors=True)

    def _write(self, job_id: str, job: dict[str, Any]) -> None:
        folder = self.folder(job_id)
        if not folder.is_dir():
            return
        tmp = folder / f".job.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(job, ensure_ascii=False))
        os.replace(tmp, folder / "job.json")
