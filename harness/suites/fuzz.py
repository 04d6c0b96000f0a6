"""The fuzz suite: Schemathesis 4 against the role's published OpenAPI document.

Every operation gets generated valid and invalid data (examples, coverage, fuzzing phases) and
sequences through the document's OpenAPI links (stateful phase), with the token the target's own
token endpoint issues for the role's scopes. Schemathesis's built-in checks judge each response;
we add the auth probes it cannot make against OAuth2 (harness/fuzz/auth.py). Each distinct
failure becomes one finding per check and operation, with a curl command and the seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from harness.engine.events import CheckResult, Event, Finding, Status, SuiteFinished
from harness.engine.operations import Operation, operations
from harness.engine.run import RunContext
from harness.fuzz.auth import AuthOutcome, probe_operations
from harness.fuzz.engine import ENGINE_CHECKS, EngineResult, run_engine
from harness.fuzz.findings import (
    CHECKS,
    SUITE,
    auth_findings,
    engine_findings,
    error_findings,
    requirement_of,
)
from harness.fuzz.options import FuzzOptions
from harness.fuzz.spec import (
    fuzzable,
    role_scopes,
    without_trust_endpoints,
    wrong_scopes,
)


class FuzzSuite:
    """`interop verify --suite fuzz`.

    `spec` replaces the role's document (tests fuzz toy systems with it); `defaults` are budget
    options used where the command line gives none.
    """

    name = SUITE

    def __init__(self, spec: dict[str, Any] | None = None, **defaults: Any) -> None:
        self.spec = spec
        self.defaults = defaults

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        from simulators.core.spec import load_spec

        started = time.monotonic()
        options = FuzzOptions.from_mapping({**self.defaults, **ctx.options})
        spec = fuzzable(self.spec if self.spec is not None else load_spec(ctx.role))
        if _own_identity_provider(ctx):
            spec = without_trust_endpoints(spec)
        ops = operations(spec)
        scopes = role_scopes(spec)
        token = ctx.tokens.token(scopes) or ctx.tokens.token(None)
        if token is None and any(op.secured for op in ops):
            emit(
                Finding(
                    SUITE,
                    "no_token",
                    "error",
                    "",
                    "No access token for the target",
                    f"Client credentials at {ctx.base_url}/oauth/token gave no token for scopes "
                    f"'{' '.join(scopes)}'; without one every secured operation answers 401 and nothing "
                    "is tested. Give --token, or --client-id and --client-secret.",
                    requirement="STD-AUTH",
                )
            )
            return

        result = run_engine(spec, ctx.base_url, token, options)

        def wrong_token(op: Operation) -> tuple[list[str], str | None]:
            wrong = wrong_scopes(op, spec, ctx.role)
            return wrong, ctx.tokens.token(wrong)

        outcomes = (
            probe_operations(ops, result.auth_candidates, token, wrong_token, options.request_timeout)
            if token
            else []
        )

        findings = [
            *engine_findings(result.failures, seed=options.seed, token=token, token_scopes=scopes),
            *auth_findings(outcomes, seed=options.seed, token_scopes=scopes),
            *error_findings(result.errors, seed=options.seed),
        ]
        findings.extend(_stop_findings(result, options))
        checks = _check_results(ops, result, outcomes, findings)
        events: list[Event] = [*checks, *findings]
        for event in events:
            emit(event)
        probes = sum(len(o.probes) for o in outcomes)
        emit(
            SuiteFinished(
                SUITE,
                passed=sum(c.status == "passed" for c in checks),
                failed=sum(c.status == "failed" for c in checks),
                skipped=sum(c.status == "skipped" for c in checks),
                stats={
                    "operations": len(ops),
                    "operations_exercised": sum(
                        1 for op in ops if result.tallies.get(op.label) and result.tallies[op.label].cases
                    ),
                    "test_cases": result.test_cases,
                    "auth_probes": probes,
                    "requests": result.test_cases + probes,
                    "stateful_links": result.stateful_links,
                    "phases": result.phases_run,
                    **options.describe(),
                    "stop_reason": result.stop_reason,
                    "duration_s": round(time.monotonic() - started, 1),
                },
            )
        )


def _own_identity_provider(ctx: RunContext) -> bool:
    """The product's tokens come from elsewhere (`--auth` token_url), so it need not serve the
    reference ecosystem's token endpoint and key set (docs/vendors.md)."""
    token_url = getattr(ctx.tokens, "token_url", None)
    return bool(token_url) and token_url != ctx.target_url.rstrip("/") + "/oauth/token"


def _check_results(
    ops: list[Operation], result: EngineResult, outcomes: list[AuthOutcome], findings: list[Finding]
) -> list[CheckResult]:
    """One CheckResult per operation and check that ran (failed when it has an error finding)."""
    failing = {(f.check, f.operation) for f in findings if f.severity == "error"}
    auth = {o.operation: o for o in outcomes}
    out: list[CheckResult] = []
    for op in ops:
        tally = result.tallies.get(op.label)
        if tally is None or tally.cases == 0:
            reasons = "; ".join(sorted(tally.skip_reasons)) if tally else ""
            out.append(
                CheckResult(
                    SUITE,
                    f"{op.label} [fuzz]",
                    "skipped",
                    group=op.label,
                    operation=op.label,
                    message=reasons or "no test case reached this operation",
                )
            )
        else:
            for check in ENGINE_CHECKS:
                passed, failed = tally.passed.get(check, 0), tally.failed.get(check, 0)
                if not passed and not failed:
                    continue
                if check == "ignored_auth" and op.label in auth and not failed:
                    continue  # vacuous for OAuth2 (see harness/fuzz/auth.py); our probes report it
                status: Status = "failed" if failed or (check, op.label) in failing else "passed"
                out.append(
                    CheckResult(
                        SUITE,
                        f"{op.label} [{check}]",
                        status,
                        group=op.label,
                        operation=op.label,
                        message=f"{CHECKS[check].rule} {passed + failed} responses checked, {failed} failed.",
                        requirement=requirement_of(check),
                    )
                )
        outcome = auth.get(op.label)
        if outcome is None:
            continue
        if outcome.skipped:
            out.append(
                CheckResult(
                    SUITE,
                    f"{op.label} [auth]",
                    "skipped",
                    group=op.label,
                    operation=op.label,
                    message=outcome.skipped,
                    requirement="STD-AUTH",
                )
            )
            continue
        for check, kinds in (
            ("ignored_auth", ("no-token", "forged-token")),
            ("ignored_scope", ("wrong-scope",)),
        ):
            probes = [p for p in outcome.probes if p.kind in kinds]
            if not probes:
                out.append(
                    CheckResult(
                        SUITE,
                        f"{op.label} [{check}]",
                        "skipped",
                        group=op.label,
                        operation=op.label,
                        message="no token with other scopes could be obtained",
                        requirement=requirement_of(check),
                    )
                )
                continue
            status = "failed" if (check, op.label) in failing else "passed"
            got = ", ".join(f"{p.kind} -> {p.status}" for p in probes)
            out.append(
                CheckResult(
                    SUITE,
                    f"{op.label} [{check}]",
                    status,
                    group=op.label,
                    operation=op.label,
                    message=f"{CHECKS[check].rule} ({got})",
                    requirement=requirement_of(check),
                )
            )
    return out


def _stop_findings(result: EngineResult, options: FuzzOptions) -> list[Finding]:
    """Why the pass did not run to the end, when it did not."""
    ran = f"{result.test_cases} test cases run; phases reached: {', '.join(result.phases_run) or 'none'}"
    extra = {"seed": options.seed, "max_time": options.max_time}
    if result.stop_reason == "server_unavailable":
        return [
            Finding(
                SUITE,
                "network_error",
                "error",
                "",
                "The target stopped answering during the fuzz run",
                f"Schemathesis stopped after the target refused connections ({ran}). Its log may show "
                "a crash on one of the last requests.",
                requirement=requirement_of("not_a_server_error"),
                extra=extra,
            )
        ]
    if result.stop_reason == "max_time" or result.stopped_at_cap:
        return [
            Finding(
                SUITE,
                "time_budget",
                "warning",
                "",
                "The fuzz pass did not finish within its time budget",
                f"Stopped after {options.max_time:.0f}s ({ran}). Findings stand, but parts of the pass "
                "were not run: give a larger --max-time for a complete pass (or fewer --max-examples).",
                extra=extra,
            )
        ]
    if result.stop_reason not in ("completed", ""):
        return [
            Finding(
                SUITE,
                "fuzz_interrupted",
                "warning",
                "",
                f"The fuzz run stopped early ({result.stop_reason})",
                ran + ".",
                extra=extra,
            )
        ]
    return []
