"""The bulk routes every system serves: `/bulk/exports...` and `/bulk/imports...`.

Scopes come from the document (`<system>:export`, `<system>:import`) like every operation's; the
handlers here only apply the bulk rules (BULK-EXP-*, BULK-IMP-*, described in docs/portability.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, current_app, g, request, send_file
from flask.typing import ResponseReturnValue

from simulators.core.app import json_response
from simulators.core.bulk import exporter, importer
from simulators.core.bulk.jobs import JobStore
from simulators.core.bulk.model import BulkSystem
from simulators.core.clock import isoformat, parse_instant
from simulators.core.context import sim
from simulators.core.problems import Problem

MODES = ("all-or-nothing", "per-record")
RETRY_AFTER_SECONDS = "1"
#: Exports one system runs at once; more are refused 429 (BULK-EXP-005) until one finishes.
MAX_RUNNING_EXPORTS = 2


def _stores() -> tuple[JobStore, JobStore]:
    ctx = sim()
    return JobStore(ctx.config.home, ctx.system, "exports"), JobStore(ctx.config.home, ctx.system, "imports")


def _public(job: dict[str, Any]) -> dict[str, Any]:
    """The job as the standard shows it (keys starting `_` are the worker's own)."""
    return {k: v for k, v in job.items() if not k.startswith("_")}


def _standard_version() -> str:
    return str(sim().spec.get("info", {}).get("version", ""))


def _body() -> dict[str, Any]:
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _in_progress_answer(job: dict[str, Any], url: str) -> ResponseReturnValue:
    p = job.get("progress") or {"percent": 0, "done": 0, "total": 0}
    current = job.get("_current")
    note = f" ({current})" if current else ""
    headers = {
        "X-Progress": f"{job['state']} {p['percent']}%: {p['done']}/{p['total']}{note}",
        "Retry-After": RETRY_AFTER_SECONDS,
        "Content-Location": url,
    }
    return json_response(_public(job), 202, headers)


def _make_room(exports: JobStore, now: Any) -> None:
    """Forget expired exports (their files go too); refuse a new one while too many run."""
    running = 0
    for job in exports.all():
        if job.get("expires_at") and now > parse_instant(job["expires_at"]):
            exports.delete(job["export_id"])
        elif job.get("state") in ("accepted", "in-progress"):
            running += 1
    if running >= MAX_RUNNING_EXPORTS:
        raise Problem(
            "too-many-requests",
            f"{running} exports are running; ask again when one has finished.",
            rule="BULK-EXP-005",
            headers={"Retry-After": "5"},
        )


def bulk_blueprint(bulk: BulkSystem) -> Blueprint:
    bp = Blueprint("bulk", __name__)

    # --- export -----------------------------------------------------------------------------

    @bp.post("/bulk/exports")
    def kick_off_export() -> ResponseReturnValue:
        ctx = sim()
        body = _body()
        types = body.get("types") or bulk.names
        unknown = [t for t in types if bulk.get(t) is None]
        if unknown:
            raise Problem(
                "validation-error",
                f"{ctx.system} has no entity type {', '.join(unknown)}; it has {', '.join(bulk.names)}.",
                rule="BULK-EXP-001",
                errors=[{"field": "body.types", "message": f"unknown type {u}"} for u in unknown],
            )
        now = ctx.clock.now()
        since = body.get("since")
        if since is not None and parse_instant(since) > now:
            raise Problem(
                "validation-error",
                f"since {since} is after this system's current time {isoformat(now)}.",
                rule="BULK-EXP-002",
                errors=[{"field": "body.since", "message": "is in the future"}],
            )
        exports, _ = _stores()
        _make_room(exports, now)
        export_id = str(uuid.uuid4())
        job = {
            "export_id": export_id,
            "system": ctx.system,
            "standard_version": _standard_version(),
            "state": "accepted",
            "types": [t for t in bulk.names if t in types],
            "since": isoformat(parse_instant(since)) if since else None,
            "transaction_time": isoformat(now),
            "requires_access_token": True,
            "progress": {"done": 0, "total": 0, "percent": 0},
            "completed_at": None,
            "expires_at": None,
            "output": [],
            "error": None,
            "_quirks": list(g.get("quirks", ())),
        }
        exports.create(export_id, job)
        exporter.start_export(ctx, bulk, exports, export_id, current_app._get_current_object())  # type: ignore[attr-defined]  # Flask types its proxy as the app
        url = f"/bulk/exports/{export_id}"
        return json_response(_public(job), 202, {"Content-Location": url, "Location": url})

    @bp.get("/bulk/exports/<export_id>")
    def export_status(export_id: str) -> ResponseReturnValue:
        exports, _ = _stores()
        job = exports.require(export_id, "BULK-EXP-004")
        if job["state"] in ("accepted", "in-progress"):
            return _in_progress_answer(job, f"/bulk/exports/{export_id}")
        return json_response(_public(job))

    @bp.delete("/bulk/exports/<export_id>")
    def cancel_export(export_id: str) -> ResponseReturnValue:
        exports, _ = _stores()
        job = exports.require(export_id, "BULK-EXP-004")
        exports.delete(export_id)
        return json_response({**_public(job), "state": "cancelled"}, 202)

    @bp.get("/bulk/exports/<export_id>/files/<file_name>")
    def export_file(export_id: str, file_name: str) -> ResponseReturnValue:
        ctx = sim()
        exports, _ = _stores()
        job = exports.require(export_id, "BULK-EXP-004")
        listed = {o["url"].rsplit("/", 1)[-1] for o in job.get("output") or []}
        name = file_name
        if job["state"] != "completed" or name not in listed:
            raise Problem("not-found", f"Export {export_id} has no file {name} (yet).", rule="BULK-EXP-004")
        if job.get("expires_at") and ctx.clock.now() > parse_instant(job["expires_at"]):
            for entry in job["output"]:
                (exports.folder(export_id) / exporter.file_name(entry["type"])).unlink(missing_ok=True)
            raise Problem(
                "gone",
                f"Export {export_id} expired at {job['expires_at']}; its files were deleted. Export again.",
                rule="BULK-EXP-003",
            )
        path = exports.folder(export_id) / name
        if not path.exists():
            raise Problem("gone", f"The files of export {export_id} were deleted.", rule="BULK-EXP-003")
        return send_file(path, mimetype="application/x-ndjson", conditional=False, etag=False)

    # --- import -----------------------------------------------------------------------------

    def _receiving(job: dict[str, Any]) -> None:
        if job["state"] != "receiving":
            raise Problem(
                "conflict",
                f"Import {job['import_id']} is {job['state']}: it no longer takes files or a start.",
                rule="BULK-IMP-002",
            )

    @bp.post("/bulk/imports")
    def create_import() -> ResponseReturnValue:
        ctx = sim()
        mode = _body().get("mode") or "all-or-nothing"
        import_id = str(uuid.uuid4())
        job: dict[str, Any] = {
            "import_id": import_id,
            "system": ctx.system,
            "standard_version": _standard_version(),
            "mode": mode,
            "state": "receiving",
            "files": [],
            "progress": {"done": 0, "total": 0, "percent": 0},
            "counts": {},
            "imported": 0,
            "refused": 0,
            "created_at": isoformat(ctx.clock.now()),
            "started_at": None,
            "completed_at": None,
            "result": None,
            "error": None,
        }
        _, imports = _stores()
        imports.create(import_id, job)
        url = f"/bulk/imports/{import_id}"
        return json_response(job, 201, {"Location": url, "Content-Location": url})

    @bp.post("/bulk/imports/<import_id>/files/<type>")
    def upload(import_id: str, type: str):
        type_name = type
        _, imports = _stores()
        job = imports.require(import_id, "BULK-IMP-005")
        if bulk.get(type_name) is None:
            raise Problem(
                "validation-error",
                f"{sim().system} has no entity type {type_name}; it has {', '.join(bulk.names)}.",
                rule="BULK-IMP-001",
                errors=[{"field": "path.type", "message": f"unknown type {type_name}"}],
            )
        _receiving(job)
        data = request.get_data(cache=True)
        if not data or not data.endswith(b"\n"):
            raise Problem(
                "bad-request",
                "Send whole NDJSON lines: the body must end with a line feed (split files at line ends).",
                rule="BULK-IMP-003",
            )
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Problem("bad-request", f"The body is not UTF-8: {exc}", rule="BULK-IMP-003") from exc
        path = importer.upload_path(imports, import_id, type_name)
        with open(path, "ab") as fh:
            fh.write(data)
        entry: dict[str, Any] = {"type": type_name, "count": 0, "bytes": 0}
        files = [f for f in job["files"] if f["type"] != type_name]
        old = next((f for f in job["files"] if f["type"] == type_name), None)
        if old:
            entry = {"type": type_name, "count": old["count"], "bytes": old["bytes"]}
        entry["count"] += data.count(b"\n")
        entry["bytes"] += len(data)
        order = {n: i for i, n in enumerate(bulk.names)}
        files = sorted([*files, entry], key=lambda f: order[f["type"]])
        imports.update(import_id, files=files)
        return json_response(entry)

    @bp.post("/bulk/imports/<import_id>/start")
    def start(import_id: str) -> ResponseReturnValue:
        ctx = sim()
        _, imports = _stores()
        job = imports.require(import_id, "BULK-IMP-005")
        _receiving(job)
        files = []
        for entry in job["files"]:
            summary = importer.file_summary(importer.upload_path(imports, import_id, entry["type"]))
            files.append({"type": entry["type"], **summary})
        received = {f["type"]: f for f in files}
        mismatches = []
        for want in _body().get("expect") or []:
            got = received.get(want["type"], {"count": 0, "sha256": None})
            if want.get("count") is not None and want["count"] != got["count"]:
                mismatches.append(f"{want['type']}: expected {want['count']} lines, received {got['count']}")
            if want.get("sha256") and got["count"] and want["sha256"] != got["sha256"]:
                mismatches.append(f"{want['type']}: SHA-256 differs from what was received")
            if want.get("sha256") and not got["count"] and want.get("count"):
                mismatches.append(f"{want['type']}: nothing received")
        if mismatches:
            raise Problem(
                "business-rule",
                "What was received is not what was expected: " + "; ".join(mismatches),
                rule="BULK-IMP-010",
            )
        total = sum(f["count"] for f in files)
        queued = imports.update(
            import_id, state="queued", files=files, progress={"done": 0, "total": total, "percent": 0}
        )
        assert queued is not None
        importer.start_import(ctx, bulk, imports, import_id, current_app._get_current_object())  # type: ignore[attr-defined]  # Flask types its proxy as the app
        url = f"/bulk/imports/{import_id}"
        return json_response(queued, 202, {"Content-Location": url, "Location": url})

    @bp.get("/bulk/imports/<import_id>")
    def import_status(import_id: str) -> ResponseReturnValue:
        _, imports = _stores()
        job = imports.require(import_id, "BULK-IMP-005")
        if job["state"] in ("queued", "in-progress"):
            return _in_progress_answer(job, f"/bulk/imports/{import_id}")
        return json_response(_public(job))

    @bp.get("/bulk/imports/<import_id>/results")
    def import_results(import_id: str) -> ResponseReturnValue:
        _, imports = _stores()
        job = imports.require(import_id, "BULK-IMP-005")
        if job["state"] != "completed":
            raise Problem(
                "conflict",
                f"Import {import_id} is {job['state']}: results are written when it completes.",
                rule="BULK-IMP-002",
            )
        path = imports.folder(import_id) / "results.ndjson"
        return send_file(path, mimetype="application/x-ndjson", conditional=False, etag=False)

    @bp.delete("/bulk/imports/<import_id>")
    def cancel_import(import_id: str) -> ResponseReturnValue:
        _, imports = _stores()
        job = imports.require(import_id, "BULK-IMP-005")
        imports.delete(import_id)
        return json_response({**_public(job), "state": "cancelled"}, 202)

    return bp
