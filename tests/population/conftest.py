"""Populations generated once per test session, loaded into memory with indexes for the checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest

from simulators.population import KINDS, PopulationSpec, read_manifest, read_records, write_population


@dataclass
class Population:
    """All records of one generated population plus the indexes the tests need."""

    spec: PopulationSpec
    folder: Path
    manifest: dict
    records: dict[str, list[dict]]
    nominals: dict[str, dict] = field(default_factory=dict)
    true_dob: dict[str, date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.nominals = {n["nominal_id"]: n for n in self.records["nominals"]}
        # The true date of birth: as recorded, unless a DOB defect says what the truth was.
        for n in self.records["nominals"]:
            dob = n["date_of_birth"]
            if len(dob) == 10:
                self.true_dob[n["nominal_id"]] = date.fromisoformat(dob)
        for d in self.records["defects"]:
            if d["kind"] in ("partial_dob", "transposed_dob"):
                self.true_dob[d["nominal_id"]] = date.fromisoformat(d["original_value"])
        self.occurrences = {o["occurrence_id"]: o for o in self.records["occurrences"]}
        self.reference = datetime.fromisoformat(self.manifest["reference_time"])

    def defects(self, kind: str) -> list[dict]:
        return [d for d in self.records["defects"] if d["kind"] == kind]


def load(spec: PopulationSpec, folder: Path) -> Population:
    manifest = write_population(spec, folder)
    assert read_manifest(folder) == manifest
    records = {kind: list(read_records(folder, kind)) for kind in KINDS}
    return Population(spec=spec, folder=folder, manifest=manifest, records=records)


@pytest.fixture(scope="session")
def realistic(tmp_path_factory: pytest.TempPathFactory) -> Population:
    """2,000 people with the default (realistic) defect rates."""
    return load(PopulationSpec(seed=7, people=2000), tmp_path_factory.mktemp("pop-realistic"))


@pytest.fixture(scope="session")
def defective(tmp_path_factory: pytest.TempPathFactory) -> Population:
    """5,000 people with every defect kind at 10 %."""
    return load(
        PopulationSpec(seed=3, people=5000, defect_rate=0.1), tmp_path_factory.mktemp("pop-defective")
    )


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Population:
    """3,000 people with no injected defects."""
    return load(PopulationSpec(seed=5, people=3000, defect_rate=0), tmp_path_factory.mktemp("pop-clean"))


@pytest.fixture(params=["realistic", "defective", "clean"])
def population(request: pytest.FixtureRequest) -> Population:
    """Each of the session populations in turn."""
    return request.getfixturevalue(request.param)
