"""A toy simulator built on the core, to test the core without any real system."""

from __future__ import annotations

from pathlib import Path

import yaml
from flask import Blueprint, Flask, request
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from simulators.core.app import create_simulator_app, json_response
from simulators.core.config import SimConfig
from simulators.core.context import sim
from simulators.core.events import events_blueprint, record_event
from simulators.core.paging import page_body, page_params, paginate
from simulators.core.problems import Problem
from simulators.core.spec import bundle, contracts_dir

HERE = Path(__file__).parent


def widgets_spec() -> dict:
    common = yaml.safe_load((contracts_dir() / "openapi" / "common.yaml").read_text())
    doc = yaml.safe_load((HERE / "widgets.yaml").read_text())
    doc = bundle(doc, common)
    flows = doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    flows["scopes"].update({"widgets:read": "read", "widgets:write": "write"})
    return doc


def create_widgets_app(config: SimConfig, *, break_response: bool = False) -> Flask:
    metadata = MetaData()
    widgets = Table(
        "widgets_widgets",
        metadata,
        Column("widget_id", Integer, primary_key=True),
        Column("name", String(40), nullable=False, unique=True),
        Column("colour", String(10)),
    )
    bp = Blueprint("widgets", __name__)

    @bp.get("/widgets")
    def list_widgets():  # type: ignore[no-untyped-def]
        limit, cursor = page_params()
        with sim().db.session() as s:
            page = paginate(
                s, select(widgets), widgets.c.widget_id, limit=limit, cursor=cursor, scalars=False
            )
        items = [dict(r._mapping) for r in page.items]
        return page_body(items, page)

    @bp.post("/widgets")
    def create_widget():  # type: ignore[no-untyped-def]
        body = request.get_json()
        if body["name"] == "boom":  # a fault mid-write: the insert and event must both roll back
            with sim().db.transaction() as s:
                s.execute(widgets.insert().values(name="boom"))
                raise RuntimeError("simulated crash mid-write")
        with sim().db.transaction() as s:
            if s.execute(select(widgets).where(widgets.c.name == body["name"])).first():
                raise Problem("business-rule", "A widget with that name exists.", rule="WID-001")
            wid = s.execute(
                widgets.insert().values(name=body["name"], colour=body.get("colour"))
            ).inserted_primary_key[0]
            record_event(s, sim().tables.events, "widget.created", "widget", str(wid), {"name": body["name"]})
        out = {"widget_id": wid, "name": body["name"], "colour": body.get("colour")}
        if break_response:
            out["widget_id"] = str(wid)  # wrong type: the spec says integer
        return json_response(out, 201, {"Location": f"/widgets/{wid}"})

    @bp.get("/widgets/<int:widget_id>")
    def get_widget(widget_id: int):  # type: ignore[no-untyped-def]
        with sim().db.session() as s:
            row = s.execute(select(widgets).where(widgets.c.widget_id == widget_id)).first()
        if row is None:
            raise Problem("not-found", f"No widget {widget_id}.")
        return dict(row._mapping)

    return create_simulator_app(
        config,
        metadata=metadata,
        spec=widgets_spec(),
        blueprints=[bp, events_blueprint({"widget": "/widgets/{id}"})],
    )
