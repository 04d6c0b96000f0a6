"""The runner keeps Arazzo's semantics (goto, end, retry, sub-workflows, dependsOn, outputs) and
skips, rather than fails, a scenario the systems cannot support."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.engine.events import CheckResult, Finding
from harness.scenarios import Endpoint, Environment, ScenarioRunner, load_scenario
from harness.scenarios.results import step_events
from simulators.core.server import free_port
from tests.scenarios.conftest import SCENARIOS, Proxy, write_scenario

pytestmark = pytest.mark.xdist_group("scenarios")

FLOW = """
- workflowId: main
  dependsOn: [prepare]
  steps:
    - stepId: page
      description: Page through nominals 25 at a time (goto while there is a next page).
      operationId: $sourceDescriptions.records.searchNominals
      parameters:
        - {name: limit, in: query, value: 25}
        - {name: cursor, in: query, value: $steps.page.outputs.cursor}
      successCriteria:
        - condition: $statusCode == 200
      outputs:
        cursor: $response.body#/next_cursor
      onSuccess:
        - name: next-page
          type: goto
          stepId: page
          criteria: [{condition: $response.body#/next_cursor != null}]
    - stepId: call
      workflowId: read-clock
      parameters:
        - {name: label, value: "custody {$workflows.prepare.outputs.system}"}
      outputs:
        now: $outputs.now
        label: $outputs.label
    - stepId: handled
      description: Criteria not met, but the workflow handles it with a goto.
      operationId: $sourceDescriptions.custodySim.getClock
      successCriteria:
        - condition: $statusCode == 201
      onFailure:
        - {name: carry-on, type: goto, stepId: retried}
    - stepId: skipped-by-goto
      operationId: $sourceDescriptions.custodySim.getClock
      successCriteria:
        - condition: $statusCode == 200
    - stepId: retried
      operationId: $sourceDescriptions.custodySim.getClock
      successCriteria:
        - condition: $statusCode == 200
        - condition: $steps.call.outputs.label == 'custody custody'
      onSuccess:
        - {name: done, type: end}
    - stepId: never
      operationId: $sourceDescriptions.custodySim.getClock
      successCriteria:
        - condition: $statusCode == 200
  outputs:
    clock: $steps.call.outputs.now
- workflowId: prepare
  steps:
    - stepId: health
      operationId: $sourceDescriptions.custody.getHealth
      successCriteria:
        - condition: $response.body#/system == 'custody'
      outputs:
        system: $response.body#/system
  outputs:
    system: $steps.health.outputs.system
- workflowId: read-clock
  inputs:
    type: object
    properties:
      label: {type: string}
  steps:
    - stepId: clock
      operationId: $sourceDescriptions.custodySim.getClock
      successCriteria:
        - condition: $response.body#/frozen == false
      outputs:
        now: $response.body#/now
  outputs:
    now: $steps.clock.outputs.now
    label: $inputs.label
"""

RETRY = """
- workflowId: retry
  steps:
    - stepId: never-201
      operationId: $sourceDescriptions.custodySim.getClock
      successCriteria:
        - condition: $statusCode == 201
      onFailure:
        - {name: again, type: retry, retryAfter: 0, retryLimit: 2}
    - stepId: after
      operationId: $sourceDescriptions.custodySim.getClock
"""


def by_name(outcome: Any) -> dict[str, Any]:
    return {s.name: s for s in outcome.steps}


def test_arazzo_flow_semantics(scenario_env: Environment, tmp_path: Path) -> None:
    outcome = ScenarioRunner(scenario_env).run(load_scenario(write_scenario(tmp_path, "flow", FLOW)))
    steps = by_name(outcome)
    assert outcome.status == "passed", [(s.name, s.status, s.message) for s in outcome.steps]
    assert steps["prepare > health"].number == "prepare.01" and steps["prepare > health"].status == "passed"
    assert steps["page"].runs >= 3  # at least 60 people, 25 a page
    assert steps["call"].operation == "workflow read-clock" and steps["call > clock"].number == "02.01"
    assert (
        steps["handled"].status == "passed"
        and "criteria not met; carry-on: went to retried" in steps["handled"].message
    )
    assert steps["skipped-by-goto"].status == "skipped"
    assert (
        steps["never"].status == "skipped"
        and "the workflow ended at step retried (done)" in steps["never"].message
    )
    assert outcome.outputs["clock"].endswith("+00:00")
    events = list(step_events(outcome))
    assert not [e for e in events if isinstance(e, Finding)]
    page = next(e for e in events if isinstance(e, CheckResult) and e.name == "flow: page")
    assert "ran " in page.message and page.requirement == "SCN-flow-01"


def test_retry_then_fail(scenario_env: Environment, tmp_path: Path) -> None:
    outcome = ScenarioRunner(scenario_env).run(load_scenario(write_scenario(tmp_path, "retry", RETRY)))
    steps = by_name(outcome)
    assert steps["never-201"].status == "failed" and steps["never-201"].runs == 3
    assert "after 2 retries" in steps["never-201"].message
    assert steps["after"].status == "skipped"
    finding = next(e for e in step_events(outcome) if isinstance(e, Finding))
    assert finding.detail.startswith(
        "system custody, operation getClock: expected $statusCode == 201, got $statusCode = 200"
    )
    assert finding.operation == "GET /_sim/clock" and finding.requirement == "SCN-retry-01"


@pytest.fixture
def custody_without_sim(scenario_env: Environment) -> Iterator[Environment]:
    """The custody simulator behind a proxy that offers no /_sim/ (like a vendor product)."""
    proxy = Proxy(scenario_env["custody"].url, hide_sim=True)
    endpoints = dict(scenario_env.endpoints)
    endpoints["custody"] = Endpoint("custody", proxy.url, scenario_env["custody"].tokens, "target")
    yield Environment(endpoints)
    proxy.stop()


def test_a_product_without_clock_control_has_the_scenario_skipped(custody_without_sim: Environment) -> None:
    runner = ScenarioRunner(custody_without_sim)
    skipped = runner.run(load_scenario(SCENARIOS / "review-overdue.arazzo.yaml"))
    assert skipped.status == "skipped"
    assert skipped.skipped.startswith(
        "not run: needs clock control, which is not part of the standard (the custody system at "
    )
    assert "does not offer /_sim/clock, which step freeze-custody-clock needs" in skipped.skipped
    (event,) = step_events(skipped)
    assert isinstance(event, CheckResult) and event.status == "skipped" and event.required
    assert event.message == skipped.skipped and event.requirement == "PACE-s40-review"
    # The same product passes a scenario that needs no test support from it.
    assert runner.run(load_scenario(SCENARIOS / "arrest-to-charge.arazzo.yaml")).status == "passed"


class NoTokens:
    def token(self, scopes: Any = None) -> None:
        return None


def test_no_token_skips_and_an_unreachable_system_fails(scenario_env: Environment, tmp_path: Path) -> None:
    endpoints = dict(scenario_env.endpoints)
    endpoints["records"] = Endpoint("records", scenario_env["records"].url, NoTokens(), "target")
    outcome = ScenarioRunner(Environment(endpoints)).run(
        load_scenario(SCENARIOS / "arrest-to-charge.arazzo.yaml")
    )
    assert outcome.status == "skipped" and outcome.skipped.startswith(
        "not run: no access token with exactly the scopes records:write"
    )

    endpoints["records"] = Endpoint(
        "records", f"http://127.0.0.1:{free_port()}", scenario_env["records"].tokens, "x"
    )
    outcome = ScenarioRunner(Environment(endpoints), timeout=5).run(
        load_scenario(SCENARIOS / "arrest-to-charge.arazzo.yaml")
    )
    finding = next(e for e in step_events(outcome) if isinstance(e, Finding))
    assert finding.title == "arrest-to-charge: create-nominal"
    assert "expected a response, got connection refused or host unreachable" in finding.detail
