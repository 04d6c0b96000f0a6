"""Is a scenario file a runnable Arazzo 1.0 document? Every problem, said so a test team can fix it.

First the JSON Schema of Arazzo 1.0 (arazzo-1.0.schema.yaml: shape, required fields, misspelt
keywords); then what a schema cannot see: sources that load, operations that exist in them, path
parameters given, query parameters the operation declares, each step's literal parameters and
request body against the operation's schemas (conformance.py), steps and inputs that expressions
name, conditions that parse, goto targets, acting clients, input generators, rule ids. Every
problem of a file is reported in one pass.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.scenarios import conditions, conformance
from harness.scenarios.clients import known_clients
from harness.scenarios.document import Scenario, ScenarioError, _suggest, load_scenario
from harness.scenarios.expressions import ExpressionError, parse, templates
from harness.scenarios.generate import KINDS, parse_duration
from simulators.core.config import SYSTEMS

SCHEMA_FILE = Path(__file__).with_name("arazzo-1.0.schema.yaml")


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@functools.lru_cache(maxsize=1)
def arazzo_schema() -> dict[str, Any]:
    schema: dict[str, Any] = yaml.safe_load(SCHEMA_FILE.read_text())
    return schema


def _label(node: Any) -> str:
    if isinstance(node, dict):
        keys = ("name",) if "type" in node and "name" in node else ("stepId", "workflowId", "name")
        for key in keys:
            if isinstance(node.get(key), str):
                return f" ({node[key]})"
    return ""


def where(doc: Any, path: list[Any] | tuple[Any, ...]) -> str:
    """`['workflows', 0, 'steps', 2]` -> `workflows[0] (arrest-to-charge).steps[2] (book-in)`."""
    out = ""
    node = doc
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            out += f"[{part}]{_label(node)}"
        else:
            node = node.get(part) if isinstance(node, dict) else None
            out += ("." if out else "") + str(part)
    return out


def _schema_message(error: Any, schema: dict[str, Any]) -> str:
    from jsonschema.exceptions import best_match

    if error.validator == "oneOf" and isinstance(error.instance, dict) and "stepId" in error.instance:
        return "a step calls exactly one of operationId, operationPath or workflowId"
    if error.validator in ("anyOf", "oneOf") and error.context:
        return _schema_message(best_match(error.context), schema)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list((error.schema or {}).get("properties", {}))
        unexpected = [k for k in error.instance if k not in allowed and not str(k).startswith("x-")]
        return "; ".join(
            f"unknown field {k!r}{_suggest(k, allowed)} (extensions start with x-)" for k in unexpected
        )
    message: str = error.message
    return message


def schema_problems(doc: Any) -> list[Problem]:
    import jsonschema

    schema = arazzo_schema()
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        problems.append(Problem(where(doc, list(error.absolute_path)), _schema_message(error, schema)))
    return problems


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class _Checker:
    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.doc = scenario.doc
        self.problems: list[Problem] = []

    def add(self, path: list[Any], message: str) -> None:
        problem = Problem(where(self.doc, path), message)
        if problem not in self.problems:  # a workflow-level parameter is checked with each step
            self.problems.append(problem)

    def run(self) -> list[Problem]:
        self.sources()
        role = self.s.key_role
        if role is not None and role not in SYSTEMS:
            self.add(["info", "x-interop-key-role"], f"{role!r} is not a system ({', '.join(SYSTEMS)})")
        workflows = self.doc.get("workflows") or []
        self.requirements(workflows)
        seen: set[str] = set()
        for i, wf in enumerate(workflows):
            if wf["workflowId"] in seen:
                self.add(["workflows", i, "workflowId"], f"workflowId {wf['workflowId']!r} is used twice")
            seen.add(wf["workflowId"])
        for i, wf in enumerate(workflows):
            self.workflow(["workflows", i], wf)
        return self.problems

    def requirements(self, workflows: list[Any]) -> None:
        for i, wf in enumerate(workflows):
            if not isinstance(wf, dict) or "x-interop-requirements" not in wf:
                continue
            raw, at = wf["x-interop-requirements"], ["workflows", i, "x-interop-requirements"]
            if i:
                self.add(at, "x-interop-requirements belongs on the first workflow (the scenario)")
            if isinstance(raw, list):
                lists = {self.s.key_role: raw}
                if not self.s.key_role:
                    self.add(at, "a plain list needs info.x-interop-key-role; or map roles to rule ids")
            elif isinstance(raw, dict):
                lists = raw
                for role in raw:
                    if role not in SYSTEMS:
                        hint = _suggest(str(role), list(SYSTEMS))
                        self.add(at, f"{role!r} is not a system ({', '.join(SYSTEMS)}){hint}")
            else:
                self.add(
                    at, "x-interop-requirements is a list of rule ids, or a mapping role -> list of rule ids"
                )
                continue
            for role, ids in lists.items():
                if not isinstance(ids, list) or not all(
                    isinstance(r, str) and r and " " not in r for r in ids
                ):
                    self.add(
                        at,
                        f"the rule ids for {role} are a list of ids without spaces (e.g. [PACE-s40-review])",
                    )

    def sources(self) -> None:
        names: set[str] = set()
        for i, desc in enumerate(self.doc.get("sourceDescriptions") or []):
            if desc["name"] in names:
                self.add(["sourceDescriptions", i, "name"], f"source name {desc['name']!r} is used twice")
            names.add(desc["name"])
            if desc["name"] in self.s.source_errors:
                self.add(["sourceDescriptions", i], self.s.source_errors[desc["name"]])

    def workflow(self, path: list[Any], wf: dict[str, Any]) -> None:
        steps = wf["steps"]
        step_ids = [st["stepId"] for st in steps]
        for dup in {x for x in step_ids if step_ids.count(x) > 1}:
            self.add(path, f"stepId {dup!r} is used more than once")
        inputs = self.inputs(path, wf)
        ctx = {"steps": set(step_ids), "inputs": inputs}
        for dep in wf.get("dependsOn") or []:
            if dep not in self.s.workflows or dep == wf["workflowId"]:
                self.add([*path, "dependsOn"], f"dependsOn names no other workflow {dep!r}")
        for i, param in enumerate(wf.get("parameters") or []):
            self.reusable_or(([*path, "parameters", i]), param, "parameters", ctx)
        for key, kind in (("successActions", "successActions"), ("failureActions", "failureActions")):
            for i, action in enumerate(wf.get(key) or []):
                self.action([*path, key, i], action, kind, set(step_ids), ctx)
        for i, step in enumerate(steps):
            self.step([*path, "steps", i], wf, step, set(step_ids), ctx)
        for name, expr in (wf.get("outputs") or {}).items():
            self.expression([*path, "outputs", name], expr, ctx, must=True)

    def inputs(self, path: list[Any], wf: dict[str, Any]) -> set[str] | None:
        import jsonschema

        schema = wf.get("inputs")
        if schema is None:
            return set()
        if isinstance(schema, dict) and "$ref" in schema:
            ref = str(schema["$ref"])
            name = ref.rsplit("/", 1)[-1]
            if not ref.startswith("#/components/inputs/") or name not in (
                self.s.components.get("inputs") or {}
            ):
                self.add([*path, "inputs"], f"$ref {ref!r} names no components.inputs entry")
                return None
            schema = self.s.components["inputs"][name]
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            self.add([*path, "inputs"], f"not a valid JSON Schema: {exc.message}")
            return None
        props = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(props, dict):
            return None
        for name, prop in props.items():
            if not isinstance(prop, dict):
                continue
            kind = prop.get("x-interop-generate")
            if kind is not None and kind not in KINDS:
                self.add(
                    [*path, "inputs", "properties", name],
                    f"x-interop-generate {kind!r} is unknown{_suggest(str(kind), list(KINDS))}; known: "
                    f"{', '.join(KINDS)}",
                )
            if "x-interop-offset" in prop:
                try:
                    parse_duration(prop["x-interop-offset"])
                except ValueError as exc:
                    self.add([*path, "inputs", "properties", name], str(exc))
        for name in schema.get("required") or []:
            got = props.get(name)
            prop = got if isinstance(got, dict) else {}
            if "default" not in prop and "x-interop-generate" not in prop and wf is self.s.main:
                self.add(
                    [*path, "inputs", "required"],
                    f"input {name!r} is required but has no default or x-interop-generate, so "
                    "`interop verify` cannot run the scenario",
                )
        return set(props)

    def expression(self, path: list[Any], value: Any, ctx: dict[str, Any], must: bool = False) -> None:
        """Check the expressions in a value; `must`: the value has to be a runtime expression."""
        if must and not (isinstance(value, str) and value.startswith("$")):
            self.add(path, f"{value!r} is not a runtime expression (outputs read e.g. $response.body#/id)")
            return
        for text in _strings(value):
            if re.match(r"^\$[A-Za-z]", text) and "{$" not in text:
                self.one_expression(path, text, ctx)
            else:
                for inner in templates(text):
                    self.one_expression(path, inner, ctx)

    def one_expression(self, path: list[Any], text: str, ctx: dict[str, Any]) -> None:
        try:
            expr = parse(text)
        except ExpressionError as exc:
            self.add(path, str(exc))
            return
        if expr.kind == "steps" and expr.name not in ctx["steps"]:
            self.add(
                path,
                f"{text}: no step {expr.name!r} in this workflow{_suggest(expr.name, sorted(ctx['steps']))}",
            )
        elif expr.kind == "inputs" and ctx["inputs"] is not None and expr.name not in ctx["inputs"]:
            self.add(
                path,
                f"{text}: the workflow declares no input {expr.name!r}"
                f"{_suggest(expr.name, sorted(ctx['inputs']))}",
            )
        elif expr.kind == "workflows" and expr.name not in self.s.workflows:
            self.add(path, f"{text}: no workflow {expr.name!r}")
        elif expr.kind == "sources" and expr.name not in self.s.source_urls():
            self.add(path, f"{text}: no source description {expr.name!r}")
        elif expr.kind.startswith("components."):
            section = expr.kind.split(".", 1)[1]
            if expr.name not in (self.s.components.get(section) or {}):
                self.add(path, f"{text}: no components.{section} entry {expr.name!r}")

    def reusable_or(self, path: list[Any], item: dict[str, Any], section: str, ctx: dict[str, Any]) -> None:
        if "reference" in item:
            self.one_expression([*path, "reference"], item["reference"], ctx)
            if not str(item["reference"]).startswith(f"$components.{section}."):
                self.add([*path, "reference"], f"a reference here points into $components.{section}")
        elif section == "parameters":
            self.expression([*path, "value"], item.get("value"), ctx)

    def action(
        self, path: list[Any], action: dict[str, Any], kind: str, steps: set[str], ctx: dict[str, Any]
    ) -> None:
        if "reference" in action:
            self.reusable_or(path, action, kind, ctx)
            return
        if action.get("stepId") and action["stepId"] not in steps:
            self.add(
                [*path, "stepId"],
                f"goto names no step {action['stepId']!r} in this workflow"
                f"{_suggest(action['stepId'], sorted(steps))}",
            )
        if action.get("workflowId") and action["workflowId"] not in self.s.workflows:
            self.add([*path, "workflowId"], f"goto names no workflow {action['workflowId']!r}")
        for i, criterion in enumerate(action.get("criteria") or []):
            self.criterion([*path, "criteria", i], criterion, ctx)

    def criterion(self, path: list[Any], criterion: dict[str, Any], ctx: dict[str, Any]) -> None:
        kind = conditions.criterion_type(criterion)
        try:
            if kind == "simple":
                conditions.parse_simple(criterion["condition"])
            elif kind == "regex":
                conditions.check_regex(criterion["condition"])
            elif kind == "jsonpath":
                conditions.check_jsonpath(criterion["condition"])
            else:
                self.add(
                    [*path, "type"], f"{kind} conditions are not supported (use simple, regex or jsonpath)"
                )
                return
        except conditions.ConditionError as exc:
            self.add([*path, "condition"], str(exc))
            return
        for text in conditions.embedded_expressions(criterion):
            self.one_expression([*path, "condition"], text, ctx)

    def step(
        self, path: list[Any], wf: dict[str, Any], step: dict[str, Any], steps: set[str], ctx: dict[str, Any]
    ) -> None:
        for i, criterion in enumerate(step.get("successCriteria") or []):
            self.criterion([*path, "successCriteria", i], criterion, ctx)
        for key, kind in (("onSuccess", "successActions"), ("onFailure", "failureActions")):
            for i, action in enumerate(step.get(key) or []):
                self.action([*path, key, i], action, kind, steps, ctx)
        for name, expr in (step.get("outputs") or {}).items():
            self.expression([*path, "outputs", name], expr, ctx, must=True)
        params = step.get("parameters") or []
        for i, param in enumerate(params):
            self.reusable_or([*path, "parameters", i], param, "parameters", ctx)
        body = step.get("requestBody")
        if body is not None:
            self.expression([*path, "requestBody", "payload"], body.get("payload"), ctx)
            for i, rep in enumerate(body.get("replacements") or []):
                self.expression([*path, "requestBody", "replacements", i, "value"], rep.get("value"), ctx)
        client = step.get("x-interop-client", wf.get("x-interop-client"))
        if client is not None and client not in known_clients():
            self.add(
                [*path, "x-interop-client"],
                f"no client {client!r}{_suggest(str(client), list(known_clients()))}"
                f" (clients: {', '.join(known_clients())})",
            )
        scopes = step.get("x-interop-scopes", wf.get("x-interop-scopes"))
        if scopes is not None and (
            not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes)
        ):
            self.add([*path, "x-interop-scopes"], "x-interop-scopes is a list of scope names")
        if "workflowId" in step:
            self.call(path, step)
            return
        try:
            op = self.s.operation(step)
        except ScenarioError as exc:
            self.add([*path, "operationId" if "operationId" in step else "operationPath"], str(exc))
            return
        self.operation_parameters(path, wf, step, op)
        self.request(path, wf, step, op)
        if op.body_required and body is None:
            self.add(path, f"{op.name} ({op.label}) needs a requestBody")
        if body is not None and not op.body_types:
            self.add([*path, "requestBody"], f"{op.name} ({op.label}) takes no request body")
        if (
            body is not None
            and body.get("contentType")
            and op.body_types
            and body["contentType"] not in op.body_types
        ):
            self.add(
                [*path, "requestBody", "contentType"],
                f"{op.name} accepts {', '.join(op.body_types)}, not {body['contentType']}",
            )

    def _params(self, items: list[Any]) -> Iterator[dict[str, Any]]:
        for item in items:
            if "reference" in item:
                name = str(item["reference"]).rsplit(".", 1)[-1]
                target = (self.s.components.get("parameters") or {}).get(name)
                if isinstance(target, dict):
                    yield target
            else:
                yield item

    def operation_parameters(
        self, path: list[Any], wf: dict[str, Any], step: dict[str, Any], op: Any
    ) -> None:
        given = list(self._params(wf.get("parameters") or [])) + list(
            self._params(step.get("parameters") or [])
        )
        for i, param in enumerate(step.get("parameters") or []):
            if "reference" not in param and "in" not in param:
                self.add(
                    [*path, "parameters", i],
                    f"parameter {param.get('name')!r} of an operation step needs "
                    "'in' (path, query, header or cookie)",
                )
        names = {(p.get("in"), p.get("name")) for p in given}
        for name in op.path_params:
            if ("path", name) not in names:
                self.add([*path, "parameters"], f"{op.name} ({op.label}) needs path parameter {name!r}")
        declared = [n for w, n, _ in op.parameters if w == "query"]
        for i, param in enumerate(step.get("parameters") or []):
            if param.get("in") == "query" and not op.declares("query", param.get("name")):
                self.add(
                    [*path, "parameters", i],
                    f"{op.name} has no query parameter {param.get('name')!r}"
                    f"{_suggest(str(param.get('name')), declared)}",
                )
            if param.get("in") == "path" and param.get("name") not in op.path_params:
                self.add([*path, "parameters", i], f"{op.label} has no path parameter {param.get('name')!r}")

    def request(self, path: list[Any], wf: dict[str, Any], step: dict[str, Any], op: Any) -> None:
        """The step's literal parameters and body against the operation's schemas (conformance.py)."""
        source = self.s.sources.get(op.source)
        schemas = conformance.request_schemas(source, op) if source is not None else None
        if schemas is None:
            return
        given: dict[tuple[Any, str], tuple[list[Any], Any]] = {}  # (in, name) -> (where, value)
        for key, items in (("workflow", wf.get("parameters") or []), ("step", step.get("parameters") or [])):
            for i, item in enumerate(items):
                param = item
                if "reference" in item:
                    name = str(item["reference"]).rsplit(".", 1)[-1]
                    param = dict((self.s.components.get("parameters") or {}).get(name) or {})
                    if "value" in item:
                        param["value"] = item["value"]
                if not isinstance(param, dict) or "name" not in param:
                    continue
                at = [*path, "parameters", i] if key == "step" else [*path[:-2], "parameters", i]
                given[(param.get("in"), str(param["name"]))] = (at, param.get("value"))
        for (where, name), (at, value) in given.items():
            if where == "header" and schemas.parameter("header", name) is None:
                close = _suggest(name, schemas.names("header"))
                if close:
                    self.add(at, f"{schemas.label} has no header parameter {name!r}{close}")
            elif where == "cookie" and schemas.parameter("cookie", name) is None:
                self.add(at, f"{schemas.label} has no cookie parameter {name!r}")
            if value is None or conformance.expression_kind(value) or isinstance(value, dict):
                continue
            for message in conformance.parameter_problems(schemas, str(where), name, value):
                self.add(at, message)
        for where, name in conformance.missing_required(schemas, given):
            self.add(
                [*path, "parameters"],
                f"{schemas.label} needs {where} parameter {name!r} (required by {schemas.who})",
            )
        body = step.get("requestBody")
        if not isinstance(body, dict) or "payload" not in body:
            return
        payload, bad = conformance.payload_of(body)
        for i in bad:
            target = body["replacements"][i].get("target")
            self.add([*path, "requestBody", "replacements", i, "target"], f"{target!r} points at nothing")
        exprs = conformance.expression_paths(payload)
        for message in conformance.body_problems(
            schemas, body.get("contentType"), payload, exprs, static=True
        ):
            self.add([*path, "requestBody", "payload"], message)

    def call(self, path: list[Any], step: dict[str, Any]) -> None:
        target = self.s.workflows.get(step["workflowId"])
        if target is None:
            self.add(
                [*path, "workflowId"],
                f"no workflow {step['workflowId']!r} in this document"
                f"{_suggest(step['workflowId'], list(self.s.workflows))}",
            )
            return
        props = (target.get("inputs") or {}).get("properties") or {}
        for i, param in enumerate(step.get("parameters") or []):
            if "in" in param:
                self.add(
                    [*path, "parameters", i], "parameters of a workflow step are its inputs: leave out 'in'"
                )
            elif "name" in param and props and param["name"] not in props:
                self.add(
                    [*path, "parameters", i],
                    f"workflow {step['workflowId']!r} has no input {param['name']!r}",
                )


def semantic_problems(scenario: Scenario) -> list[Problem]:
    return _Checker(scenario).run()


def validate(scenario: Scenario) -> list[Problem]:
    """Every problem of a loaded scenario (schema first; the rest only on a well-shaped document)."""
    problems = schema_problems(scenario.doc)
    if problems:
        return problems
    return semantic_problems(scenario)


def validate_file(path: Path) -> tuple[Scenario | None, list[Problem]]:
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        return None, [Problem("", str(exc))]
    return scenario, validate(scenario)
