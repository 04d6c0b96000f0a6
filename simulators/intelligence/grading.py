"""Intelligence grading rules: 3x5x2 (current) and 5x5x5 (legacy, historic reports only).

Pure functions, no Flask: the API, the population loader and the tests apply one set of rules.
Each broken rule has a stable id, so a vendor (and a force's tender requirements) can name it:

| rule id                     | rule                                                                  |
|-----------------------------|-----------------------------------------------------------------------|
| GRD-scheme                  | the scheme is "3x5x2" or "5x5x5"                                      |
| GRD-scheme-legacy           | new submissions and regrading use 3x5x2; 5x5x5 only on historic reports |
| GRD-3x5x2-source            | 3x5x2 source evaluation is 1, 2 or 3                                  |
| GRD-3x5x2-assessment        | 3x5x2 intelligence assessment is A, B, C, D or E                      |
| GRD-3x5x2-handling          | 3x5x2 handling code is P or C                                         |
| GRD-handling-conditions     | handling code C needs non-empty handling conditions                   |
| GRD-handling-no-conditions  | handling code P must not carry handling conditions                    |
| GRD-5x5x5-source            | 5x5x5 source evaluation is A to E                                     |
| GRD-5x5x5-assessment        | 5x5x5 intelligence evaluation is 1 to 5                               |
| GRD-5x5x5-handling          | 5x5x5 handling code is 1 to 5                                         |

Decision on 5x5x5 (docs/domain.md 3.2): there is no published 1:1 mapping to 3x5x2, so historic 5x5x5
gradings are kept exactly as graded, with their scheme id, and never converted. Such reports
enter only through the population loader (an import of historic data). The API refuses 5x5x5 on
`POST /reports` and on a `PATCH` that regrades (GRD-scheme-legacy): regrading a historic report
means grading it afresh under 3x5x2. Legacy handling conditions are optional on every 5x5x5
handling code, because historic systems recorded them inconsistently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulators.domain import codelists
from simulators.intelligence.rules import Violation

SCHEME_3X5X2 = "3x5x2"
SCHEME_5X5X5 = "5x5x5"
SCHEMES = (SCHEME_3X5X2, SCHEME_5X5X5)

#: Every code any scheme uses, per dimension: what the wire schema lets through, so that a value
#: valid in one scheme but not the other reaches these rules and gets a named 422.
ALL_SOURCE_CODES = tuple(codelists.GRADING_3X5X2_SOURCE) + tuple(
    c for c in codelists.GRADING_5X5X5_SOURCE if c not in codelists.GRADING_3X5X2_SOURCE
)
ALL_ASSESSMENT_CODES = tuple(codelists.GRADING_3X5X2_INTELLIGENCE) + tuple(
    c for c in codelists.GRADING_5X5X5_INTELLIGENCE if c not in codelists.GRADING_3X5X2_INTELLIGENCE
)
ALL_HANDLING_CODES = tuple(codelists.GRADING_3X5X2_HANDLING) + tuple(
    c for c in codelists.GRADING_5X5X5_HANDLING if c not in codelists.GRADING_3X5X2_HANDLING
)


def _conditions(grading: Mapping[str, Any]) -> str | None:
    value = grading.get("handling_conditions")
    if value is None:
        return None
    return str(value)


def check_grading(grading: Mapping[str, Any], *, allow_legacy: bool = False) -> list[Violation]:
    """Every rule `grading` breaks (empty when it is valid).

    `allow_legacy=False` is the rule for new submissions and regrading (3x5x2 only);
    `allow_legacy=True` is for historic reports being imported.
    """
    scheme = grading.get("scheme", SCHEME_3X5X2)
    source = str(grading.get("source_evaluation", ""))
    assessment = str(grading.get("intelligence_assessment", ""))
    handling = str(grading.get("handling_code", ""))
    conditions = _conditions(grading)
    if scheme not in SCHEMES:
        return [Violation("GRD-scheme", "grading.scheme", f"unknown grading scheme {scheme!r}; use 3x5x2")]
    if scheme == SCHEME_5X5X5:
        if not allow_legacy:
            return [
                Violation(
                    "GRD-scheme-legacy",
                    "grading.scheme",
                    "5x5x5 is kept only on historic reports; grade new or regraded intelligence with 3x5x2",
                )
            ]
        return _check_5x5x5(source, assessment, handling)
    out: list[Violation] = []
    if source not in codelists.GRADING_3X5X2_SOURCE:
        out.append(
            Violation(
                "GRD-3x5x2-source",
                "grading.source_evaluation",
                f"3x5x2 source evaluation must be 1, 2 or 3, not {source!r}",
            )
        )
    if assessment not in codelists.GRADING_3X5X2_INTELLIGENCE:
        out.append(
            Violation(
                "GRD-3x5x2-assessment",
                "grading.intelligence_assessment",
                f"3x5x2 intelligence assessment must be A, B, C, D or E, not {assessment!r}",
            )
        )
    if handling not in codelists.GRADING_3X5X2_HANDLING:
        out.append(
            Violation(
                "GRD-3x5x2-handling",
                "grading.handling_code",
                f"3x5x2 handling code must be P or C, not {handling!r}",
            )
        )
    elif handling == "C" and not (conditions and conditions.strip()):
        out.append(
            Violation(
                "GRD-handling-conditions",
                "grading.handling_conditions",
                "handling code C (sharing with conditions) needs the handling conditions",
            )
        )
    elif handling == "P" and conditions and conditions.strip():
        out.append(
            Violation(
                "GRD-handling-no-conditions",
                "grading.handling_conditions",
                "handling code P (sharing permitted) must not carry handling conditions; use C",
            )
        )
    return out


def _check_5x5x5(source: str, assessment: str, handling: str) -> list[Violation]:
    out: list[Violation] = []
    if source not in codelists.GRADING_5X5X5_SOURCE:
        out.append(
            Violation(
                "GRD-5x5x5-source",
                "grading.source_evaluation",
                f"5x5x5 source evaluation must be A to E, not {source!r}",
            )
        )
    if assessment not in codelists.GRADING_5X5X5_INTELLIGENCE:
        out.append(
            Violation(
                "GRD-5x5x5-assessment",
                "grading.intelligence_assessment",
                f"5x5x5 intelligence evaluation must be 1 to 5, not {assessment!r}",
            )
        )
    if handling not in codelists.GRADING_5X5X5_HANDLING:
        out.append(
            Violation(
                "GRD-5x5x5-handling",
                "grading.handling_code",
                f"5x5x5 handling code must be 1 to 5, not {handling!r}",
            )
        )
    return out


def normalise_grading(grading: Mapping[str, Any]) -> dict[str, Any]:
    """The stored form of a valid grading: scheme explicit, empty conditions as None."""
    conditions = _conditions(grading)
    return {
        "scheme": grading.get("scheme", SCHEME_3X5X2),
        "source_evaluation": str(grading["source_evaluation"]),
        "intelligence_assessment": str(grading["intelligence_assessment"]),
        "handling_code": str(grading["handling_code"]),
        "handling_conditions": conditions.strip() if conditions and conditions.strip() else None,
    }


def grade_code(grading: Mapping[str, Any]) -> str:
    """The compact grade officers quote, e.g. "1AP" (3x5x2) or "B35" (5x5x5: source, intel, handling)."""
    return f"{grading['source_evaluation']}{grading['intelligence_assessment']}{grading['handling_code']}"
