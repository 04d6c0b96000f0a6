"""A toy system on the simulator core, served cleanly or with one deliberate defect, for the fuzz tests.

Defects (each one a way real products break the standard):
    server-error         GET /gadgets?limit=200 crashes (500): an off-by-one at the documented maximum
    wrong-type           GET /gadgets sends `limit` as a string; the 404 problem sends `status` as a string
    undocumented-status  GET /gadgets/{id} answers 410 for an unknown id; the document says 404
    ignores-auth         GET /gadgets/{id} answers without a token, POST /gadgets with any token's scope

The published document (`gadgets_spec()`) is what the harness fuzzes. For "ignores-auth" the
app runs on a copy in which those two operations are public / scope-free, so the core (which
enforces whatever its document says) lets the requests through while the standard forbids it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Flask, request
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from simulators.core.app import create_simulator_app, json_response
from simulators.core.config import SimConfig
from simulators.core.context import sim
from simulators.core.paging import page_body, page_params, paginate
from simulators.core.problems import Problem, problem_response
from simulators.core.server import ServerThread
from simulators.core.spec import bundle, contracts_dir
from tests.simkit import RunningSim

HERE = Path(__file__).parent
DEFECTS = ("server-error", "wrong-type", "undocumented-status", "ignores-auth")
SCOPES = ["gadgets:read", "gadgets:write"]


def gadgets_spec() -> dict[str, Any]:
    """The published (correct) document of the toy system, bundled like `load_spec` does."""
    common = yaml.safe_load((contracts_dir() / "openapi" / "common.yaml").read_text())
    doc = bundle(yaml.safe_load((HERE / "gadgets.yaml").read_text()), common)
    flows = doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    flows["scopes"].update({"gadgets:read": "Read gadgets", "gadgets:write": "Create gadgets"})
    return doc


def _served_spec(defect: str | None) -> dict[str, Any]:
    spec = gadgets_spec()
    if defect == "ignores-auth":
        spec = copy.deepcopy(spec)
        spec["paths"]["/gadgets/{gadget_id}"]["get"]["security"] = []
        spec["paths"]["/gadgets"]["post"]["security"] = [{"oauth2": []}]
    return spec


def create_gadgets_app(config: SimConfig, defect: str | None = None) -> Flask:
    if defect is not None and defect not in DEFECTS:
        raise ValueError(f"unknown defect {defect!r}")
    metadata = MetaData()
    gadgets = Table(
        "gadgets_gadgets",
        metadata,
        Column("gadget_id", Integer, primary_key=True),
        Column("name", String(40), nullable=False),
        Column("colour", String(10)),
    )
    bp = Blueprint("gadgets", __name__)

    @bp.get("/gadgets")
    def list_gadgets():  # type: ignore[no-untyped-def]
        limit, cursor = page_params()
        if defect == "server-error" and limit == 200:
            raise RuntimeError("index out of range")  # the core turns this into a 500 problem
        with sim().db.session() as s:
            page = paginate(
                s, select(gadgets), gadgets.c.gadget_id, limit=limit, cursor=cursor, scalars=False
            )
        body = page_body([dict(r._mapping) for r in page.items], page)
        if defect == "wrong-type":
            body["limit"] = str(body["limit"])
        return body

    @bp.post("/gadgets")
    def create_gadget():  # type: ignore[no-untyped-def]
        body = request.get_json()
        with sim().db.transaction() as s:
            gid = s.execute(
                gadgets.insert().values(name=body["name"], colour=body.get("colour"))
            ).inserted_primary_key[0]
        out = {"gadget_id": gid, "name": body["name"], "colour": body.get("colour")}
        return json_response(out, 201, {"Location": f"/gadgets/{gid}"})

    @bp.get("/gadgets/<int:gadget_id>")
    def get_gadget(gadget_id: int):  # type: ignore[no-untyped-def]
        with sim().db.session() as s:
            row = s.execute(select(gadgets).where(gadgets.c.gadget_id == gadget_id)).first()
        if row is None:
            if defect == "undocumented-status":
                raise Problem("gone", f"Gadget {gadget_id} is gone.", status=410)
            if defect == "wrong-type":
                resp = problem_response(Problem("not-found", f"No gadget {gadget_id}."))
                resp.set_data(resp.get_data(as_text=True).replace('"status": 404', '"status": "404"'))
                return resp
            raise Problem("not-found", f"No gadget {gadget_id}.")
        return dict(row._mapping)

    app = create_simulator_app(config, metadata=metadata, spec=_served_spec(defect), blueprints=[bp])
    with app.extensions["interop"].db.transaction() as s:
        for name, colour in (("spanner", "red"), ("sprocket", None), ("widget", "blue")):
            s.execute(gadgets.insert().values(name=name, colour=colour))
    return app


def start_gadgets(home: Path, defect: str | None = None, *, traffic_log: bool = False) -> RunningSim:
    """Serve the toy system on a free port. Defective variants skip the core's response check (the
    defect must reach the wire); the clean one raises on any breach, so a fixture bug cannot hide."""
    home.mkdir(parents=True, exist_ok=True)
    config = SimConfig(
        system="gadgets",
        home=home,
        db_url=f"sqlite:///{home / 'gadgets.db'}",
        load_population=False,
        response_validation="raise" if defect is None else "off",
        traffic_log=traffic_log,
    )
    app = create_gadgets_app(config, defect)
    return RunningSim("gadgets", ServerThread(app), app)


class IssuerTokens:
    """`TargetTokens` for a toy system: tokens with exactly the scopes asked for, from its issuer."""

    def __init__(self, running: RunningSim) -> None:
        self.running = running
        self.asked: list[tuple[str, ...] | None] = []

    def token(self, scopes: list[str] | tuple[str, ...] | None = None) -> str | None:
        self.asked.append(tuple(scopes) if scopes else None)
        return self.running.token(list(scopes) if scopes else SCOPES)
