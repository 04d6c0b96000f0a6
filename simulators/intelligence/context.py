"""Per-app handles of the intelligence simulator: its tables (the core context's typed system state)
and its records client (the context's `extras`), no globals."""

from __future__ import annotations

import threading
from typing import Any

from flask import g

from simulators.core.auth import Principal
from simulators.core.context import SimulatorContext, sim
from simulators.core.paging import decode_cursor
from simulators.core.problems import Problem
from simulators.intelligence.tables import IntelligenceTables

_client_lock = threading.Lock()


ANONYMOUS = Principal("anonymous", frozenset({"intelligence:read"}))


def caller() -> Principal:
    """The verified caller. Only under the core's `ignore-auth` vendor quirk (a product that skips
    the token check on one read) is there none: it is then an anonymous lesser reader, never more."""
    who: Principal | None = g.get("principal")
    if who is not None:
        return who
    if "ignore-auth" in g.get("quirks", ()):
        return ANONYMOUS
    raise RuntimeError("no authenticated principal on this request")


def intelligence_state(ctx: SimulatorContext) -> IntelligenceTables:
    """The intelligence system's typed state (its tables) in `ctx`."""
    return ctx.system_state(IntelligenceTables)


def itables() -> IntelligenceTables:
    """This app's intelligence tables."""
    return intelligence_state(sim())


def records_client() -> Any:
    """The app's RecordsClient (built once, so its token is fetched once and reused)."""
    ctx = sim()
    client = ctx.extras.get("records_client")
    if client is None:
        with _client_lock:
            client = ctx.extras.get("records_client")
            if client is None:
                from simulators.clients import client_for

                client = client_for(ctx.config, "records")
                ctx.extras["records_client"] = client
    return client


def checked_cursor(cursor: str | None, kind: type, param: str = "cursor") -> Any:
    """Decode a cursor and insist on the key type this system issues (a forged one is a 400, not a 500)."""
    if not cursor:
        return None
    key = decode_cursor(cursor, param)
    if not isinstance(key, kind) or isinstance(key, bool):
        raise Problem(
            "validation-error",
            f"The {param} is not one this system issued; start again without it.",
            errors=[{"field": f"query.{param}", "message": "not a valid cursor"}],
        )
    return key
