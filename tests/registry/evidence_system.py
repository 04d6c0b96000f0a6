"""A fourth system in one module: a read-only digital evidence store.

Everything the range needs from a new system is here: the registry entry (name, port, document,
clients and scopes, quirk hooks, provider-state module), the app factory on the shared core,
and its seeded data. Nothing outside tests/registry/ is edited to add it. `register()` (or
importing evidence_plugin.py, as `INTEROP_SYSTEM_MODULES` does) puts it in the registry; the
tests register it only while they run, so no other test sees a fourth system.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Flask
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, select

from simulators.core import registry
from simulators.core.app import create_simulator_app
from simulators.core.clock import isoformat
from simulators.core.config import SimConfig
from simulators.core.context import PopulationSource, SimulatorContext, sim
from simulators.core.paging import page_body, page_params, paginate
from simulators.core.problems import Problem

HERE = Path(__file__).resolve().parent
NAME = "evidence"

SYSTEM = registry.System(
    NAME,
    8104,
    __name__,
    "Digital evidence: exhibits and their chain of custody (registry test system)",
    document=HERE / "evidence.yaml",
    uses_population=False,
    clients=(
        registry.ClientGrant("interop-admin", ("evidence:read",)),
        registry.ClientGrant("vendor", ("evidence:read",)),
        registry.ClientGrant("evidence-reader", ("evidence:read",), "Read-only access to exhibits."),
    ),
    dropped_field="handlers",
    unguarded_operation="GET /exhibits/{exhibit_ref}",
    provider_states="tests.registry.evidence_states",
    registered_by="tests.registry.evidence_plugin",
)


def register() -> registry.System:
    return registry.register(SYSTEM)


EXHIBITS = (
    ("EX-0001", "Mobile telephone", datetime(2025, 3, 4, 10, 15, tzinfo=UTC), 2),
    ("EX-0002", "Laptop computer", datetime(2025, 3, 4, 11, 0, tzinfo=UTC), 1),
    ("EX-0003", "USB memory stick", datetime(2025, 3, 5, 9, 30, tzinfo=UTC), 3),
)


class EvidenceTables:
    """The evidence system's own typed state (`ctx.system_state(EvidenceTables)`)."""

    def __init__(self) -> None:
        self.metadata = MetaData()
        self.exhibits = Table(
            "evidence_exhibits",
            self.metadata,
            Column("seq", Integer, primary_key=True),
            Column("exhibit_ref", String(7), nullable=False, unique=True),
            Column("description", String(200), nullable=False),
            Column("seized_at", DateTime(timezone=True), nullable=False),
            Column("handlers", Integer, nullable=False),
        )


def _load(ctx: SimulatorContext, _folder: Path) -> None:
    exhibits = ctx.system_state(EvidenceTables).exhibits
    with ctx.db.transaction() as s:
        for ref, description, seized_at, handlers in EXHIBITS:
            s.execute(
                exhibits.insert().values(
                    exhibit_ref=ref, description=description, seized_at=seized_at, handlers=handlers
                )
            )


SEEDED = PopulationSource(version="evidence-1", prepare=lambda config: config.home, load=_load)


def _exhibit(row: object) -> dict[str, object]:
    r = row._mapping  # type: ignore[attr-defined]
    return {
        "exhibit_ref": r["exhibit_ref"],
        "description": r["description"],
        "seized_at": isoformat(r["seized_at"]),
        "handlers": r["handlers"],
    }


def _blueprint() -> Blueprint:
    bp = Blueprint("evidence", __name__)

    @bp.get("/exhibits")
    def list_exhibits():  # type: ignore[no-untyped-def]
        exhibits = sim().system_state(EvidenceTables).exhibits
        limit, cursor = page_params()
        with sim().db.session() as s:
            page = paginate(s, select(exhibits), exhibits.c.seq, limit=limit, cursor=cursor, scalars=False)
        return page_body([_exhibit(r) for r in page.items], page)

    @bp.get("/exhibits/<exhibit_ref>")
    def get_exhibit(exhibit_ref: str):  # type: ignore[no-untyped-def]
        exhibits = sim().system_state(EvidenceTables).exhibits
        with sim().db.session() as s:
            row = s.execute(select(exhibits).where(exhibits.c.exhibit_ref == exhibit_ref)).first()
        if row is None:
            raise Problem("not-found", f"No exhibit {exhibit_ref}.")
        return _exhibit(row)

    return bp


def create_app(config: SimConfig | None = None) -> Flask:
    """The evidence simulator (`config=None` means `SimConfig.for_system("evidence")`)."""
    config = config or SimConfig.for_system(NAME)
    tables = EvidenceTables()
    return create_simulator_app(
        config, metadata=tables.metadata, blueprints=[_blueprint()], population=SEEDED, system_state=tables
    )
