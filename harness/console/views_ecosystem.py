"""The ecosystem page: each system's health, world, clock, quirks and faults, and what changes them."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from harness.console.state import state
from harness.console.systems import SimError
from simulators.core.auth import SCOPES

bp = Blueprint("ecosystem", __name__)
CLOCK_UNITS = ("days", "hours", "minutes")


def _render(**extra: Any) -> Any:
    st = state()
    systems = [st.systems.state(name) for name in st.systems.names]
    return render_template("ecosystem.html.j2", systems=systems, scopes=SCOPES, units=CLOCK_UNITS, **extra)


@bp.get("/")
def page() -> Any:
    return _render()


def _chosen(system: str) -> list[str]:
    names = state().systems.names
    if system == "all":
        return names
    if system not in names:
        raise SimError(f"no system called {system!r}")
    return [system]


def _act(what: str, fn: Any) -> Any:
    try:
        done = fn()
        flash(done or what, "ok")
    except SimError as exc:
        flash(str(exc), "error")
    except ValueError as exc:
        flash(f"{what}: {exc}", "error")
    return redirect(url_for("ecosystem.page"))


@bp.post("/systems/<system>/quirks")
def quirks(system: str) -> Any:
    names = [n for n in request.form.getlist("quirk") if n]

    def apply() -> str:
        active = state().systems.set_quirks(_chosen(system)[0], names).get("active", [])
        return f"{system}: quirks {', '.join(map(str, active)) or 'off'}"

    return _act("quirks", apply)


@bp.post("/systems/<system>/faults")
def faults(system: str) -> Any:
    def apply() -> str:
        body: dict[str, Any] = {"down": request.form.get("down") == "on"}
        for key, cast in (("latency_ms", int), ("error_rate", float)):
            raw = request.form.get(key, "").strip()
            body[key] = cast(raw) if raw else 0
        state().systems.set_faults(_chosen(system)[0], body)
        return f"{system}: faults {json.dumps(body)}"

    return _act("faults", apply)


@bp.post("/clock")
def clock() -> Any:
    system = request.form.get("system", "all")

    def apply() -> str:
        sy = state().systems
        targets = _chosen(system)
        if request.form.get("action") == "set":
            now = request.form.get("now", "").strip()
            frozen = request.form.get("frozen") == "on"
            for name in targets:
                sy.set_clock(name, now, frozen)
            return f"clock of {system} set to {now}"
        amounts = {u: float(request.form.get(u) or 0) for u in CLOCK_UNITS}
        for name in targets:
            sy.advance_clock(name, amounts)
        moved = ", ".join(f"{v:g} {u}" for u, v in amounts.items() if v) or "nothing"
        return f"clock of {system} advanced by {moved}"

    return _act("clock", apply)


@bp.post("/reset")
def reset() -> Any:
    system = request.form.get("system", "all")

    def apply() -> str:
        st = state()
        for name in _chosen(system):
            st.systems.reset(name)
            st.feed.forget(name)
        return f"{system}: back to the seeded world"

    return _act("reset", apply)


@bp.post("/token")
def token() -> Any:
    scopes = [s for s in request.form.getlist("scope") if s]
    try:
        issued = state().systems.token(scopes)
    except SimError as exc:
        flash(str(exc), "error")
        return redirect(url_for("ecosystem.page"))
    return _render(token=issued, token_scopes=scopes)


@bp.get("/read")
def read() -> Any:
    system = request.args.get("system", "")
    path = request.args.get("path", "").strip()
    result: dict[str, Any] = {"system": system, "path": path}
    try:
        status, text = state().systems.read(system, path)
        result.update(status=status, body=_pretty(text))
    except SimError as exc:
        result["error"] = str(exc)
    return _render(read=result)


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text
