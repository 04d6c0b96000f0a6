"""The verify page: a form that queues a run, and each run's page with live progress and findings."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from harness.console import sse
from harness.console.runs import ConsoleRun, RunRequest
from harness.console.state import state
from harness.errors import BadInput
from harness.suites import ALL_SUITES, SUITE_CLASSES
from simulators.core.config import SYSTEMS

bp = Blueprint("verify", __name__, url_prefix="/verify")
MAX_AUTH_BYTES = 64 * 1024


class FormError(BadInput):
    """A field of the verify form that cannot be used; the message names it."""


@bp.get("")
def page() -> Any:
    st = state()
    return render_template(
        "verify.html.j2",
        roles=SYSTEMS,
        suites=list(SUITE_CLASSES.keys()),
        urls=st.systems.urls,
        runs=st.runs.newest_first(),
        form=request.args,
    )


@bp.post("")
def submit() -> Any:
    st = state()
    try:
        req = _request_from_form(st)
    except FormError as exc:
        flash(str(exc), "error")
        return redirect(url_for("verify.page"))
    run = st.runs.submit(req)
    return redirect(url_for("verify.run_page", run_id=run.id))


def _request_from_form(st: Any) -> RunRequest:
    form = request.form
    role = form.get("role", "")
    if role not in SYSTEMS:
        raise FormError(f"role: choose one of {', '.join(SYSTEMS)}")
    target = form.get("target", "").strip() or st.systems.urls.get(role, "")
    parsed = urlparse(target)
    # Only http(s): a cmd: or docker: target would run a program on this machine for any visitor.
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in target):
        raise FormError("target: give an http(s)://host:port URL (cmd: and docker: targets need the CLI)")
    suites = [s for s in form.getlist("suite") if s]
    unknown = [s for s in suites if s not in SUITE_CLASSES]
    if unknown:
        raise FormError(f"suite: unknown suite {unknown[0]!r}")
    options: dict[str, Any] = {}
    for key, cast, low, high in (
        ("seed", int, 0, 2**32 - 1),
        ("max_examples", int, 1, 100_000),
        ("max_time", float, 1, 3600),
    ):
        raw = form.get(key, "").strip()
        if not raw:
            continue
        try:
            value = cast(raw)
        except ValueError:
            raise FormError(f"{key.replace('_', ' ')}: {raw!r} is not a number") from None
        if not low <= value <= high:
            raise FormError(f"{key.replace('_', ' ')}: between {low} and {high}")
        options[key] = value
    # Nothing ticked: the default suites, as `interop verify` runs them; the opt-in ones (load,
    # consumer, portability) put data or load into the product and run only when asked for.
    return RunRequest(role, target.rstrip("/"), suites or list(ALL_SUITES), options, _auth_file(st))


def _auth_file(st: Any) -> Any:
    """The uploaded --auth YAML, kept outside the served runs folder and removed after the run."""
    upload = request.files.get("auth")
    if upload is None or not upload.filename:
        return None
    data = upload.read(MAX_AUTH_BYTES + 1)
    if len(data) > MAX_AUTH_BYTES:
        raise FormError("auth file: larger than 64 KiB")
    folder = st.settings.home / "console" / "auth"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}.yaml"
    path.write_bytes(data)
    path.chmod(0o600)
    from harness.auth import AuthConfig
    from harness.errors import InteropError

    try:
        AuthConfig.load(path)  # a bad file is refused on the form, not after the queue
    except InteropError as exc:
        path.unlink(missing_ok=True)
        raise FormError(f"auth file: {exc}") from None
    return path


def _run_or_404(run_id: str) -> ConsoleRun:
    run = state().runs.get(run_id)
    if run is None:
        abort(404, "no such run in this console (runs started before a restart are under Reports)")
    return run


@bp.get("/runs/<run_id>")
def run_page(run_id: str) -> Any:
    run = _run_or_404(run_id)
    return render_template("run.html.j2", run=run, findings_seen=len(run.findings))


@bp.post("/runs/<run_id>/cancel")
def cancel(run_id: str) -> Any:
    run = _run_or_404(run_id)
    state().runs.cancel(run.id)
    flash(f"run {run.id}: cancel asked" if run.state != "cancelled" else f"run {run.id} cancelled", "ok")
    return redirect(url_for("verify.run_page", run_id=run.id))


@bp.get("/runs/<run_id>/stream")
def run_stream(run_id: str) -> Any:
    """`status` (the progress panel), `finding` (one new finding each), `done` (the final panel)."""
    st = state()
    run = _run_or_404(run_id)
    start = sse.resume_from(request.args.get("after"), len(run.findings))

    def events() -> Iterator[str]:
        sent, version = start, -1
        ends = time.monotonic() + sse.STREAM_SECONDS
        yield sse.ping()  # the response starts now: the browser sees the stream open
        while time.monotonic() < ends and not st.closing.is_set():
            new_version = st.runs.wait_change(run, version, sse.PING_SECONDS)
            if new_version == version:
                yield sse.ping()
                continue
            version = new_version
            findings = list(run.findings)
            for i, finding in enumerate(findings[sent:], start=sent + 1):
                yield sse.event("finding", render_template("_finding.html.j2", f=finding), id=i)
            sent = max(sent, len(findings))
            yield sse.event("status", render_template("_run_status.html.j2", run=run))
            if not run.active:
                yield sse.event("done", render_template("_run_live.html.j2", run=run, live=False))
                return

    return sse.stream(events())
