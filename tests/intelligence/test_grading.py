"""The grading rules (pure functions): every rule id, both schemes."""

from __future__ import annotations

import itertools

import pytest

from simulators.domain import codelists
from simulators.intelligence.grading import check_grading, grade_code, normalise_grading


def g(
    source: str, assessment: str, handling: str, conditions: str | None = None, scheme: str = "3x5x2"
) -> dict:
    return {
        "scheme": scheme,
        "source_evaluation": source,
        "intelligence_assessment": assessment,
        "handling_code": handling,
        "handling_conditions": conditions,
    }


def rules(grading: dict, **kw: bool) -> list[str]:
    return [v.rule for v in check_grading(grading, **kw)]


@pytest.mark.parametrize(("source", "assessment"), list(itertools.product("123", "ABCDE")))
def test_every_3x5x2_source_and_assessment_is_valid_with_p_and_with_c_plus_conditions(source, assessment):
    assert rules(g(source, assessment, "P")) == []
    assert rules(g(source, assessment, "C", "Only to partner agencies with the SIO's consent")) == []


def test_scheme_defaults_to_3x5x2_when_absent():
    grading = {"source_evaluation": "1", "intelligence_assessment": "A", "handling_code": "P"}
    assert rules(grading) == []
    assert normalise_grading(grading)["scheme"] == "3x5x2"


@pytest.mark.parametrize(
    ("grading", "expected"),
    [
        (g("4", "A", "P"), ["GRD-3x5x2-source"]),
        (g("A", "A", "P"), ["GRD-3x5x2-source"]),
        (g("1", "5", "P"), ["GRD-3x5x2-assessment"]),
        (g("1", "F", "P"), ["GRD-3x5x2-assessment"]),
        (g("1", "A", "3"), ["GRD-3x5x2-handling"]),
        (g("1", "A", "C"), ["GRD-handling-conditions"]),
        (g("1", "A", "C", ""), ["GRD-handling-conditions"]),
        (g("1", "A", "C", "   "), ["GRD-handling-conditions"]),
        (g("1", "A", "P", "Do not share"), ["GRD-handling-no-conditions"]),
        (g("E", "5", "5"), ["GRD-3x5x2-source", "GRD-3x5x2-assessment", "GRD-3x5x2-handling"]),
        (g("1", "A", "P", scheme="4x4x4"), ["GRD-scheme"]),
        (g("B", "3", "5", scheme="5x5x5"), ["GRD-scheme-legacy"]),
    ],
)
def test_invalid_3x5x2_combinations_name_each_rule(grading, expected):
    assert rules(grading) == expected


def test_p_with_empty_or_blank_conditions_is_plain_p():
    assert rules(g("1", "A", "P", "")) == []
    assert rules(g("1", "A", "P", "  ")) == []
    assert normalise_grading(g("1", "A", "P", "  "))["handling_conditions"] is None


def test_legacy_5x5x5_is_accepted_only_for_historic_reports_and_checked_exactly():
    assert rules(g("B", "3", "5", scheme="5x5x5"), allow_legacy=True) == []
    for s, i, h in itertools.product("ABCDE", "12345", "12345"):
        assert rules(g(s, i, h, scheme="5x5x5"), allow_legacy=True) == []
    assert rules(g("1", "A", "P", scheme="5x5x5"), allow_legacy=True) == [
        "GRD-5x5x5-source",
        "GRD-5x5x5-assessment",
        "GRD-5x5x5-handling",
    ]
    assert rules(g("F", "6", "0", scheme="5x5x5"), allow_legacy=True) == [
        "GRD-5x5x5-source",
        "GRD-5x5x5-assessment",
        "GRD-5x5x5-handling",
    ]


def test_violations_name_the_field_and_never_quote_free_text():
    (violation,) = check_grading(g("1", "A", "P", "SECRET-CONDITION-TEXT"))
    assert violation.field == "grading.handling_conditions"
    assert "SECRET-CONDITION-TEXT" not in violation.message


def test_normalise_keeps_the_grading_exactly_and_strips_conditions():
    assert normalise_grading(g("2", "B", "C", "  keep within force ")) == g(
        "2", "B", "C", "keep within force"
    )
    assert normalise_grading(g("B", "3", "5", scheme="5x5x5")) == g("B", "3", "5", scheme="5x5x5")


def test_grade_code_is_the_compact_form_officers_quote():
    assert grade_code(g("1", "A", "P")) == "1AP"
    assert grade_code(g("B", "3", "5", scheme="5x5x5")) == "B35"


def test_wire_enums_cover_exactly_the_codes_of_both_schemes():
    from simulators.core.spec import load_spec
    from simulators.intelligence import grading

    schemas = load_spec("intelligence")["components"]["schemas"]
    assert set(schemas["SourceEvaluation"]["enum"]) == set(grading.ALL_SOURCE_CODES)
    assert set(schemas["IntelligenceAssessment"]["enum"]) == set(grading.ALL_ASSESSMENT_CODES)
    assert set(schemas["HandlingCode"]["enum"]) == set(grading.ALL_HANDLING_CODES)
    assert set(schemas["GradingScheme"]["enum"]) == set(codelists.GRADING_SCHEMES)
