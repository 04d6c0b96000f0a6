"""The scenarios suite: every Arazzo scenario in `scenarios/`, the target playing its role.

The other roles are, in order: peers given to the run (`--peer ROLE=URL`, `RunContext.peers`),
`INTEROP_<ROLE>_URL`, else reference simulators started here and wired to the target; never
whatever answers on a default port. SuiteFinished's stats say which was which (`roles`).
Scenarios that do not involve the target's role are skipped as not applying to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from harness.auth import TargetTokens
from harness.engine.events import CheckResult, Event, Finding, SuiteFinished
from harness.engine.run import RunContext
from harness.scenarios import (
    Endpoint,
    Environment,
    ScenarioError,
    ScenarioRunner,
    scenario_environment,
    scenario_files,
    validate_file,
)
from harness.scenarios.environment import GIVEN, TARGET
from harness.scenarios.results import SUITE, emit_outcome, invalid_events
from harness.scenarios.runner import systems_of


class ScenariosSuite:
    """`interop verify --suite scenarios` (and `interop scenario run` with a ready environment).

    `files` limits the run to some scenario files; `environment` gives every role already (the
    scenario command); `inputs` are given to every scenario.
    """

    name = SUITE

    def __init__(
        self,
        files: list[Path] | None = None,
        directory: Path | None = None,
        environment: Environment | None = None,
        inputs: dict[str, Any] | None = None,
        under_test: set[str] | None = None,
    ) -> None:
        self.files = files
        self.directory = directory
        self.environment = environment
        self.inputs = dict(inputs or {})
        self.under_test = under_test  # roles being judged (None: every role; verify: the target's)

    def _given(self, ctx: RunContext) -> dict[str, Endpoint]:
        public = (ctx.target_url or ctx.base_url).rstrip("/")
        given = {ctx.role: Endpoint(ctx.role, ctx.base_url.rstrip("/"), ctx.tokens, TARGET, public)}
        for role, url in ctx.peers.items():
            if role != ctx.role:
                given[role] = Endpoint(role, url.rstrip("/"), TargetTokens(url), GIVEN)
        return given

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        started = time.monotonic()
        files = self.files if self.files is not None else scenario_files(self.directory)
        counts = {"passed": 0, "failed": 0, "skipped": 0, "error": 0, "invalid": 0, "not_involved": 0}
        steps = 0
        tally = {"passed": 0, "failed": 0, "skipped": 0}
        outer = emit

        def counted(event: Event) -> None:  # counts what is reported, so the totals match the checks
            if isinstance(event, CheckResult):
                tally[event.status] += 1
            outer(event)

        emit = counted

        holder = (
            nullcontext(self.environment)
            if self.environment is not None
            else scenario_environment(self._given(ctx))
        )
        under_test = self.under_test if self.environment is not None else {ctx.role}
        with holder as env:
            runner = ScenarioRunner(env, inputs=self.inputs)
            for path in files:
                scenario, problems = validate_file(path)
                name = scenario.name if scenario else path.name
                if scenario is None or problems:
                    counts["invalid"] += 1
                    for event in invalid_events(name, str(path), [str(p) for p in problems]):
                        emit(event)
                    continue
                if self.environment is None and ctx.role not in systems_of(scenario):
                    counts["not_involved"] += 1
                    emit(
                        CheckResult(
                            SUITE,
                            name,
                            "skipped",
                            group=name,
                            message=f"not run: the scenario does not involve the {ctx.role} role",
                            required=False,
                        )
                    )
                    continue
                try:
                    outcome = runner.run(scenario)
                except ScenarioError as exc:
                    counts["invalid"] += 1
                    for event in invalid_events(name, str(path), [str(exc)]):
                        emit(event)
                    continue
                except Exception as exc:  # a harness bug: not the product's fault, and not judged
                    counts["error"] += 1
                    text = f"{type(exc).__name__}: {exc}"
                    emit(
                        CheckResult(
                            SUITE,
                            f"{name}: (harness error)",
                            "skipped",
                            group=name,
                            message=f"not judged: the harness could not finish the scenario: {text}",
                        )
                    )
                    emit(
                        Finding(
                            SUITE,
                            "scenario-harness-error",
                            "warning",
                            "",
                            f"{name}: the harness could not finish the scenario",
                            text,
                            extra={"scenario": name},
                        )
                    )
                    continue
                counts[outcome.status] += 1
                steps += len(outcome.steps)
                emit_outcome(outcome, emit, under_test)
            roles = env.roles()
        emit(
            SuiteFinished(
                SUITE,
                passed=tally["passed"],
                failed=tally["failed"],
                skipped=tally["skipped"],
                stats={
                    "scenarios": len(files),
                    **{f"scenarios_{k}": v for k, v in counts.items()},
                    "steps": steps,
                    "roles": roles,
                    "duration_s": round(time.monotonic() - started, 1),
                },
            )
        )
