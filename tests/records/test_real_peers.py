"""Records with the real intelligence and custody simulators: the indicator and history end to end."""

from __future__ import annotations

from pathlib import Path

from simulators.population import PopulationSpec, ensure_population, read_records
from tests.records.conftest import Api
from tests.simkit import POPULATION_CACHE, start_system


def test_indicator_and_custody_history_through_the_real_peers(tmp_path: Path) -> None:
    intel = start_system("intelligence", tmp_path / "intelligence", population=60)
    custody = start_system("custody", tmp_path / "custody", population=60)
    records = start_system(
        "records",
        tmp_path / "records",
        population=60,
        peers={"intelligence": intel.url, "custody": custody.url},
    )
    try:
        folder = ensure_population(PopulationSpec(seed=1, people=60), POPULATION_CACHE)
        subjects = {
            s["nominal_id"] for r in read_records(folder, "intelligence_reports") for s in r["subjects"]
        }
        detained = {c["nominal_id"]: c["custody_id"] for c in read_records(folder, "custody_records")}
        nobody = next(
            n["nominal_id"] for n in read_records(folder, "nominals") if n["nominal_id"] not in subjects
        )
        api = Api(records)
        subject = sorted(subjects)[0]
        assert api.get(f"/nominals/{subject}/intelligence-indicator").json()["intelligence_held"] is True
        assert api.get(f"/nominals/{nobody}/intelligence-indicator").json()["intelligence_held"] is False
        someone, custody_id = sorted(detained.items())[0]
        history = api.get(f"/nominals/{someone}/custody-history").json()
        assert custody_id in [r["custody_id"] for r in history["items"]]
    finally:
        records.stop()
        intel.stop()
        custody.stop()
