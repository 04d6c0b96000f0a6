"""100,000 people stay coherent at scale (slow: run with -m slow). How fast they are made is a
benchmark figure (`make bench`, bench/population.py), not a test."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.domain import identifiers as ids
from simulators.population import PopulationSpec, read_records, write_population


@pytest.mark.slow
def test_hundred_thousand_people_are_coherent(tmp_path: Path):
    manifest = write_population(PopulationSpec(seed=100, people=100_000), tmp_path)
    assert manifest["counts"]["nominals"] >= 100_000

    nominal_ids: set[str] = set()
    pncs: set[str] = set()
    for n in read_records(tmp_path, "nominals"):
        nominal_ids.add(n["nominal_id"])
        if n["pnc_id"]:
            assert ids.is_valid_pnc_id(n["pnc_id"]) and n["pnc_id"] not in pncs
            pncs.add(n["pnc_id"])
        if n["cro_number"]:
            assert ids.is_valid_cro_number(n["cro_number"])
    assert len(nominal_ids) == manifest["counts"]["nominals"]
    for o in read_records(tmp_path, "occurrences"):
        assert all(ln["nominal_id"] in nominal_ids for ln in o["links"])
    for c in read_records(tmp_path, "custody_records"):
        assert c["nominal_id"] in nominal_ids and c["pnc_id"] in pncs
    for r in read_records(tmp_path, "intelligence_reports"):
        assert all(s["nominal_id"] in nominal_ids for s in r["subjects"])
