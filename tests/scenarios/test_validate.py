"""`interop scenario validate`: the shipped scenarios are valid Arazzo 1.0; a bad one is explained."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import InteropError
from harness.scenarios import find, scenario_files, validate_file
from harness.scenarios.checks import schema_problems
from harness.scenarios.generate import Generator, InputError, parse_duration, resolve_inputs
from simulators.domain.identifiers import is_valid_pnc_id
from tests.scenarios.conftest import SCENARIOS, write_scenario

REQUIRED = {
    "arrest-to-charge",
    "intelligence-led-arrest",
    "unknown-detainee-merge",
    "review-overdue",
    "rui-then-rearrest",
    "restricted-intelligence",
    "national-index-rebuild",
    "provider-down",
}


def test_the_shipped_scenarios_are_valid_and_complete() -> None:
    files = scenario_files(SCENARIOS)
    names = {f.name.removesuffix(".arazzo.yaml") for f in files}
    assert names >= REQUIRED
    for path in files:
        scenario, problems = validate_file(path)
        assert not problems, f"{path.name}: {[str(p) for p in problems]}"
        assert scenario is not None and scenario.key_role in ("records", "custody", "intelligence")
        for step in scenario.main["steps"]:
            assert step.get("successCriteria"), (
                f"{path.name}: step {step['stepId']} states no success criteria"
            )
    assert (SCENARIOS / "support" / "sim-support.yaml") not in files


GOOD_STEP = """
- workflowId: w
  steps:
    - stepId: read
      operationId: $sourceDescriptions.records.getNominal
      parameters:
        - {name: nominal_id, in: path, value: 7d3f1c9e-2b1a-4c7e-9d2f-5a6b7c8d9e0f}
      successCriteria:
        - condition: $statusCode == 200
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "successCriteria:",
            "sucessCriteria:",
            "unknown field 'sucessCriteria' (did you mean successCriteria?)",
        ),
        (
            "records.getNominal",
            "records.getNominel",
            "source 'records' has no operation 'getNominel' (did you mean getNominal",
        ),
        (
            "$sourceDescriptions.records.getNominal",
            "getIntelligenceIndicator",
            "operationId 'getIntelligenceIndicator' is in several sources",
        ),
        ("name: nominal_id, in: path", "name: nominal, in: path", "needs path parameter 'nominal_id'"),
        ("$statusCode == 200", "$statusCode = 200", "compare with '=='"),
        ("$statusCode == 200", "$steps.nope.outputs.x == 1", "no step 'nope' in this workflow"),
        ("$statusCode == 200", "$inputs.surname == 'x'", "the workflow declares no input 'surname'"),
        (
            "7d3f1c9e-2b1a-4c7e-9d2f-5a6b7c8d9e0f}",
            "x}\n        - {name: surnam, in: query, value: x}",
            "getNominal has no query parameter 'surnam'",
        ),
        ("stepId: read", "stepId: read\n      x-interop-client: nobody", "no client 'nobody'"),
        (
            "stepId: read",
            "stepId: read\n      onSuccess: [{name: n, type: goto, stepId: elsewhere}]",
            "goto names no step 'elsewhere'",
        ),
        ("stepId: read", "stepId: read\n      operationPath: x", "a step calls exactly one of operationId"),
    ],
)
def test_problems_are_explained(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = write_scenario(tmp_path, "bad", GOOD_STEP.replace(old, new, 1))
    _, problems = validate_file(path)
    assert any(message in str(p) for p in problems), [str(p) for p in problems]
    good = write_scenario(tmp_path, "good", GOOD_STEP)
    assert validate_file(good)[1] == []


def test_sources_yaml_and_inputs_are_checked(tmp_path: Path) -> None:
    sources = f"""
sourceDescriptions:
  - {{name: records, url: {tmp_path / "missing.yaml"}, type: openapi}}
  - {{name: payroll, url: {tmp_path / "missing.yaml"}}}
"""
    path = write_scenario(tmp_path, "src", GOOD_STEP, sources=sources)
    text = "\n".join(str(p) for p in validate_file(path)[1])
    assert "source 'records': no file at" in text and "payroll" in text and "no known system" in text

    broken = tmp_path / "broken.arazzo.yaml"
    broken.write_text("arazzo: 1.0.1\ninfo: {title: x\n")
    _, problems = validate_file(broken)
    assert len(problems) == 1 and "not valid YAML (line" in str(problems[0])

    inputs = GOOD_STEP.replace(
        "  steps:",
        "  inputs:\n    type: object\n    required: [who]\n    properties:\n"
        "      who: {type: string}\n      when: {type: string, x-interop-generate: timestamp,"
        " x-interop-offset: 5 hours}\n      n: {type: string, x-interop-generate: nam}\n  steps:",
    )
    text = "\n".join(str(p) for p in validate_file(write_scenario(tmp_path, "inp", inputs))[1])
    assert "input 'who' is required but has no default" in text
    assert "'5 hours' is not an ISO 8601 duration" in text
    assert "x-interop-generate 'nam' is unknown (did you mean name?)" in text


def test_schema_rejects_what_arazzo_1_0_does() -> None:
    assert any("required property" in p.message for p in schema_problems({"arazzo": "1.0.1"}))
    doc = {
        "arazzo": "2.0.0",
        "info": {"title": "t", "version": "1"},
        "sourceDescriptions": [],
        "workflows": [
            {
                "workflowId": "w",
                "steps": [
                    {
                        "stepId": "s",
                        "workflowId": "w",
                        "successCriteria": [{"condition": "x", "type": "jsonpath"}],
                    }
                ],
            }
        ],
    }
    text = "\n".join(str(p) for p in schema_problems(doc))
    assert "arazzo" in text and "sourceDescriptions" in text and "'context' is a dependency of 'type'" in text


def test_generated_inputs() -> None:
    gen = Generator()
    assert is_valid_pnc_id(gen.value("pnc-id"))
    name = gen.value("name")
    assert name.isalpha() and name[0].isupper() and len(name) == 9
    assert gen.value("timestamp", "-PT2H30M") < gen.value("timestamp") < gen.value("timestamp", "P1D")
    assert parse_duration("-PT5H30M").total_seconds() == -(5 * 3600 + 30 * 60)
    with pytest.raises(ValueError):
        parse_duration("P1Y")
    schema = {
        "type": "object",
        "required": ["a"],
        "properties": {
            "a": {"type": "integer"},
            "b": {"type": "string", "default": "x"},
            "c": {"type": "string", "x-interop-generate": "uuid"},
        },
    }
    values = resolve_inputs(schema, {"a": 1}, gen)
    assert values["a"] == 1 and values["b"] == "x" and len(values["c"]) == 36
    assert resolve_inputs(schema, {"a": 1, "b": "given"}, gen)["b"] == "given"
    with pytest.raises(InputError, match="inputs.a: 'x' is not of type 'integer'"):
        resolve_inputs(schema, {"a": "x"}, gen)


def test_catalogue_finds_by_name_and_explains_a_typo(tmp_path: Path) -> None:
    assert find("arrest-to-charge", SCENARIOS).name == "arrest-to-charge.arazzo.yaml"
    with pytest.raises(InteropError, match="did you mean arrest-to-charge"):
        find("arest-to-charge", SCENARIOS)
    (tmp_path / "notes.yaml").write_text("just: notes\n")
    (tmp_path / "plain.yaml").write_text("arazzo: 1.0.1\n")
    assert [p.name for p in scenario_files(tmp_path)] == ["plain.yaml"]


def test_validate_command(tmp_path: Path) -> None:
    bad = write_scenario(tmp_path, "bad", GOOD_STEP.replace("$statusCode == 200", "$statusCode = 200"))
    good = SCENARIOS / "arrest-to-charge.arazzo.yaml"
    r = subprocess.run(
        [sys.executable, "-m", "harness.cli", "scenario", "validate", str(good), str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1, r.stderr
    assert "valid Arazzo 1.0 scenario 'arrest-to-charge'" in r.stdout
    assert "1 problem(s)" in r.stdout and "compare with '=='" in r.stdout
    ok = subprocess.run(
        [sys.executable, "-m", "harness.cli", "scenario", "validate", str(good)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_requirements_are_declared_on_the_scenario(tmp_path: Path) -> None:
    requirements = "{custody: [PACE-s40-review], payrol: [X-1], records: X}"
    declared = GOOD_STEP.replace("  steps:", f"  x-interop-requirements: {requirements}\n  steps:")
    text = "\n".join(str(p) for p in validate_file(write_scenario(tmp_path, "req", declared))[1])
    assert "'payrol' is not a system" in text
    assert "the rule ids for records are a list of ids" in text
    good = GOOD_STEP.replace("  steps:", "  x-interop-requirements: {custody: [PACE-s40-review]}\n  steps:")
    scenario, problems = validate_file(write_scenario(tmp_path, "ok", good))
    assert problems == [] and scenario is not None
    assert scenario.requirements == {"custody": ["PACE-s40-review"]}
