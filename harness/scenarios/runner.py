"""Run one scenario: its workflow's steps in order, each on the system of its source.

Arazzo semantics kept: steps run in order; a step succeeds when all its successCriteria hold
(no criteria: a 2xx answer); onSuccess/onFailure actions (`end`, `goto` a step or a workflow,
`retry` after `retryAfter` seconds up to `retryLimit` times, with their `criteria`) and the
workflow's successActions/failureActions apply; workflow steps call another workflow of the same
document with their parameters as its inputs; `dependsOn` workflows run first. A failure that no
action handles ends the scenario: that step fails, the rest are reported as not run.

What this runner adds (docs/scenarios.md): each step's token carries the scopes of its acting
client (`x-interop-client` / `x-interop-scopes`, else what the operation needs); a scenario whose
test support (clock, faults) a system does not offer, or for which a token cannot be had, is
skipped with the reason; the systems' clock, faults and quirks are put back afterwards.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from harness.engine.events import Status
from harness.scenarios import conformance
from harness.scenarios.checks import validate
from harness.scenarios.clients import client_scopes
from harness.scenarios.conditions import Verdict, judge, show
from harness.scenarios.document import Scenario, ScenarioError
from harness.scenarios.environment import Environment
from harness.scenarios.exchange import Call, base_variable, send
from harness.scenarios.expressions import (
    ExpressionError,
    Missing,
    Scope,
    evaluate,
    resolve_value,
    set_pointer,
)
from harness.scenarios.generate import Generator, InputError, resolve_inputs
from harness.scenarios.sources import Operation
from harness.scenarios.support import Snapshot, capability, offers

MAX_RUNS_PER_STEP = 200
RETRY_WAIT_CAP_S = 10.0
DEFAULT_CRITERIA = [{"condition": "$statusCode >= 200 && $statusCode < 300"}]


@dataclass
class StepOutcome:
    """One step of a scenario run (the last time it ran, when it ran several times)."""

    step_id: str
    name: str  # unique in the scenario: step id, or "parent > step" inside a called workflow
    number: str  # "05", or "07.02" inside a called workflow
    status: Status
    system: str = ""
    operation_id: str = ""
    operation: str = ""  # "POST /custody-records" or "workflow advance-clock"
    description: str = ""
    message: str = ""
    verdicts: list[Verdict] = field(default_factory=list)
    status_code: int | None = None
    problem: str = ""  # the problem detail of an error answer
    url: str = ""
    method: str = ""
    reproduce: str = ""
    duration_s: float = 0.0
    runs: int = 0
    # A step the scenario itself got wrong (its request breaks the standard): skipped, never a finding.
    scenario_error: bool = False
    # False for a step the flow did not reach (an `end`, a `goto`, a failure or error before it).
    required: bool = True

    @property
    def failed_verdicts(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.ok]


@dataclass
class ScenarioOutcome:
    scenario: Scenario
    steps: list[StepOutcome] = field(default_factory=list)
    skipped: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """passed | failed | skipped (not run at all) | error (a scenario error stopped it)."""
        if self.skipped:
            return "skipped"
        if any(s.status == "failed" for s in self.steps):
            return "failed"
        return "error" if any(s.scenario_error for s in self.steps) else "passed"


class _Stop(Exception):
    """The workflow ended (a failure no action handled)."""


@dataclass
class _Frame:
    """One workflow being run: its scope and where its step results go."""

    workflow: dict[str, Any]
    scope: Scope
    prefix: str  # number prefix ("" for the main workflow)
    name_prefix: str  # name prefix ("" for the main workflow)


def reachable_steps(
    scenario: Scenario, wf: dict[str, Any], seen: set[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Every step the workflow may run, including called and dependsOn workflows."""
    seen = seen if seen is not None else set()
    if wf["workflowId"] in seen:
        return
    seen.add(wf["workflowId"])
    for dep in wf.get("dependsOn") or []:
        yield from reachable_steps(scenario, scenario.workflows[dep], seen)
    for step in wf["steps"]:
        yield step
        if "workflowId" in step:
            yield from reachable_steps(scenario, scenario.workflows[step["workflowId"]], seen)
        for action in [*(step.get("onSuccess") or []), *(step.get("onFailure") or [])]:
            if isinstance(action, dict) and action.get("workflowId") in scenario.workflows:
                yield from reachable_steps(scenario, scenario.workflows[action["workflowId"]], seen)


def systems_of(scenario: Scenario) -> set[str]:
    """The systems a scenario's steps call (standard and test-support operations alike)."""
    return {
        scenario.operation(step).system
        for step in reachable_steps(scenario, scenario.main)
        if "workflowId" not in step
    }


class ScenarioRunner:
    """Runs scenarios against one environment (role -> endpoint)."""

    def __init__(
        self,
        environment: Environment,
        *,
        inputs: dict[str, Any] | None = None,
        timeout: float = 30.0,
        generator: Generator | None = None,
    ) -> None:
        self.env = environment
        self.given_inputs = dict(inputs or {})
        self.timeout = timeout
        self.generator = generator
        self.session = requests.Session()
        self.scenario: Scenario
        self.outcome: ScenarioOutcome
        self.workflow_outputs: dict[str, dict[str, dict[str, Any]]] = {}
        self.run_generator = generator or Generator()
        self.error_step: str | None = None  # the step whose scenario error stopped the run

    # --- planning ---------------------------------------------------------------------------
    def _scopes(
        self, scenario: Scenario, wf: dict[str, Any], step: dict[str, Any], op: Operation
    ) -> tuple[str, ...] | None:
        if op.scopes is None and not step.get("x-interop-scopes") and not step.get("x-interop-client"):
            return None
        for holder in (step, wf):
            if holder.get("x-interop-scopes") is not None:
                return tuple(holder["x-interop-scopes"])
            if holder.get("x-interop-client"):
                return client_scopes(holder["x-interop-client"]) or ()
        return op.scopes

    def _workflow_of(self, scenario: Scenario, step: dict[str, Any]) -> dict[str, Any]:
        for wf in scenario.workflows.values():
            if any(s is step for s in wf["steps"]):
                return wf
        return scenario.main

    def why_not(self, scenario: Scenario) -> str | None:
        """Why the scenario cannot run here (test support not offered, no token), or None."""
        probed: dict[tuple[str, str], bool] = {}
        for step in reachable_steps(scenario, scenario.main):
            if "workflowId" in step:
                continue
            op = scenario.operation(step)
            endpoint = self.env[op.system]
            if op.probe:
                key = (op.system, op.probe)
                if key not in probed:
                    probed[key] = offers(endpoint.url, op.probe, self.session)
                if not probed[key]:
                    return (
                        f"not run: needs {capability(op.probe)}, which is not part of the standard (the "
                        f"{op.system} system at {endpoint.shown_url} does not offer {op.probe}, which step "
                        f"{step['stepId']} needs for {op.name})"
                    )
                continue
            scopes = self._scopes(scenario, self._workflow_of(scenario, step), step, op)
            if scopes is not None and endpoint.tokens.token(list(scopes)) is None:
                return (
                    f"not run: no access token with exactly the scopes {' '.join(scopes) or '(none)'} "
                    f"could be had from the {op.system} system at {endpoint.shown_url} "
                    f"(step {step['stepId']})"
                )
        return None

    # --- running ------------------------------------------------------------------------------
    def run(self, scenario: Scenario) -> ScenarioOutcome:
        """Run a validated scenario (ScenarioError when it is not valid)."""
        problems = validate(scenario)
        if problems:
            raise ScenarioError(
                f"{scenario.path.name} is not a valid scenario: {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
            )
        started = time.monotonic()
        outcome = ScenarioOutcome(scenario)
        self.run_generator = self.generator or Generator()
        try:
            outcome.inputs = resolve_inputs(
                self._input_schema(scenario, scenario.main), self.given_inputs, self.run_generator
            )
        except InputError as exc:
            raise ScenarioError(f"{scenario.name}: {exc}") from exc
        reason = self.why_not(scenario)
        if reason:
            outcome.skipped = reason
            outcome.steps = [
                StepOutcome(
                    s["stepId"],
                    s["stepId"],
                    f"{i + 1:02d}",
                    "skipped",
                    message=reason,
                    description=s.get("description", ""),
                    required=False,
                )
                for i, s in enumerate(scenario.main["steps"])
            ]
            return outcome
        snapshot = Snapshot()
        for step in reachable_steps(scenario, scenario.main):
            if "workflowId" not in step:
                op = scenario.operation(step)
                if op.probe:
                    snapshot.take(self.env[op.system].url, op.probe, self.session)
        self.scenario = scenario
        self.outcome = outcome
        self.workflow_outputs = {}
        self.error_step = None
        try:
            ok, outputs = self._run_workflow(scenario.main, outcome.inputs, "", "")
            outcome.outputs = {k: v for k, v in outputs.items() if not isinstance(v, Missing)}
        finally:
            outcome.warnings.extend(
                f"could not restore test support: {f}" for f in snapshot.restore(self.session)
            )
            outcome.duration_s = time.monotonic() - started
        return outcome

    def _input_schema(self, scenario: Scenario, wf: dict[str, Any]) -> dict[str, Any]:
        schema = wf.get("inputs") or {}
        if isinstance(schema, dict) and "$ref" in schema:
            schema = scenario.components["inputs"][str(schema["$ref"]).rsplit("/", 1)[-1]]
        inputs: dict[str, Any] = schema
        return inputs

    def _scope(self, inputs: dict[str, Any]) -> Scope:
        return Scope(
            inputs=inputs,
            workflows=self.workflow_outputs,
            sources=self.scenario.source_urls(),
            components=self.scenario.components,
        )

    def _run_workflow(
        self, wf: dict[str, Any], inputs: dict[str, Any], prefix: str, name_prefix: str
    ) -> tuple[bool, dict[str, Any]]:
        for dep in wf.get("dependsOn") or []:
            if dep not in self.workflow_outputs:
                dep_wf = self.scenario.workflows[dep]
                dep_inputs = resolve_inputs(self._input_schema(self.scenario, dep_wf), {}, self.run_generator)
                ok, _ = self._run_workflow(dep_wf, dep_inputs, f"{prefix}{dep}.", f"{name_prefix}{dep} > ")
                if not ok:
                    return False, {}
        frame = _Frame(wf, self._scope(inputs), prefix, name_prefix)
        ok = self._run_steps(frame)
        outputs = {name: evaluate(expr, frame.scope) for name, expr in (wf.get("outputs") or {}).items()}
        frame.scope.outputs = outputs
        self.workflow_outputs[wf["workflowId"]] = {"inputs": inputs, "outputs": outputs}
        return ok, outputs

    def _run_steps(self, frame: _Frame) -> bool:
        steps = frame.workflow["steps"]
        index = {s["stepId"]: i for i, s in enumerate(steps)}
        results: dict[str, StepOutcome] = {}
        runs: dict[str, int] = {}
        retries: dict[str, int] = {}
        i = 0
        ok = True
        stop_reason = ""
        while i < len(steps):
            step = steps[i]
            sid = step["stepId"]
            runs[sid] = runs.get(sid, 0) + 1
            if runs[sid] > MAX_RUNS_PER_STEP:
                result = results[sid]
                result.status = "failed"
                result.message = f"ran {MAX_RUNS_PER_STEP} times: a goto or retry loop that never ends"
                ok, stop_reason = False, f"step {sid} looped"
                break
            number = f"{frame.prefix}{i + 1:02d}"
            result, passed = self._run_step(frame, step, number)
            result.runs = runs[sid]
            results[sid] = result
            if self.error_step is not None:
                ok, stop_reason = False, f"step {self.error_step} has a scenario error"
                break
            action = self._choose_action(frame, step, passed)
            if passed:
                if action is None:
                    i += 1
                elif action["type"] == "end":
                    stop_reason = f"the workflow ended at step {sid} ({action['name']})"
                    break
                elif action.get("stepId"):
                    i = index[action["stepId"]]
                else:
                    ok = self._goto_workflow(frame, action, number)
                    stop_reason = f"step {sid} went to workflow {action['workflowId']}"
                    break
                continue
            if action is not None and action["type"] == "retry":
                retries[sid] = retries.get(sid, 0) + 1
                if retries[sid] <= int(action.get("retryLimit", 1)):
                    time.sleep(min(float(action.get("retryAfter", 0)), RETRY_WAIT_CAP_S))
                    continue
                result.message += f" (after {retries[sid] - 1} retries)"
            elif action is not None and action["type"] == "goto":
                result.status = "passed"
                result.message = (
                    f"criteria not met; {action['name']}: went to "
                    f"{action.get('stepId') or 'workflow ' + str(action.get('workflowId'))}"
                )
                if action.get("stepId"):
                    i = index[action["stepId"]]
                    continue
                ok = self._goto_workflow(frame, action, number)
                stop_reason = f"step {sid} went to workflow {action['workflowId']}"
                break
            ok, stop_reason = False, f"step {sid} failed"
            break
        for j, step in enumerate(steps):
            if step["stepId"] not in results:
                self.outcome.steps.append(
                    StepOutcome(
                        step["stepId"],
                        frame.name_prefix + step["stepId"],
                        f"{frame.prefix}{j + 1:02d}",
                        "skipped",
                        description=step.get("description", ""),
                        message=f"not run: {stop_reason}" if stop_reason else "not run",
                        required=False,
                    )
                )
        return ok

    def _goto_workflow(self, frame: _Frame, action: dict[str, Any], number: str) -> bool:
        target = self.scenario.workflows[action["workflowId"]]
        inputs = resolve_inputs(self._input_schema(self.scenario, target), {}, self.run_generator)
        ok, _ = self._run_workflow(
            target, inputs, f"{number}.", f"{frame.name_prefix}{action['workflowId']} > "
        )
        return ok

    def _choose_action(self, frame: _Frame, step: dict[str, Any], passed: bool) -> dict[str, Any] | None:
        key, wf_key, section = (
            ("onSuccess", "successActions", "successActions")
            if passed
            else ("onFailure", "failureActions", "failureActions")
        )
        actions = step.get(key)
        if actions is None:
            actions = frame.workflow.get(wf_key) or []
        for action in actions:
            if "reference" in action:
                action = self.scenario.components[section][str(action["reference"]).rsplit(".", 1)[-1]]
            if all(judge(c, frame.scope).ok for c in action.get("criteria") or []):
                chosen: dict[str, Any] = action
                return chosen
        return None

    def _run_step(self, frame: _Frame, step: dict[str, Any], number: str) -> tuple[StepOutcome, bool]:
        started = time.monotonic()
        if "workflowId" in step:
            result, passed = self._run_call(frame, step, number)
        else:
            result, passed = self._run_operation(frame, step, number)
        result.duration_s = time.monotonic() - started
        self._record(result)
        return result, passed

    def _record(self, result: StepOutcome) -> None:
        """Keep one outcome per step name: the last run of a step that ran several times."""
        if any(r is result for r in self.outcome.steps):
            return
        self.outcome.steps = [r for r in self.outcome.steps if r.name != result.name]
        self.outcome.steps.append(result)

    def _run_call(self, frame: _Frame, step: dict[str, Any], number: str) -> tuple[StepOutcome, bool]:
        target = self.scenario.workflows[step["workflowId"]]
        result = StepOutcome(
            step["stepId"],
            frame.name_prefix + step["stepId"],
            number,
            "passed",
            operation=f"workflow {target['workflowId']}",
            description=step.get("description", ""),
        )
        self._record(result)
        try:
            given = {p["name"]: resolve_value(p["value"], frame.scope) for p in self._parameters(frame, step)}
            given = {k: v for k, v in given.items() if not isinstance(v, Missing)}
            inputs = resolve_inputs(self._input_schema(self.scenario, target), given, self.run_generator)
        except (InputError, ExpressionError) as exc:
            result.status, result.message = (
                "failed",
                f"workflow {target['workflowId']} could not start: {exc}",
            )
            result.verdicts = [Verdict(False, f"inputs for workflow {target['workflowId']}", str(exc))]
            return result, False
        ok, outputs = self._run_workflow(
            target, inputs, f"{number}.", f"{frame.name_prefix}{step['stepId']} > "
        )
        if self.error_step is not None:
            result.status, result.required = "skipped", False
            result.message = (
                f"workflow {target['workflowId']} stopped: step {self.error_step} has a scenario error"
            )
            return result, False
        sub_scope = self._scope(inputs)
        sub_scope.outputs = outputs
        verdicts = [judge(c, sub_scope) for c in step.get("successCriteria") or []]
        frame.scope.steps[step["stepId"]] = {
            name: evaluate(expr, sub_scope) for name, expr in (step.get("outputs") or {}).items()
        }
        result.verdicts = verdicts
        passed = ok and all(v.ok for v in verdicts)
        result.status = "passed" if passed else "failed"
        result.message = f"workflow {target['workflowId']} " + ("completed" if ok else "failed")
        return result, passed

    def _parameters(self, frame: _Frame, step: dict[str, Any]) -> list[dict[str, Any]]:
        """Workflow parameters, then the step's (which replace those of the same name and place)."""
        merged: dict[tuple[Any, Any], dict[str, Any]] = {}
        layers = [step.get("parameters") or []]
        if "workflowId" not in step:
            layers.insert(0, frame.workflow.get("parameters") or [])
        for layer in layers:
            for item in layer:
                if "reference" in item:
                    base = dict(
                        self.scenario.components["parameters"][str(item["reference"]).rsplit(".", 1)[-1]]
                    )
                    if "value" in item:
                        base["value"] = item["value"]
                    item = base
                merged[(item.get("in"), item["name"])] = item
        return list(merged.values())

    def _build_call(self, frame: _Frame, step: dict[str, Any], op: Operation) -> tuple[Call, list[str]]:
        endpoint = self.env[op.system]
        call = Call(op.method, endpoint.url, op.path)
        if endpoint.reference:
            call.base_variable, call.reference_role = base_variable(op.system), op.system
        elif endpoint.shown_url != endpoint.url:
            call.shown_base = endpoint.shown_url
        notes: list[str] = []
        for param in self._parameters(frame, step):
            value = resolve_value(param["value"], frame.scope)
            where, name = param.get("in"), param["name"]
            if isinstance(value, Missing) or value is None:
                if where == "path":
                    reason = value.reason if isinstance(value, Missing) else "it is null"
                    raise ExpressionError(f"path parameter {name} has no value: {reason}")
                notes.append(
                    f"{where} parameter {name} left out: " + (value.reason if value is not None else "null")
                )
                continue
            if where == "path":
                call.path_params[name] = value
            elif where == "query":
                call.query[name] = value if not isinstance(value, bool) else str(value).lower()
            elif where == "header":
                call.headers[name] = str(value)
            elif where == "cookie":
                call.cookies[name] = str(value)
        body = step.get("requestBody")
        if body is not None:
            payload = resolve_value(copy.deepcopy(body.get("payload")), frame.scope)
            for rep in body.get("replacements") or []:
                payload = set_pointer(payload, rep["target"], resolve_value(rep["value"], frame.scope))
            missing = _first_missing(payload)
            if missing is not None:
                raise ExpressionError(f"the request body has no value at {missing[0]}: {missing[1].reason}")
            call.body = payload
            call.content_type = body.get("contentType") or (
                op.body_types[0] if op.body_types else "application/json"
            )
        wf = frame.workflow
        scopes = self._scopes(self.scenario, wf, step, op)
        if scopes is not None and not any(h.lower() == "authorization" for h in call.headers):
            token = endpoint.tokens.token(list(scopes))
            if token is None:
                raise ExpressionError(f"no token with scopes {' '.join(scopes)} from {endpoint.url}")
            call.headers["Authorization"] = f"Bearer {token}"
            call.token_scopes = scopes
        return call, notes

    def _request_problems(self, frame: _Frame, step: dict[str, Any], op: Operation, call: Call) -> list[str]:
        """How the request about to be sent breaks its operation's schemas (values substituted)."""
        source = self.scenario.sources.get(op.source)
        schemas = conformance.request_schemas(source, op) if source is not None else None
        if schemas is None:
            return []
        sent = {"path": call.path_params, "query": call.query, "header": call.headers, "cookie": call.cookies}
        problems: list[str] = []
        for param in self._parameters(frame, step):
            where, name = param.get("in"), param["name"]
            values = sent.get(str(where), {})
            if name not in values:
                continue
            raw = param.get("value")
            origin = raw if conformance.expression_kind(raw) else None
            problems += conformance.parameter_problems(schemas, str(where), name, values[name], origin)
        given = [(where, name) for where, values in sent.items() for name in values]
        for where, name in conformance.missing_required(schemas, given):
            problems.append(f"{where} parameter {name}: missing; {schemas.who} requires it")
        body = step.get("requestBody")
        if call.body is not None and isinstance(body, dict):
            exprs = conformance.expression_paths(conformance.payload_of(body)[0])
            problems += conformance.body_problems(schemas, call.content_type, call.body, exprs, static=False)
        return problems

    def _run_operation(self, frame: _Frame, step: dict[str, Any], number: str) -> tuple[StepOutcome, bool]:
        op = self.scenario.operation(step)
        result = StepOutcome(
            step["stepId"],
            frame.name_prefix + step["stepId"],
            number,
            "failed",
            system=op.system,
            operation_id=op.name,
            operation=op.label,
            description=step.get("description", ""),
        )
        try:
            call, notes = self._build_call(frame, step, op)
        except ExpressionError as exc:
            result.message = f"the request could not be built: {exc}"
            result.verdicts = [Verdict(False, "a request built from the step", str(exc))]
            frame.scope.steps[step["stepId"]] = {}
            return result, False
        result.url, result.method = call.shown_url, call.method
        result.reproduce = call.curl()
        problems = self._request_problems(frame, step, op, call)
        if problems:
            # The scenario's own request breaks the standard: a conformant product would refuse it,
            # so it is not sent and nothing is said about the product.
            shown = "; ".join(problems[:4]) + (f"; and {len(problems) - 4} more" if len(problems) > 4 else "")
            schemas_who = "the test-support document" if op.probe else "the standard"
            result.status, result.scenario_error = "skipped", True
            result.message = (
                f"scenario error: the request of step {step['stepId']} ({op.name}) breaks {schemas_who}, "
                f"so it was not sent: {shown}"
            )
            self.error_step = frame.name_prefix + step["stepId"]
            frame.scope.steps[step["stepId"]] = {}
            return result, False
        exchange, error = send(self.session, call, self.timeout)
        frame.scope.exchange = exchange
        if error is not None:
            result.verdicts = [Verdict(False, "a response", error)]
            result.message = error
            frame.scope.steps[step["stepId"]] = {}
            return result, False
        result.status_code = exchange.status_code
        body = exchange.response_body
        if (exchange.status_code or 0) >= 400 and isinstance(body, dict) and body.get("detail"):
            result.problem = show(body["detail"], 200, raw=True)
        verdicts = [judge(c, frame.scope) for c in step.get("successCriteria") or DEFAULT_CRITERIA]
        outputs = {name: evaluate(expr, frame.scope) for name, expr in (step.get("outputs") or {}).items()}
        frame.scope.steps[step["stepId"]] = outputs
        # Later steps rely on the outputs: a step that does not deliver one fails here, where the cause is.
        verdicts += [
            Verdict(False, f"output {name} at {step['outputs'][name]}", str(value))
            for name, value in outputs.items()
            if isinstance(value, Missing)
        ]
        passed = all(v.ok for v in verdicts)
        result.verdicts = verdicts
        result.status = "passed" if passed else "failed"
        failed = len([v for v in verdicts if not v.ok])
        result.message = (
            f"HTTP {exchange.status_code}; "
            + (f"{failed} of {len(verdicts)} criteria failed" if failed else f"{len(verdicts)} criteria held")
            + "".join(f"; {n}" for n in notes)
        )
        return result, passed


def _first_missing(value: Any, path: str = "") -> tuple[str, Missing] | None:
    if isinstance(value, Missing):
        return path or "/", value
    if isinstance(value, dict):
        for k, v in value.items():
            found = _first_missing(v, f"{path}/{k}")
            if found:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _first_missing(v, f"{path}/{i}")
            if found:
                return found
    return None
