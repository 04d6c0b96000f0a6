"""A scenario's own requests keep to the standard: `validate` says every way they do not, at once,
and a request that breaks it at run time is a scenario error (skipped), never a product finding."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.engine.events import CheckResult, Finding
from harness.scenarios import Endpoint, Environment, ScenarioRunner, load_scenario, validate_file
from harness.scenarios.results import step_events
from tests.scenarios.conftest import Proxy, write_scenario

# Three steps, three mistakes: a misspelt body field (the standard's schema is closed), a query
# value of the wrong type, a test-support body field of the wrong type. Expressions are fine
# wherever a value is expected, even where the schema wants a number or a list.
MISTAKES = """
- workflowId: w
  inputs:
    type: object
    properties:
      surname: {type: string, x-interop-generate: name}
      hours: {type: integer, default: 5}
  steps:
    - stepId: create
      operationId: $sourceDescriptions.records.createNominal
      requestBody:
        payload: {surnme: $inputs.surname, forenames: [$inputs.surname], sex: female,
                  date_of_birth: '1980-01-02', address: {line1: 1 Park Row, town: Leeds, postcode: LS1 5AB}}
      successCriteria: [{condition: $statusCode == 201}]
    - stepId: search
      operationId: $sourceDescriptions.records.searchNominals
      parameters:
        - {name: limit, in: query, value: lots}
        - {name: surname, in: query, value: $inputs.surname}
      successCriteria: [{condition: $statusCode == 200}]
    - stepId: clock
      operationId: $sourceDescriptions.custodySim.advanceClock
      requestBody:
        payload: {hours: $inputs.hours, minutes: 'two'}
      successCriteria: [{condition: $statusCode == 200}]
"""


def test_validate_lists_every_request_problem_at_once(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, "mistakes", MISTAKES)
    _, problems = validate_file(path)
    text = [str(p) for p in problems]
    assert len(text) == 3, text
    assert text[0] == (
        "workflows[0] (w).steps[0] (create).requestBody.payload: field surnme: not a field the "
        "standard has here (did you mean 'surname'?)"
    )
    assert text[1] == (
        "workflows[0] (w).steps[1] (search).parameters[0] (limit): query parameter limit: 'lots' is "
        "text; the standard says integer"
    )
    assert text[2].startswith("workflows[0] (w).steps[2] (clock).requestBody.payload: field minutes: 'two'")
    assert "the test-support document" in text[2] and text[2].endswith("says number")

    r = subprocess.run(
        [sys.executable, "-m", "harness.cli", "scenario", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert "3 problem(s)" in r.stdout
    for step, field in (
        ("create", "field surnme"),
        ("search", "parameter limit"),
        ("clock", "field minutes"),
    ):
        assert f"({step}).{'parameters' if step == 'search' else 'requestBody'}" in r.stdout
        assert field in r.stdout

    fixed = MISTAKES.replace("surnme", "surname").replace("lots", "25").replace("'two'", "2")
    assert validate_file(write_scenario(tmp_path, "fixed", fixed))[1] == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{surname: X}", "field forenames: missing; the standard requires it"),
        ("{surname: X, forenames: Ann}", "field forenames: 'Ann' is text; the standard says array"),
        ("{surname: X, forenames: [A], sex: femal}", "field sex: 'femal' is not one of 'male', 'female'"),
        (
            "{surname: X, address: {line1: a, town: b, postcode: 12}}",
            "field address.postcode: 12 is a number",
        ),
        ("{surname: 'x {$inputs.n}', forenames: [A], sex: '{$inputs.n}'}", None),  # templates fit text
    ],
)
def test_body_literals_against_the_schema(tmp_path: Path, payload: str, message: str | None) -> None:
    flow = f"""
- workflowId: w
  inputs: {{type: object, properties: {{n: {{type: string, default: x}}}}}}
  steps:
    - stepId: create
      operationId: $sourceDescriptions.records.createNominal
      requestBody:
        payload: {payload}
      successCriteria: [{{condition: $statusCode == 201}}]
"""
    text = "\n".join(str(p) for p in validate_file(write_scenario(tmp_path, "one", flow))[1])
    if message is None:
        assert "payload" not in text, text
    else:
        assert message in text, text


# Valid on paper (the sex comes from an input), wrong once the input has its value.
WRONG_AT_RUN_TIME = """
- workflowId: w
  inputs:
    type: object
    properties:
      surname: {type: string, x-interop-generate: name}
      sex: {type: string, default: femal}
  steps:
    - stepId: create
      operationId: $sourceDescriptions.records.createNominal
      requestBody:
        payload: {surname: $inputs.surname, forenames: [Ann], sex: $inputs.sex, date_of_birth: '1980-01-02',
                  address: {line1: 1 Park Row, town: Leeds, postcode: LS1 5AB}}
      successCriteria: [{condition: $statusCode == 201}]
    - stepId: after
      operationId: $sourceDescriptions.records.searchNominals
      parameters:
        - {name: surname, in: query, value: $inputs.surname}
      successCriteria: [{condition: $statusCode == 200}]
"""


@pytest.mark.xdist_group("scenarios")
def test_a_request_that_breaks_the_standard_at_run_time_is_a_scenario_error(
    scenario_env: Environment, tmp_path: Path
) -> None:
    path = write_scenario(tmp_path, "wrong-at-run-time", WRONG_AT_RUN_TIME)
    assert validate_file(path)[1] == []
    records = Proxy(scenario_env["records"].url)
    try:
        endpoints = dict(scenario_env.endpoints)
        endpoints["records"] = Endpoint("records", records.url, scenario_env["records"].tokens, "target")
        outcome = ScenarioRunner(Environment(endpoints)).run(load_scenario(path))
    finally:
        records.stop()
    assert records.count == 0  # the broken request was never sent to the product
    assert outcome.status == "error"
    events = list(step_events(outcome))
    assert not [e for e in events if isinstance(e, Finding)]
    create, after = events
    assert isinstance(create, CheckResult) and create.status == "skipped" and create.required
    assert create.message.startswith(
        "scenario error: the request of step create (createNominal) breaks the standard, so it was not sent: "
        "field sex: 'femal' is not one of 'male', 'female'"
    )
    assert "(the value of $inputs.sex)" in create.message
    assert isinstance(after, CheckResult) and after.status == "skipped" and not after.required
    assert after.message == "not run: step create has a scenario error"


@pytest.mark.xdist_group("scenarios")
def test_a_scenario_error_in_a_called_workflow_stops_the_caller(
    scenario_env: Environment, tmp_path: Path
) -> None:
    flow = """
- workflowId: main
  steps:
    - stepId: call
      workflowId: advance
      parameters:
        - {name: minutes, value: soon}
    - stepId: read
      operationId: $sourceDescriptions.custodySim.getClock
      successCriteria: [{condition: $statusCode == 200}]
- workflowId: advance
  inputs: {type: object, properties: {minutes: {}}}
  steps:
    - stepId: move
      operationId: $sourceDescriptions.custodySim.advanceClock
      requestBody:
        payload: {minutes: $inputs.minutes}
      successCriteria: [{condition: $statusCode == 200}]
"""
    path = write_scenario(tmp_path, "called", flow)
    assert validate_file(path)[1] == []
    outcome = ScenarioRunner(scenario_env).run(load_scenario(path))
    steps = {s.name: s for s in outcome.steps}
    assert outcome.status == "error"
    move = steps["call > move"]
    assert (
        move.scenario_error
        and move.required
        and move.message.startswith(
            "scenario error: the request of step move (advanceClock) breaks the test-support document"
        )
    )
    assert "field minutes: 'soon' is text" in move.message
    assert steps["call"].status == "skipped" and not steps["call"].required
    assert (
        steps["read"].status == "skipped"
        and steps["read"].message == "not run: step call > move has a scenario error"
    )
    assert not [e for e in step_events(outcome) if isinstance(e, Finding)]
