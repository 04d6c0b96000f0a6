"""The records simulator on PostgreSQL: load, search, write, merge and custody outcomes, as on SQLite."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.records.conftest import Api, person
from tests.simkit import start_system

pytestmark = pytest.mark.postgres


def test_records_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    sim = start_system(
        "records",
        tmp_path / "records",
        db_url=postgres_url,
        population=60,
        peers={"intelligence": "http://127.0.0.1:9", "custody": "http://127.0.0.1:9"},
    )
    try:
        assert sim.sim("POST", "/reset").status_code == 200
        api = Api(sim)
        assert api.get("/events").json()["items"] == []
        listed = api.get("/nominals", params={"limit": 200}).json()["items"]
        assert len(listed) >= 60
        someone = listed[0]
        hits = api.get("/nominals", params={"surname": someone["surname"].lower()}).json()["items"]
        assert someone["nominal_id"] in [h["nominal_id"] for h in hits]
        a = api.create(surname="Macdonald", forenames=["Stephen"], date_of_birth="1985")
        b = api.create(pnc_id=None, surname="McDonald", forenames=["Steven"], date_of_birth="1985-03-04")
        patched = api.patch(f"/nominals/{a['nominal_id']}", {"warning_markers": [{"code": "VI"}]}, '"v1"')
        assert patched.status_code == 200 and patched.headers["ETag"] == '"v2"'
        assert api.patch(f"/nominals/{a['nominal_id']}", {"sex": "male"}, '"v1"').status_code == 412
        merged = api.post(f"/nominals/{a['nominal_id']}/merges", {"duplicate_id": b["nominal_id"]})
        assert merged.status_code == 200 and merged.json()["date_of_birth"] == "1985-03-04"
        assert api.get(f"/nominals/{b['nominal_id']}").json()["resolved_from"] == b["nominal_id"]
        occ = api.occurrence()
        rec = api.post(
            f"/occurrences/{occ['occurrence_id']}/custody-outcomes",
            {
                "custody_id": str(uuid.uuid4()),
                "custody_number": "LS-2025-000001",
                "nominal_id": b["nominal_id"],
                "outcome": {
                    "type": "charged",
                    "decided_at": "2025-03-05T14:00:00Z",
                    "charges": [{"cjs_code": "OF61102"}],
                },
            },
        )
        assert rec.status_code == 201 and rec.json()["nominal_id"] == a["nominal_id"]
        got = api.get(f"/occurrences/{occ['occurrence_id']}").json()
        assert got["outcome"]["code"] == "1" and got["occurred_from"] == "2025-03-04T22:10:00+00:00"
        assert api.post("/nominals", person(pnc_id=a["pnc_id"])).status_code == 409
        assert api.get(f"/nominals/{a['nominal_id']}/intelligence-indicator").status_code in (502, 503, 504)
        types = [e["type"] for e in api.events()]
        assert types.count("nominal.created") == 2 and "nominal.merged" in types
    finally:
        sim.stop()
