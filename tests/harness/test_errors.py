"""One error hierarchy: every exception the harness defines is an InteropError with a documented
exit code, so the CLI says it in one line (control-flow signals excepted)."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

from harness.errors import (
    EXIT_FINDINGS,
    EXIT_INCONCLUSIVE,
    EXIT_USAGE,
    BadInput,
    CheckFailed,
    InteropError,
    NotJudged,
)

HARNESS = Path(__file__).resolve().parents[2] / "harness"
# Signals that unwind a run on purpose; they never reach the user.
CONTROL_FLOW = {"harness.console.runs.RunCancelled", "harness.scenarios.runner._Stop"}
BUILTIN_EXCEPTIONS = {
    name for name, obj in vars(builtins).items() if isinstance(obj, type) and issubclass(obj, BaseException)
}


def _classes() -> dict[str, tuple[str, list[str]]]:
    """`module.Class` -> (class name, base names), read from the source (nothing is imported)."""
    found = {}
    for path in sorted(HARNESS.rglob("*.py")):
        module = ".".join(path.relative_to(HARNESS.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
                found[f"{module}.{node.name}"] = (node.name, bases)
    return found


def test_every_harness_exception_is_an_interop_error() -> None:
    classes = _classes()
    bases_of: dict[str, list[str]] = {}
    for name, bases in classes.values():
        bases_of.setdefault(name, []).extend(bases)

    def reaches(name: str, goal: set[str], seen: frozenset[str] = frozenset()) -> bool:
        if name in goal:
            return True
        return name not in seen and any(reaches(b, goal, seen | {name}) for b in bases_of.get(name, []))

    exceptions = [
        qualified
        for qualified, (name, bases) in classes.items()
        if any(reaches(b, BUILTIN_EXCEPTIONS) or b.endswith(("Error", "Exception")) for b in bases)
    ]
    assert "harness.scenarios.document.ScenarioError" in exceptions  # the scan finds them
    strays = [q for q in exceptions if q not in CONTROL_FLOW and not reaches(classes[q][0], {"InteropError"})]
    assert strays == []


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InteropError("x"), EXIT_USAGE),
        (BadInput("x"), EXIT_USAGE),
        (CheckFailed("x"), EXIT_FINDINGS),
        (NotJudged("x"), EXIT_INCONCLUSIVE),
        (InteropError("x", 1), 1),
    ],
)
def test_each_kind_has_its_exit_code(error: InteropError, code: int) -> None:
    assert error.exit_code == code


def test_bad_input_is_still_a_value_error_for_parsers_callers() -> None:
    from harness.scenarios.expressions import ExpressionError

    with pytest.raises(ValueError):
        raise ExpressionError("bad expression")
