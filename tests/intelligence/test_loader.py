"""The population loader: historic reports as generated, fast, with no change-feed events."""

from __future__ import annotations

import uuid
from pathlib import Path

from simulators.core.config import SimConfig
from simulators.intelligence import create_app
from simulators.intelligence.context import intelligence_state
from simulators.intelligence.grading import check_grading
from simulators.intelligence.loader import load_reports
from simulators.population import PopulationSpec, ensure_population, read_records
from tests.intelligence.conftest import READ, RESTRICTED, call
from tests.simkit import POPULATION_CACHE


def test_loaded_population_matches_the_generated_reports(fresh):
    folder = ensure_population(PopulationSpec(seed=1, people=60), POPULATION_CACHE)
    generated = {r["report_id"]: r for r in read_records(folder, "intelligence_reports")}
    served = call(fresh, "GET", "/reports", RESTRICTED, params={"limit": 200}).json()["items"]
    assert {i["report_id"] for i in served} == set(generated)
    for item in served:
        record = generated[item["report_id"]]
        assert item["text"] == record["original_text"] and item["sanitised_text"] == record["sanitised_text"]
        assert item["grading"]["scheme"] == record["grading"]["scheme"]
        assert item["grading"]["source_evaluation"] == record["grading"]["source_evaluation"]
        assert item["classification"] == record["classification"]
        assert item["classification_scheme"] == record["classification_scheme"]
        assert item["subjects"] == record["subjects"] and item["reference"] == record["reference"]
        assert item["review_date"] == record["review_date"] and item["version"] == 1
    assert call(fresh, "GET", "/events", READ).json()["items"] == []


def test_generated_gradings_follow_the_rules_for_historic_reports():
    folder = ensure_population(PopulationSpec(seed=1, people=2000), POPULATION_CACHE)
    records = list(read_records(folder, "intelligence_reports"))
    assert {r["grading"]["scheme"] for r in records} == {"3x5x2", "5x5x5"}
    for record in records:
        assert check_grading(record["grading"], allow_legacy=True) == [], record["reference"]


def _synthetic(n: int):
    for i in range(n):
        yield {
            "report_id": str(uuid.uuid4()),
            "reference": f"INT-2020-{i:06d}",
            "submitted_at": "2020-01-01T10:00:00+00:00",
            "source_type": "police_officer",
            "grading": {
                "scheme": "3x5x2",
                "source_evaluation": "1",
                "intelligence_assessment": "A",
                "handling_code": "P",
                "handling_conditions": None,
            },
            "classification": "OFFICIAL",
            "classification_scheme": "GSC",
            "original_text": "Original text of a report " * 8,
            "sanitised_text": "Sanitised text " * 8,
            "subjects": [
                {"nominal_id": str(uuid.uuid4()), "role": "subject"},
                {"nominal_id": str(uuid.uuid4()), "role": "associate"},
            ],
            "locations": [{"line1": "1 High Street", "town": "Leeds", "postcode": "LS1 1AA"}],
            "organisations": [],
            "review_date": "2026-01-01",
        }


def test_bulk_load_stores_every_report_and_subject(tmp_path: Path):
    """100,000 people give about 13,000 reports (how fast they load is a benchmark figure)."""
    config = SimConfig.for_system(
        "intelligence",
        home=tmp_path,
        load_population=False,
        db_url=f"sqlite:///{tmp_path / 'bulk.db'}",
        key_file=tmp_path / "key.json",
    )
    app = create_app(config)
    ctx = app.extensions["interop"]
    count = load_reports(ctx, intelligence_state(ctx), _synthetic(13000))
    assert count == 13000
    with ctx.db.session() as s:
        from sqlalchemy import func, select

        assert s.execute(select(func.count()).select_from(intelligence_state(ctx).subjects)).scalar() == 26000
    ctx.close()
