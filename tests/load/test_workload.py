"""The workloads: operations of the standard, data from the seeded population."""

from __future__ import annotations

import re

from harness.load.workload import WORKLOADS, _letters, book_in, population_data
from simulators.core.spec import load_spec


def test_every_workload_operation_is_an_operation_of_the_roles_standard() -> None:
    for role, ops in WORKLOADS.items():
        paths = load_spec(role)["paths"]
        for op in ops:
            assert op.method.lower() in paths[op.template], (role, op.label)
        assert len({op.name for op in ops}) == len(ops)


def test_population_data_has_names_with_their_spelling_variants() -> None:
    data = population_data(7)
    assert data == population_data(7)  # same seed, same data
    people = {p["surname"] for p in data["people"]}
    assert people <= set(data["surnames"]) and len(data["surnames"]) > len(people)
    assert data["crime_codes"]


def test_book_in_names_hold_no_digits() -> None:
    from datetime import UTC, datetime

    from harness.oracle.custody_probes import booking

    assert [_letters(i) for i in (0, 25, 26, 27, 701)] == ["a", "z", "aa", "ab", "zz"]
    body = book_in(datetime(2026, 1, 1, tzinfo=UTC), 123, booking)
    assert not re.search(r"\d", body["detainee"]["forenames"][0])
