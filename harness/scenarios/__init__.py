"""Cross-system scenarios: Arazzo 1.0 workflows run across records, custody and intelligence.

A scenario is an Arazzo document in `scenarios/`; each step calls an operation of one of the
standard's OpenAPI documents (the step's system is the system of its source description) or of
the simulators' test-support document (`scenarios/support/sim-support.yaml`: clock, faults,
quirks). `interop scenario list|run|validate` and `interop verify --suite scenarios` run them;
docs/scenarios.md tells a force's test team how to write one.

Modules: document (a scenario file and its operations), sources (OpenAPI source descriptions),
checks (Arazzo 1.0 JSON Schema + what a schema cannot see), conformance (each step's request
against its operation's schemas, before and during a run), expressions (runtime expressions),
conditions (success criteria), generate (inputs), clients (acting clients' scopes), exchange
(one request), support (test-support probes and restore), environment (who plays each role:
target, given peer or harness-started reference simulator),
runner (running a scenario), results (engine events), catalogue (the scenarios folder).

Why our own runner and not `arazzo-runner` (PyPI, evaluated at 0.9.6 in this venv, then
uninstalled). We need, per step, the system, the operation and expected-vs-actual for each
criterion, run offline with per-source base URLs and per-step tokens. Tried against the
simulators, arazzo-runner:
- reported a step whose request could not even be sent (`Invalid URL '//nominals'`) as
  `status=workflow_complete, error=None`: a false pass, unacceptable in a conformance tool;
- judges all of a step's criteria as one boolean ("Step failed success criteria"), with no
  per-criterion expected or actual value to put in a finding;
- evaluates conditions with Python `eval()` on document text and substituted response values;
- takes the base URL only from each document's `servers` (ours is `/`) or `*_RUNNER_SERVER`
  environment variables, so pointing one source at the product under test and the others at
  simulators means rewriting the documents; a relative OAuth `tokenUrl` (ours, `/oauth/token`)
  crashes its pydantic model, and it does not follow the standard's `$ref: common.yaml#/...`;
- gets credentials per security scheme from environment variables, not per step and acting
  client, so a scenario cannot act as the national index with `intelligence:read` only;
- calls `logging.basicConfig(level=INFO)` at import, taking over the harness's logging.
It sends no telemetry and works offline, but the points above decide it. This runner keeps
to the Arazzo 1.0 semantics (steps, criteria, actions, sub-workflows, runtime expressions) and
adds only `x-interop-*` extensions, so the documents stay standard Arazzo.
"""

from harness.scenarios.catalogue import default_dir, find, scenario_files
from harness.scenarios.checks import Problem, validate, validate_file
from harness.scenarios.document import Scenario, ScenarioError, load_scenario
from harness.scenarios.environment import Endpoint, Environment, scenario_environment
from harness.scenarios.runner import ScenarioOutcome, ScenarioRunner, StepOutcome

__all__ = [
    "Endpoint",
    "Environment",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioOutcome",
    "ScenarioRunner",
    "StepOutcome",
    "default_dir",
    "find",
    "load_scenario",
    "scenario_environment",
    "scenario_files",
    "validate",
    "validate_file",
]
