"""Injected data-quality defects: configured rates, complete ground truth, none when clean."""

from __future__ import annotations

import math
from datetime import date

import pytest

from simulators.domain import identifiers as ids
from simulators.population import DEFAULT_DEFECT_RATES, DEFECT_KINDS

from .conftest import Population


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _within(count: int, people: int, rate: float) -> bool:
    expected = people * rate
    sd = math.sqrt(people * rate * (1 - rate))
    return abs(count - expected) <= 4 * sd + 3


@pytest.mark.parametrize("kind", DEFECT_KINDS)
def test_each_kind_at_the_configured_rate(defective: Population, kind: str):
    count = len(defective.defects(kind))
    people = defective.spec.people
    assert 0.075 * people <= count <= 0.125 * people, (kind, count)


@pytest.mark.parametrize("kind", DEFECT_KINDS)
def test_default_rates_are_realistic_defaults(realistic: Population, kind: str):
    count = len(realistic.defects(kind))
    assert _within(count, realistic.spec.people, DEFAULT_DEFECT_RATES[kind]), (kind, count)


def test_clean_population_has_no_defects(clean: Population):
    assert clean.records["defects"] == []
    assert len(clean.records["nominals"]) == clean.spec.people  # no duplicates
    for n in clean.records["nominals"]:
        assert ids.is_valid_postcode(n["address"]["postcode"]), n["address"]["postcode"]
        assert len(n["date_of_birth"]) == 10
        assert n["ethnicity"] is not None and "county" in n["address"]


def test_defects_point_at_nominals(population: Population):
    for d in population.records["defects"]:
        assert d["kind"] in DEFECT_KINDS
        assert d["nominal_id"] in population.nominals
        assert d["field"] and d["detail"]
        if d["kind"] == "duplicate_nominal":
            assert d["original_nominal_id"] in population.nominals
            assert d["original_nominal_id"] != d["nominal_id"]
        else:
            assert d["original_nominal_id"] is None


def test_every_visible_defect_is_recorded(defective: Population):
    """Scan the nominals for each kind of problem and require a matching defect record."""
    recorded = {(d["kind"], d["nominal_id"], d["field"]) for d in defective.records["defects"]}
    for nid, n in defective.nominals.items():
        postcode = n["address"]["postcode"]
        if not ids.is_valid_postcode(postcode):
            assert ("postcode_format", nid, "address.postcode") in recorded
            assert ids.is_valid_postcode(postcode, strict=False), "still a real postcode, just sloppy"
        if len(n["date_of_birth"]) < 10:
            assert ("partial_dob", nid, "date_of_birth") in recorded
        if "county" not in n["address"]:
            assert ("missing_optional", nid, "address.county") in recorded
        if n["ethnicity"] is None:
            assert ("missing_optional", nid, "ethnicity") in recorded


def test_defect_values_describe_the_change(defective: Population):
    for d in defective.records["defects"]:
        n = defective.nominals[d["nominal_id"]]
        if d["kind"] == "postcode_format":
            assert n["address"]["postcode"] == d["recorded_value"] != d["original_value"]
            assert ids.normalise_postcode(d["recorded_value"]) == d["original_value"]
        elif d["kind"] == "partial_dob":
            assert n["date_of_birth"] == d["recorded_value"] and len(d["recorded_value"]) in (4, 7)
            assert d["original_value"].startswith(d["recorded_value"][:4])
        elif d["kind"] == "transposed_dob":
            true = date.fromisoformat(d["original_value"])
            swapped = date.fromisoformat(d["recorded_value"])
            assert (swapped.year, swapped.month, swapped.day) == (true.year, true.day, true.month)
            assert swapped != true
            assert d["recorded_value"].startswith(n["date_of_birth"])  # a partial_dob may also apply
        elif d["kind"] == "alias_as_primary":
            primary = f"{' '.join(n['forenames'])} {n['surname']}"
            assert primary == d["recorded_value"] != d["original_value"]
            alias_names = [f"{' '.join(a['forenames'])} {a['surname']}" for a in n["aliases"]]
            assert d["original_value"] in alias_names, "the true name is held as an alias"
        elif d["kind"] == "missing_optional":
            assert d["original_value"] is not None and d["recorded_value"] is None


def test_duplicates_are_the_same_person_with_a_variant(defective: Population):
    dups = defective.defects("duplicate_nominal")
    assert dups
    kinds_of_change = set()
    for d in dups:
        dup = defective.nominals[d["nominal_id"]]
        orig = defective.nominals[d["original_nominal_id"]]
        assert defective.true_dob[dup["nominal_id"]] == defective.true_dob[orig["nominal_id"]]
        assert dup["sex"] == orig["sex"]
        assert dup["pnc_id"] is None and dup["cro_number"] is None
        if d["field"] == "forenames":
            assert dup["forenames"] == d["recorded_value"] != d["original_value"]
        else:
            assert d["field"] == "surname"
            assert dup["surname"] == d["recorded_value"] != d["original_value"]
        kinds_of_change.add(d["detail"].split("(")[-1].rstrip(")"))
    # The classic variants all occur: spelling tables, hyphens, Mac/Mc, keying errors.
    assert {"spelling variant", "keying error"} <= kinds_of_change


def test_no_unrecorded_duplicates(defective: Population):
    """Two nominals with the same true DOB and sex and near-identical names must be a recorded pair."""
    pairs = {
        frozenset((d["nominal_id"], d["original_nominal_id"])) for d in defective.defects("duplicate_nominal")
    }
    groups: dict[tuple, list[dict]] = {}
    for n in defective.records["nominals"]:
        groups.setdefault((defective.true_dob[n["nominal_id"]], n["sex"]), []).append(n)
    true_names = {}
    for d in defective.defects("alias_as_primary"):
        true_names[d["nominal_id"]] = d["original_value"]
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                name_a = true_names.get(a["nominal_id"], f"{' '.join(a['forenames'])} {a['surname']}")
                name_b = true_names.get(b["nominal_id"], f"{' '.join(b['forenames'])} {b['surname']}")
                if (
                    _edit_distance(name_a.split()[-1], name_b.split()[-1]) <= 2
                    and _edit_distance(name_a.split()[0], name_b.split()[0]) <= 3
                ):
                    assert frozenset((a["nominal_id"], b["nominal_id"])) in pairs, (name_a, name_b)


def test_duplicates_are_linked_like_real_records(defective: Population):
    linked = {ln["nominal_id"] for o in defective.records["occurrences"] for ln in o["links"]}
    for d in defective.defects("duplicate_nominal"):
        assert d["nominal_id"] in linked
