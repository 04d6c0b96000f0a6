"""People as forces record them: NI number, place of birth, nationality, both ethnicities, and the
identity defects that come with them (docs/domain.md 4.5, 5.2, 6)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from simulators.domain import codelists
from simulators.domain import ni_number as ni

from .conftest import Population


def _age(pop: Population, nominal: dict) -> float:
    return (pop.reference.date() - pop.true_dob[nominal["nominal_id"]]).days / 365.2425


def _originals(pop: Population) -> list[dict]:
    """Nominals that are not duplicates of another."""
    dups = {d["nominal_id"] for d in pop.defects("duplicate_nominal")}
    return [n for n in pop.records["nominals"] if n["nominal_id"] not in dups]


def test_every_nominal_has_the_identity_fields(population: Population):
    for n in population.records["nominals"]:
        for key in ("ni_number", "place_of_birth", "nationality", "self_defined_ethnicity"):
            assert key in n
        assert n["self_defined_ethnicity"] == n["ethnicity"]
        if n["self_defined_ethnicity"] is not None:
            assert n["self_defined_ethnicity"] in codelists.ETHNICITY_SELF_DEFINED_ALL
        if n["officer_observed_ethnicity"] is not None:
            assert n["officer_observed_ethnicity"] in codelists.ETHNICITY_OFFICER_DEFINED
        if n["nationality"] is not None:
            assert re.fullmatch("[A-Z]{3}", n["nationality"])


def test_most_adults_have_an_ni_number_and_children_none(realistic: Population):
    adults = [n for n in _originals(realistic) if _age(realistic, n) >= 16]
    children = [n for n in _originals(realistic) if _age(realistic, n) < 15.9]
    with_ni = sum(1 for n in adults if n["ni_number"])
    assert 0.65 <= with_ni / len(adults) <= 0.9, with_ni / len(adults)  # most, not all
    keyed = {d["nominal_id"] for d in realistic.records["defects"] if d["field"] == "ni_number"}
    assert children and all(n["ni_number"] is None for n in children if n["nominal_id"] not in keyed)
    offenders = [n for n in adults if n["pnc_id"]]
    assert sum(1 for n in offenders if n["ni_number"]) / len(offenders) > 0.85


def test_shares_of_the_other_details(realistic: Population):
    people = _originals(realistic)
    share = lambda key: sum(1 for n in people if n[key]) / len(people)  # noqa: E731
    assert 0.7 <= share("place_of_birth") <= 0.9
    assert 0.75 <= share("nationality") <= 0.95
    assert 0.3 <= share("officer_observed_ethnicity") <= 0.7
    nationalities = {n["nationality"] for n in people if n["nationality"]}
    assert "GBR" in nationalities and len(nationalities) > 5
    abroad = [n["place_of_birth"] for n in people if n["place_of_birth"] and ", " in n["place_of_birth"]]
    assert 0.03 < len(abroad) / len(people) < 0.3
    offenders = [n for n in people if n["pnc_id"]]
    assert sum(1 for n in offenders if n["officer_observed_ethnicity"]) / len(offenders) > 0.85


def test_observed_and_self_defined_ethnicity_are_two_observations(realistic: Population):
    pairs = [
        (n["self_defined_ethnicity"], n["officer_observed_ethnicity"])
        for n in realistic.records["nominals"]
        if n["self_defined_ethnicity"] and n["officer_observed_ethnicity"]
    ]
    assert sum(1 for s, o in pairs if s == "W1" and o == "IC1") > len(pairs) / 2  # mostly consistent
    assert any(s.startswith("B") and o == "IC3" for s, o in pairs)
    assert any(s == "W1" and o != "IC1" for s, o in pairs)  # but not always the same answer


def test_aliases_carry_their_own_dates_of_birth_and_markers_their_dates(realistic: Population):
    aliases = [a for n in realistic.records["nominals"] for a in n["aliases"]]
    assert any("date_of_birth" in a for a in aliases) and any("date_of_birth" not in a for a in aliases)
    markers = [m for n in realistic.records["nominals"] for m in n["warning_markers"]]
    assert markers and all(date.fromisoformat(m["added_on"]) < realistic.reference.date() for m in markers)


def test_recorded_ni_numbers_are_valid_unless_a_defect_says_so(population: Population):
    invalid = {d["nominal_id"]: d for d in population.defects("invalid_ni_number")}
    for n in population.records["nominals"]:
        if n["ni_number"] is None:
            continue
        if n["nominal_id"] in invalid:
            assert not ni.is_valid_ni_number(n["ni_number"])
            assert n["ni_number"][:2] in ni.NOT_ALLOCATED_PREFIXES
        else:
            assert ni.is_valid_ni_number(n["ni_number"]), n


def test_identity_defects_describe_the_change(defective: Population):
    for kind in ("invalid_ni_number", "shared_ni_number"):
        assert defective.defects(kind), kind
    holders = defaultdict(set)
    for n in defective.records["nominals"]:
        if n["ni_number"]:
            holders[n["ni_number"]].add(n["nominal_id"])
    for d in defective.defects("invalid_ni_number"):
        n = defective.nominals[d["nominal_id"]]
        assert n["ni_number"] == d["recorded_value"] and d["field"] == "ni_number"
        assert d["original_value"] is None or ni.is_valid_ni_number(d["original_value"])
    for d in defective.defects("shared_ni_number"):
        n = defective.nominals[d["nominal_id"]]
        assert n["ni_number"] == d["recorded_value"] != d["original_value"]
        assert len(holders[n["ni_number"]]) >= 2, "another nominal holds the same number"


def test_no_unrecorded_shared_ni_numbers(defective: Population):
    """Two nominals with one NI number are a recorded duplicate pair or a recorded keying error."""
    pairs = {
        frozenset((d["nominal_id"], d["original_nominal_id"])) for d in defective.defects("duplicate_nominal")
    }
    keyed = {d["nominal_id"] for d in defective.defects("shared_ni_number")}
    holders = defaultdict(list)
    for n in defective.records["nominals"]:
        if n["ni_number"]:
            holders[n["ni_number"]].append(n["nominal_id"])
    shared = [ids for ids in holders.values() if len(ids) > 1]
    assert shared
    for ids in shared:
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                assert frozenset((a, b)) in pairs or a in keyed or b in keyed, (a, b)
    # Duplicates often carry the same number: a records system can find them by it.
    assert any(frozenset(ids) in pairs for ids in shared)


def test_clean_population_has_only_valid_unique_numbers(clean: Population):
    numbers = [n["ni_number"] for n in clean.records["nominals"] if n["ni_number"]]
    assert numbers and all(ni.is_valid_ni_number(v) for v in numbers)
    assert len({v[:8] for v in numbers}) == len(numbers), "prefix and digits are unique"
