"""A client of the standard's bulk export and import API (docs/portability.md, "Bulk export and import").

It is the harness's side of the asynchronous protocol: kick an export off, poll its status until
the manifest is there, download each file; create an import, upload each type's file in chunks
of whole lines (at most 1 MiB a request), start it with the export's manifest as what to expect,
poll, read the per-record results. Every answer the product gives that the protocol does not
allow is a `BulkError` naming the step, the status and the product's rule id, so a suite can
turn it into a finding and the migrate command into one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlparse

import requests

from harness.errors import InteropError
from harness.reports.safe import one_line

UPLOAD_CHUNK = 1024 * 1024  # the standard's bound on one upload request
POLL_TIMEOUT_S = 120.0
REQUEST_TIMEOUT_S = 60.0
MAX_WAIT_S = 2.0  # the longest pause between two polls, whatever Retry-After says


class BulkError(InteropError):
    """A step of the bulk protocol the product did not complete as the standard says."""

    def __init__(self, step: str, message: str, *, status: int | None = None, rule: str | None = None):
        super().__init__(f"{step}: {message}")
        self.step = step
        self.status = status
        self.rule = rule
        self.no_token = False  # the harness had no credentials for the step: nothing was judged

    @property
    def missing(self) -> bool:
        """The product seems not to have the bulk API at all (no such route, method or scope)."""
        return self.status in (404, 405, 501)


@dataclass
class Export:
    """A completed export: its manifest, and each file's bytes by type (several files joined)."""

    manifest: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    fetched: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict
    )  # per type: each file's own figures

    @property
    def types(self) -> list[str]:
        return list(self.files)

    def lines(self, type_name: str) -> list[bytes]:
        data = self.files.get(type_name, b"")
        return [line for line in data.split(b"\n") if line.strip()]


@dataclass
class ImportOutcome:
    job: dict[str, Any]
    results: list[dict[str, Any]]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chunks(data: bytes, limit: int = UPLOAD_CHUNK) -> list[bytes]:
    """`data` cut at line ends into pieces of at most `limit` bytes (a longer line goes alone)."""
    out: list[bytes] = []
    start = 0
    while start < len(data):
        end = min(start + limit, len(data))
        if end < len(data):
            cut = data.rfind(b"\n", start, end)
            end = cut + 1 if cut >= start else data.find(b"\n", end) + 1 or len(data)
        out.append(data[start:end])
        start = end
    return out


class BulkClient:
    """The bulk API of one product in one role, reached at `base_url` (the tap, in a suite).

    `public_url` is where the product itself answers: a file URL the manifest gives absolutely on
    the product's own address is fetched through `base_url` all the same; one on another host is
    refused (it would bypass the tap's bounds, and the harness calls only the product it was given).
    """

    def __init__(
        self,
        base_url: str,
        tokens: Any,
        role: str,
        *,
        public_url: str = "",
        poll_timeout: float = POLL_TIMEOUT_S,
        session: requests.Session | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.public = (public_url or base_url).rstrip("/")
        self.tokens = tokens
        self.role = role
        self.poll_timeout = poll_timeout
        self.http = session or requests.Session()
        self.headers_extra = dict(getattr(tokens, "headers", {}) or {})

    # --- plumbing ---------------------------------------------------------------------------------

    def _auth(self, scope: str, step: str) -> dict[str, str]:
        token = self.tokens.token([scope])
        if not token:
            why = getattr(self.tokens, "refusals", {}).get((scope,), "no token")
            error = BulkError(step, f"no access token with scope {scope} ({why})", status=None)
            error.no_token = True
            raise error
        return {**self.headers_extra, "Authorization": f"Bearer {token}"}

    def url(self, ref: str) -> str:
        """A URL the product gave (relative, or absolute on its own origin) as one to call here."""
        if ref.startswith(self.public + "/"):
            return self.base + ref[len(self.public) :]
        if ref.startswith(self.base + "/"):
            return ref
        if urlparse(ref).scheme or ref.startswith("//"):
            raise BulkError(
                "export manifest",
                f"a file URL is not on the product's own address ({one_line(ref, 120)}); the harness "
                "fetches files only from the product it was given",
            )
        return urljoin(self.base + "/", ref.lstrip("/"))

    def _call(self, step: str, method: str, ref: str, scope: str, **kw: Any) -> requests.Response:
        try:
            return self.http.request(
                method,
                self.url(ref),
                headers={**self._auth(scope, step), **kw.pop("headers", {})},
                timeout=REQUEST_TIMEOUT_S,
                **kw,
            )
        except requests.RequestException as exc:
            raise BulkError(step, f"no answer from {self.url(ref)} ({type(exc).__name__})") from None

    @staticmethod
    def _refused(step: str, resp: requests.Response) -> BulkError:
        problem: Any = None
        with contextlib.suppress(ValueError):
            problem = resp.json()
        rule = problem.get("rule") if isinstance(problem, dict) else None
        said = problem.get("detail") or problem.get("title") if isinstance(problem, dict) else resp.text[:200]
        said_text = f": {one_line(str(said), 200)}" if said else ""
        rule_text = f" (rule {one_line(str(rule), 40)})" if rule else ""
        return BulkError(
            step,
            f"{resp.request.method} {urlparse(resp.url).path} answered "
            f"{resp.status_code}{rule_text}{said_text}",
            status=resp.status_code,
            rule=str(rule) if rule else None,
        )

    @staticmethod
    def _json(step: str, resp: requests.Response) -> dict[str, Any]:
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise BulkError(
                step, f"answered {resp.status_code} without a JSON object", status=resp.status_code
            )
        return body

    def _poll(self, step: str, location: str, scope: str, done: tuple[str, ...]) -> dict[str, Any]:
        deadline = time.monotonic() + self.poll_timeout
        wait = 0.05
        while True:
            resp = self._call(step, "GET", location, scope)
            if resp.status_code not in (200, 202):
                raise self._refused(step, resp)
            job = self._json(step, resp)
            state = job.get("state")
            if state in done or state == "failed":
                return job
            if time.monotonic() > deadline:
                raise BulkError(step, f"still {one_line(str(state), 40)} after {self.poll_timeout:.0f} s")
            try:
                asked = float(resp.headers.get("Retry-After", "") or wait)
            except ValueError:
                asked = wait
            time.sleep(min(max(asked, 0.05), wait, MAX_WAIT_S))
            wait = min(wait * 2, MAX_WAIT_S)

    # --- export -----------------------------------------------------------------------------------

    def export(self, types: list[str] | None = None, since: str | None = None) -> Export:
        """Kick off an export, wait for it, and download every file of its manifest."""
        scope = f"{self.role}:export"
        body: dict[str, Any] = {}
        if types:
            body["types"] = types
        if since:
            body["since"] = since
        resp = self._call("export kick-off", "POST", "/bulk/exports", scope, json=body)
        if resp.status_code != 202:
            raise self._refused("export kick-off", resp)
        location = resp.headers.get("Content-Location") or resp.headers.get("Location")
        if not location:
            job = self._json("export kick-off", resp)
            if not job.get("export_id"):
                raise BulkError("export kick-off", "answered 202 with no Content-Location and no export_id")
            location = f"/bulk/exports/{job['export_id']}"
        manifest = self._poll("export status", location, scope, ("completed",))
        if manifest.get("state") != "completed":
            raise BulkError(
                "export status", f"the export failed: {one_line(str(manifest.get('error')), 200)}"
            )
        out = manifest.get("output")
        if not isinstance(out, list):
            raise BulkError("export manifest", "the completed export's manifest has no output list")
        export = Export(manifest)
        for entry in out:
            if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
                raise BulkError("export manifest", "an output entry has no file url")
            type_name = str(entry.get("type", ""))
            got = self._call("export download", "GET", entry["url"], scope)
            if got.status_code != 200:
                raise self._refused("export download", got)
            export.files[type_name] = export.files.get(type_name, b"") + got.content
            export.fetched.setdefault(type_name, []).append(
                {
                    "count": sum(1 for ln in got.content.split(b"\n") if ln.strip()),
                    "sha256": sha256(got.content),
                    "bytes": len(got.content),
                    "entry": entry,
                }
            )
        return export

    # --- import -----------------------------------------------------------------------------------

    def import_export(self, export: Export, mode: str = "per-record") -> ImportOutcome:
        """Upload every file of `export` (in its manifest's order), start with its manifest, wait."""
        scope = f"{self.role}:import"
        resp = self._call("import create", "POST", "/bulk/imports", scope, json={"mode": mode})
        if resp.status_code != 201:
            raise self._refused("import create", resp)
        job = self._json("import create", resp)
        location = resp.headers.get("Location") or f"/bulk/imports/{job.get('import_id')}"
        for type_name, data in export.files.items():
            for piece in chunks(data):
                up = self._call(
                    "import upload",
                    "POST",
                    f"{location}/files/{type_name}",
                    scope,
                    data=piece,
                    headers={"Content-Type": "application/x-ndjson"},
                )
                if up.status_code != 200:
                    raise self._refused("import upload", up)
        expect = [
            {"type": t, "count": sum(f["count"] for f in fs), "sha256": sha256(export.files[t])}
            for t, fs in export.fetched.items()
        ]
        started = self._call("import start", "POST", f"{location}/start", scope, json={"expect": expect})
        if started.status_code != 202:
            raise self._refused("import start", started)
        job = self._poll("import status", location, scope, ("completed",))
        if job.get("state") != "completed":
            raise BulkError("import status", f"the import failed: {one_line(str(job.get('error')), 200)}")
        res = self._call("import results", "GET", f"{location}/results", scope)
        if res.status_code != 200:
            raise self._refused("import results", res)
        results = []
        for line in res.content.split(b"\n"):
            if line.strip():
                try:
                    doc = json.loads(line)
                except ValueError:
                    raise BulkError("import results", "a line of the result file is not JSON") from None
                if isinstance(doc, dict):
                    results.append(doc)
        return ImportOutcome(job, results)
