"""A client of the standard's bulk operations (`/bulk/exports`, `/bulk/imports`), for any product.

Used by the tests, `make bench` and the harness to export from one system and import into
another exactly as the standard says: kick off, poll the status URL (honouring `Retry-After`),
download each NDJSON file streamed to disk, upload files in requests of at most 1 MiB split at
line ends, start with the manifest's counts and SHA-256 as `expect`, and read the result file.
Memory stays bounded: files are streamed in both directions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

#: Upload requests carry at most this many bytes (the standard's body limit is 1 MiB).
UPLOAD_CHUNK = 1024 * 1024 - 1024
#: Seconds before the first status request after a kick-off or start.
FIRST_LOOK_S = 0.1


def _retry_after(value: str | None, default: float) -> float:
    try:
        return min(max(float(value), 0.0), 60.0) if value is not None else default
    except ValueError:
        return default


class BulkError(Exception):
    """A bulk call was refused or failed; `status` and `problem` say how."""

    def __init__(self, message: str, status: int | None = None, problem: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.problem = problem or {}


class BulkClient:
    """Bulk export and import against one system at `base_url` with fixed request `headers`."""

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str] | None = None,
        *,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.http = session or requests.Session()

    # --- plumbing ------------------------------------------------------------------------

    def _url(self, path_or_url: str) -> str:
        return path_or_url if path_or_url.startswith("http") else self.base + path_or_url

    def _call(self, method: str, path: str, ok: tuple[int, ...], **kw: Any) -> requests.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        try:
            answer = self.http.request(method, self._url(path), headers=headers, timeout=self.timeout, **kw)
        except requests.RequestException as exc:
            raise BulkError(f"{method} {path} failed: {exc}") from exc
        if answer.status_code not in ok:
            try:
                problem = answer.json()
            except ValueError:
                problem = {}
            detail = problem.get("detail") if isinstance(problem, dict) else None
            raise BulkError(
                f"{method} {path} answered {answer.status_code}: {detail or answer.text[:200]}",
                answer.status_code,
                problem if isinstance(problem, dict) else {},
            )
        return answer

    def _poll(self, url: str, deadline: float) -> dict[str, Any]:
        """Ask a status URL until the job is done: a first look after `FIRST_LOOK_S` (small jobs are
        done by then), then as often as the system's `Retry-After` says."""
        time.sleep(FIRST_LOOK_S)
        while True:
            answer = self._call("GET", url, (200, 202))
            if answer.status_code == 200:
                return answer.json()
            if time.monotonic() > deadline:
                raise BulkError(
                    f"{url} still running after the time allowed ({answer.headers.get('X-Progress')})"
                )
            time.sleep(_retry_after(answer.headers.get("Retry-After"), 1.0))  # as the system asks

    # --- export --------------------------------------------------------------------------

    def export(
        self, types: list[str] | None = None, since: str | None = None, *, wait_seconds: float = 600
    ) -> dict[str, Any]:
        """Kick off an export and wait for its manifest (raises when it failed)."""
        body: dict[str, Any] = {}
        if types:
            body["types"] = types
        if since:
            body["since"] = since
        deadline = time.monotonic() + wait_seconds
        while True:  # 429: the system runs as many exports as it will; wait as it says
            answer = self._call("POST", "/bulk/exports", (202, 429), json=body)
            if answer.status_code == 202:
                break
            if time.monotonic() > deadline:
                raise BulkError("the system kept refusing a new export (429) for the time allowed", 429)
            time.sleep(_retry_after(answer.headers.get("Retry-After"), 5.0))
        status_url = answer.headers.get("Content-Location") or f"/bulk/exports/{answer.json()['export_id']}"
        manifest = self._poll(status_url, deadline)
        if manifest.get("state") != "completed":
            raise BulkError(f"the export {manifest.get('state')}: {manifest.get('error')}")
        return manifest

    def download(self, manifest: dict[str, Any], folder: Path) -> dict[str, Path]:
        """Stream every file of a manifest into `folder`; type -> path, in the manifest's order."""
        folder.mkdir(parents=True, exist_ok=True)
        out: dict[str, Path] = {}
        for entry in manifest["output"]:
            path = folder / f"{entry['type']}.ndjson"
            with (
                self._call("GET", entry["url"], (200,), stream=True) as answer,
                open(path, "ab" if entry["type"] in out else "wb") as fh,
            ):
                for chunk in answer.iter_content(1 << 16):
                    fh.write(chunk)
            out[entry["type"]] = path
        return out

    def lines(self, url: str) -> Iterator[dict[str, Any]]:
        """The objects of one NDJSON file (an export file or an import's results), streamed."""
        with self._call("GET", url, (200,), stream=True) as answer:
            for raw in answer.iter_lines():
                if raw.strip():
                    yield json.loads(raw)

    def delete_export(self, export_id: str) -> None:
        self._call("DELETE", f"/bulk/exports/{export_id}", (202, 404))

    # --- import --------------------------------------------------------------------------

    def create_import(self, mode: str = "all-or-nothing") -> dict[str, Any]:
        return self._call("POST", "/bulk/imports", (201,), json={"mode": mode}).json()

    def upload(self, import_id: str, type_name: str, path: Path) -> None:
        """Send one file in requests of at most `UPLOAD_CHUNK` bytes, each ending at a line end."""
        pending = b""
        with open(path, "rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    raw += b"\n"
                if pending and len(pending) + len(raw) > UPLOAD_CHUNK:
                    self._send(import_id, type_name, pending)
                    pending = b""
                pending += raw
        if pending:
            self._send(import_id, type_name, pending)

    def _send(self, import_id: str, type_name: str, data: bytes) -> None:
        self._call(
            "POST",
            f"/bulk/imports/{import_id}/files/{type_name}",
            (200,),
            data=data,
            headers={"Content-Type": "application/x-ndjson"},
        )

    def start_import(self, import_id: str, expect: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return self._call(
            "POST", f"/bulk/imports/{import_id}/start", (202,), json={"expect": expect or []}
        ).json()

    def import_files(
        self,
        files: dict[str, Path],
        *,
        mode: str = "all-or-nothing",
        expect: list[dict[str, Any]] | None = None,
        wait_seconds: float = 600,
    ) -> dict[str, Any]:
        """Create an import, upload `files` (type -> path), start it and wait for its final state."""
        job = self.create_import(mode)
        import_id = job["import_id"]
        for type_name, path in files.items():
            self.upload(import_id, type_name, path)
        self.start_import(import_id, expect)
        return self._poll(f"/bulk/imports/{import_id}", time.monotonic() + wait_seconds)

    def results(self, job: dict[str, Any]) -> list[dict[str, Any]]:
        """Every line of a completed import's result file."""
        return list(self.lines(job["result"]["url"]))
