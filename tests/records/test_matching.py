"""The pure matching helpers: folding, spelling variants, Soundex, partial dates."""

from __future__ import annotations

from datetime import date

import pytest

from simulators.core.problems import Problem
from simulators.records import dates, names


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("O'Brien", "OBRIEN"),
        ("O Brien", "obrien"),
        ("Smith-Jones", "Smith Jones"),
        ("Zoë", "Zoe"),
        ("Siân", "SIAN"),
        ("Øyvind", "oyvind"),
        ("Straße", "STRASSE"),
    ],
)
def test_fold_ignores_case_accents_and_punctuation(a: str, b: str) -> None:
    assert names.fold(a) == names.fold(b)


def test_fold_keeps_non_latin_letters() -> None:
    assert names.fold("Иванов") == "иванов"
    assert names.soundex(names.fold("Иванов")) == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Steven", "Stephen"),
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Mohammad"),
        ("Catherine", "Kathryn"),
        ("Jon", "John"),
        ("Sean", "Shaun"),
    ],
)
def test_forename_variants(a: str, b: str) -> None:
    assert names.forename_variant(a) == names.forename_variant(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Macdonald", "McDonald"), ("Mac Donald", "MCDONALD"), ("McKay", "MacKay"), ("Thomson", "Thompson")],
)
def test_surname_variants(a: str, b: str) -> None:
    assert names.surname_variant(a) == names.surname_variant(b)


def test_unrelated_names_are_not_variants() -> None:
    assert names.forename_variant("Steven") != names.forename_variant("Stuart")
    assert names.compare(names.surname_keys("Smith"), names.surname_keys("Jones")) is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Rubin", "R150"),
        ("Ashcraft", "A261"),
        ("Tymczak", "T522"),
        ("Pfister", "P236"),
        ("Honeyman", "H555"),
        ("Lee", "L000"),
    ],
)
def test_soundex_follows_the_american_rules(name: str, code: str) -> None:
    assert names.soundex(name.lower()) == code


def test_compare_grades_matches() -> None:
    q = names.forename_keys("Stephen")
    assert names.compare(q, names.forename_keys("STEPHEN")) == "exact"
    assert names.compare(q, names.forename_keys("Steven")) == "variant"
    assert names.compare(names.surname_keys("Thompson"), names.surname_keys("Tompsen")) == "phonetic"


@pytest.mark.parametrize(
    ("stored", "query", "kind"),
    [
        ("1985-03-04", "1985-03-04", "exact"),
        ("1985", "1985-03-04", "partial"),
        ("1985-03-04", "1985", "partial"),
        ("1985-03", "1985-04", None),
        (None, "1985", None),
    ],
)
def test_partial_dates_are_compatible_by_prefix(stored: str | None, query: str, kind: str | None) -> None:
    assert dates.compatible(stored, query) == kind


def test_partial_date_checks() -> None:
    today = date(2025, 6, 1)
    dates.check_partial_date("2025-06", "dob", today)  # the current month is not in the future
    for value, rule in (
        ("2025-07", "RMS-DAT-002"),
        ("2024-02-30", "RMS-DAT-001"),
        ("1899-12-31", "RMS-DAT-003"),
    ):
        with pytest.raises(Problem) as exc:
            dates.check_partial_date(value, "dob", today)
        assert exc.value.rule == rule
    assert dates.age_on("2008-06-02", today) == 16 and dates.age_on("2008", today) is None
