"""The scenarios suite: every Arazzo scenario in `scenarios/`, the target playing its role.

The other roles are, in order: peers given to the run (`RunContext.peers`), `INTEROP_<ROLE>_URL`,
the simulators of a running `interop up` on their default ports (a target that belongs to that
ecosystem calls them, so the scenario must read them too), else reference simulators started
here and wired to the target. Scenarios that do not involve the target's role are skipped.
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
    ) -> None:
        self.files = files
        self.directory = directory
        self.environment = environment
        self.inputs = dict(inputs or {})

    def _given(self, ctx: RunContext) -> dict[str, Endpoint]:
        given = {ctx.role: Endpoint(ctx.role, ctx.base_url.rstrip("/"), ctx.tokens, "target")}
        for role, url in ctx.peers.items():
            if role != ctx.role:
                given[role] = Endpoint(role, url.rstrip("/"), TargetTokens(url), "given")
        return given

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        started = time.monotonic()
        files = self.files if self.files is not None else scenario_files(self.directory)
        counts = {"passed": 0, "failed": 0, "skipped": 0, "invalid": 0, "not_involved": 0}
        steps: list[str] = []
        holder = (
            nullcontext(self.environment)
            if self.environment is not None
            else scenario_environment(self._given(ctx), use_running=True)
        )
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
                except Exception as exc:  # a runner bug must not hide the other scenarios' results
                    counts["failed"] += 1
                    emit(
                        Finding(
                            SUITE,
                            "scenario-error",
                            "error",
                            "",
                            f"{name}: the scenario could not finish",
                            f"{type(exc).__name__}: {exc}",
                            extra={"scenario": name},
                        )
                    )
                    continue
                counts[outcome.status] += 1
                steps.extend(s.status for s in outcome.steps)
                emit_outcome(outcome, emit)
            systems = env.describe()
        emit(
            SuiteFinished(
                SUITE,
                passed=steps.count("passed"),
                failed=steps.count("failed"),
                skipped=steps.count("skipped") + counts["invalid"] + counts["not_involved"],
                stats={
                    "scenarios": len(files),
                    **{f"scenarios_{k}": v for k, v in counts.items()},
                    "steps": len(steps),
                    "systems": systems,
                    "duration_s": round(time.monotonic() - started, 1),
                },
            )
        )
