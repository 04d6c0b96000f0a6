"""The seeded synthetic population shared by the records, custody and intelligence simulators.

One spec (seed, number of people, defect rate, fixed reference time) gives one population, byte for
byte: nominals with PNC IDs, CRO numbers, NI numbers, place of birth, nationality, self-defined and
officer-observed ethnicity, aliases with their own dates of birth and dated warning markers; crimes
and incidents with POLE links; PACE-consistent custody records; 3x5x2 (and legacy 5x5x5) graded
intelligence; and the ground truth of every injected data-quality defect. Record shapes:
``simulators.population.records``; one module per domain (``generator`` lists them).

Typical use::

    from simulators.population import PopulationSpec, ensure_population, read_records
    folder = ensure_population(PopulationSpec(seed=1, people=2000), Path(".interop/population"))
    for nominal in read_records(folder, "nominals"):
        ...
"""

from simulators.population.generator import generate
from simulators.population.io import (
    GENERATOR_NAME,
    ensure_population,
    read_manifest,
    read_records,
    write_population,
)
from simulators.population.spec import (
    DEFAULT_DEFECT_RATES,
    DEFAULT_REFERENCE_TIME,
    DEFECT_KINDS,
    GENERATOR_VERSION,
    KINDS,
    PopulationSpec,
)

__all__ = [
    "DEFAULT_DEFECT_RATES",
    "DEFAULT_REFERENCE_TIME",
    "DEFECT_KINDS",
    "GENERATOR_NAME",
    "GENERATOR_VERSION",
    "KINDS",
    "PopulationSpec",
    "ensure_population",
    "generate",
    "read_manifest",
    "read_records",
    "write_population",
]
