"""Bulk export and import of custody and intelligence (issue 25, item 1): a migration into an empty
system reproduces every entity field by field, history (timelines, superseded versions, the access
audit) included. Only what is derived at read time (a custody clock, a report's review_overdue) is
left out of the comparison: the importing system derives it again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from simulators.clients.bulk import BulkClient
from simulators.core.spec import load_spec
from simulators.custody import create_app as create_custody_app
from simulators.custody.store import custody_state
from tests.custody.fakes import FakeRecords
from tests.custody.helpers import INSPECTOR, SERGEANT, T0, Custody, booking, z
from tests.simkit import RunningSim, start_system

DERIVED = {"clock", "review_overdue"}
ID_FIELD = {
    "custody_record": "custody_id",
    "custody_event": "entry_id",
    "report": "report_id",
    "report_version": None,
    "audit_entry": "audit_id",
}


def _key(type_name: str, line: dict[str, Any]) -> str:
    field = ID_FIELD[type_name]
    return f"{line['report_id']}/{line['version']}" if field is None else str(line[field])


def _by_id(files: dict[str, Path]) -> dict[str, dict[str, dict[str, Any]]]:
    out = {}
    for type_name, path in files.items():
        lines = [json.loads(raw) for raw in path.read_bytes().splitlines() if raw.strip()]
        out[type_name] = {_key(type_name, line): line for line in lines}
    return out


def _migrate(source: RunningSim, target: RunningSim, folder: Path) -> tuple[dict, dict, dict]:
    scopes = f"{source.system}:export {source.system}:import"
    a, b = BulkClient(source.url, source.headers(scopes)), BulkClient(target.url, target.headers(scopes))
    manifest = a.export()
    files = a.download(manifest, folder / "a")
    job = b.import_files(files, mode="per-record", expect=manifest["output"])
    return job, _by_id(files), _by_id(b.download(b.export(), folder / "b"))


def _assert_same(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for type_name, entities in a.items():
        assert set(entities) == set(b[type_name]), type_name
        for ident, line in entities.items():
            for field, value in line.items():
                if field not in DERIVED:
                    assert b[type_name][ident][field] == value, f"{type_name} {ident} {field}"


@pytest.fixture
def pair(request, tmp_path):  # type: ignore[no-untyped-def]
    system = request.param
    # The custody source books through a stand-in for records, so the test can add records of its own.
    people = FakeRecords()

    def custody_app(config: Any) -> Any:
        return create_custody_app(config, records_client_factory=lambda _c: people)

    factory = custody_app if system == "custody" else None
    source = start_system(system, tmp_path / "source", population=40, app_factory=factory)
    target = start_system(system, tmp_path / "target", population=0)
    yield source, target, tmp_path, people
    source.stop()
    target.stop()


H = timedelta(hours=1)
CHARGES = [{"cjs_code": "TH68010", "title": "Theft from a shop"}]
CARRIED = ("charge", "appropriate_adults", "bail_extensions", "bail_return", "vulnerable", "appears_juvenile")


def _add_charged_and_bailed(source: RunningSim, people: FakeRecords) -> dict[str, str]:
    """A juvenile charged after an appropriate adult was informed (kept, with a certificate why not
    moved to local authority accommodation), and an adult bailed, bail extended, then back on bail."""
    c = Custody(source)
    c.freeze(T0 + 60 * 24 * H)

    def book(dob: str, arrived: datetime = T0, **extra: Any) -> dict[str, Any]:
        n = people.add_nominal(surname="Case", forenames=["Test"], date_of_birth=dob)
        return c.book(booking(arrived, detainee={"nominal_id": n["nominal_id"]}, **extra))

    juvenile = book("2008-03-05", appears_juvenile=True)["custody_id"]
    c.authorise(juvenile, T0 + timedelta(minutes=10))
    adult = {
        "name": "Ann Case",
        "relationship": "parent_or_guardian",
        "reason": "juvenile",
        "informed_at": z(T0 + H),
        "informed_by": SERGEANT,
    }
    c.act(juvenile, "appropriate-adults", adult)
    accommodation = {"arrangement": "not_practicable", "certificate_reason": "No placement tonight"}
    charge = {
        "charged_at": z(T0 + 2 * H),
        "charged_by": SERGEANT,
        "charges": CHARGES,
        "grounds": "Kept for court",
        "local_authority_accommodation": accommodation,
    }
    c.act(juvenile, "charge", charge)
    bailed = book("1985-02-03")["custody_id"]
    c.authorise(bailed, T0 + timedelta(minutes=15))
    c.outcome(bailed, T0 + 9 * H, "bailed", bail={"return_date": "2025-04-01"})
    extension = {"authorised_at": z(T0 + 10 * 24 * H), "authorised_by": INSPECTOR, "until": "2025-09-04"}
    c.act(bailed, "bail-extensions", extension)
    back = book(
        "1985-02-03",
        arrived=T0 + 40 * 24 * H,
        bail_return={"custody_id": bailed, "reason": "breach_of_bail_conditions"},
    )["custody_id"]
    return {"juvenile": juvenile, "bailed": bailed, "back": back}


@pytest.mark.parametrize("pair", ["custody"], indirect=True)
def test_custody_records_and_timelines_survive_a_migration(pair) -> None:  # type: ignore[no-untyped-def]
    source, target, folder, people = pair
    made = _add_charged_and_bailed(source, people)
    job, a, b = _migrate(source, target, folder)
    assert job["state"] == "completed" and job["refused"] == 0, job
    assert a["custody_record"] and a["custody_event"]
    _assert_same(a, b)
    # The facts added in 1.1.0 travel: a charge (with its accommodation certificate), an
    # appropriate adult, a bail extension and a return from bail, each as the source holds it.
    juvenile, bailed, back = (a["custody_record"][made[k]] for k in ("juvenile", "bailed", "back"))
    assert juvenile["charge"]["charges"] == CHARGES
    assert juvenile["charge"]["local_authority_accommodation"]["certificate_reason"] == "No placement tonight"
    assert juvenile["appropriate_adults"][0]["name"] == "Ann Case" and juvenile["appears_juvenile"] is True
    assert bailed["bail_extensions"][0]["until"] == "2025-09-04"
    assert back["bail_return"]["custody_id"] == made["bailed"]
    for key, cid in made.items():
        source_read = source.get(f"/custody-records/{cid}", "custody:read").json()
        target_read = target.get(f"/custody-records/{cid}", "custody:read").json()
        for field in CARRIED:
            expected = a["custody_record"][cid][field]
            assert b["custody_record"][cid][field] == expected, f"{key} {field}"
            if field in source_read:
                assert target_read[field] == source_read[field] == expected, f"{key} {field}"
    # The custody number counters moved past every imported number, so a new booking never reuses one.
    tabs = custody_state(target.ctx)
    with target.ctx.db.session() as s:
        counters = dict(s.execute(tabs.counters.select()).all())
    for record in a["custody_record"].values():
        prefix, year, number = record["custody_number"].split("-")
        assert counters[f"{prefix}-{year}"] >= int(number)


@pytest.mark.parametrize("pair", ["intelligence"], indirect=True)
def test_reports_versions_and_audit_survive_a_migration(pair) -> None:  # type: ignore[no-untyped-def]
    source, target, folder, _people = pair
    scopes = "intelligence:read intelligence:read:restricted intelligence:write"
    report = source.get("/reports?limit=1", scopes).json()["items"][0]
    regrade = load_spec("intelligence")["paths"]["/reports/{report_id}"]["patch"]["requestBody"]["content"]
    body = next(iter(next(iter(regrade.values()))["examples"].values()))["value"]
    read = source.get(f"/reports/{report['report_id']}", scopes)
    answer = requests.patch(
        f"{source.url}/reports/{report['report_id']}",
        json=body,
        headers={
            **source.headers(scopes),
            "If-Match": read.headers["ETag"],
            "Content-Type": "application/merge-patch+json",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    job, a, b = _migrate(source, target, folder)
    assert job["state"] == "completed" and job["refused"] == 0, job
    assert a["report_version"] and a["audit_entry"] and a["report"]
    _assert_same(a, b)
    assert a["report"][report["report_id"]]["text"]  # the original text travels with the export
