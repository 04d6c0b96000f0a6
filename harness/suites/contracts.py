"""The contracts suite: replay every consumer's pact against the target with pact-python 4.

For ROLE as provider the suite takes the standard's pacts naming ROLE as provider
(`contracts/pacts/*.json`), or only the files given with `--pact` (a vendor's consumer pact), and
verifies each interaction on its own with the pact verifier:

* provider states are set up through the target's standard API by the harness's state-change
  endpoint (harness/contracts/state_server.py), which answers with the ids it created; the pacts'
  ProviderState generators put them into paths, queries and bodies. `--state-url` uses the
  product's own state-change endpoint instead;
* requests reach the target through an auth proxy that gives each consumer a real token with the
  scopes its client really has, and none to the interactions that send none;
* each interaction is a CheckResult (group = consumer, operation = the standard's template) and,
  when it fails, an error Finding with every mismatch, what the target answered and a curl command.

A target that stops answering does not produce one identical finding per interaction: after
`max_unreachable` interactions in a row find it unreachable, the rest are skipped with one finding.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.contracts.consumers import consumer_scopes
from harness.contracts.pactfile import PactFile, PactFileError, load_pact, standard_pacts
from harness.contracts.proxy import AuthProxy, Exchange
from harness.contracts.runner import verify_file
from harness.contracts.state_server import StateCall, StateServer
from harness.contracts.target_api import TargetApi
from harness.contracts.translate import CHECK, SUITE, check_name, requirement_of, results_for
from harness.engine.events import CheckResult, Event, Finding, SuiteFinished
from harness.engine.run import RunContext

DEFAULTS: dict[str, Any] = {"request_timeout": 10.0, "max_unreachable": 3}


class ContractsSuite:
    """`interop verify --suite contracts`; `pact_dir` replaces contracts/pacts (tests use it)."""

    name = SUITE

    def __init__(self, pact_dir: Path | None = None, **defaults: Any) -> None:
        self.pact_dir = pact_dir
        self.defaults = {**DEFAULTS, **defaults}

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        started = time.monotonic()
        options = {**self.defaults, **ctx.options}
        pacts = self._pacts(ctx.role, options.get("pacts"), emit)
        counts = {"passed": 0, "failed": 0, "skipped": 0}

        def record(event: CheckResult | Finding) -> None:
            if isinstance(event, CheckResult):
                counts[event.status] += 1
            emit(event)

        if not pacts:
            record(
                CheckResult(
                    SUITE,
                    f"pacts for {ctx.role}",
                    "skipped",
                    group=ctx.role,
                    message=f"no pact names {ctx.role} as its provider",
                )
            )
        else:
            self._verify_all(ctx, pacts, options, record)
        emit(
            SuiteFinished(
                SUITE,
                counts["passed"],
                counts["failed"],
                counts["skipped"],
                stats={
                    "pacts": [p.label for p in pacts],
                    "interactions": sum(len(p.interactions) for p in pacts),
                    "state_handler": options.get("state_url") or "harness (standard API)",
                    "duration_s": round(time.monotonic() - started, 1),
                },
            )
        )

    def _pacts(self, role: str, given: list[str] | None, emit: Callable[[Event], None]) -> list[PactFile]:
        if given:
            found = []
            for path in given:
                try:
                    found.append(load_pact(path))
                except PactFileError as exc:
                    emit(
                        Finding(SUITE, "pact-file", "error", "", "The pact file cannot be verified", str(exc))
                    )
            return found
        try:
            return standard_pacts(role, self.pact_dir)
        except PactFileError as exc:
            emit(Finding(SUITE, "pact-file", "error", "", "A pact of the standard cannot be read", str(exc)))
            return []

    def _verify_all(
        self,
        ctx: RunContext,
        pacts: list[PactFile],
        options: dict[str, Any],
        record: Callable[[CheckResult | Finding], None],
    ) -> None:
        timeout = float(options["request_timeout"])
        api = TargetApi(ctx.base_url, ctx.tokens, timeout=timeout, peers=ctx.peers)
        proxy = AuthProxy(ctx.base_url, timeout=timeout).start()
        states = None if options.get("state_url") else StateServer(api, ctx.role).start()
        state_url = options.get("state_url") or (states.url if states else None)
        silent_in_a_row, stop_reason = 0, ""
        try:
            with tempfile.TemporaryDirectory(prefix="interop-pacts-") as tmp:
                for n, pact in enumerate(pacts):
                    workdir = Path(tmp) / str(n)
                    workdir.mkdir()
                    scopes = consumer_scopes(pact.consumer, ctx.role)
                    proxy.token = api.token(scopes)
                    if proxy.token is None and any(i.sends_token for i in pact.interactions):
                        record(_no_token(pact, scopes, ctx.base_url))
                    for interaction in pact.interactions:
                        skip = stop_reason or (
                            ""
                            if interaction.is_http
                            else "not an HTTP interaction (messages are not part of the standard)"
                        )
                        if skip:
                            record(
                                CheckResult(
                                    SUITE,
                                    check_name(pact, interaction),
                                    "skipped",
                                    group=pact.consumer,
                                    requirement=requirement_of(pact, interaction),
                                    message=skip,
                                )
                            )
                            continue
                        began = time.monotonic()
                        outcome = verify_file(
                            pact.single(interaction, workdir),
                            pact.provider,
                            proxy.url,
                            state_url,
                            request_timeout_s=timeout * 6 + 5,
                        )
                        exchanges = proxy.take_exchanges()
                        calls = states.take_calls() if states else []
                        check, finding = results_for(
                            pact,
                            interaction,
                            role=ctx.role,
                            passed=outcome.passed,
                            duration_s=time.monotonic() - began,
                            errors=outcome.errors,
                            crash=outcome.crash,
                            exchanges=exchanges,
                            calls=calls,
                            base_url=ctx.base_url,
                            token=proxy.token,
                        )
                        record(check)
                        if finding:
                            record(finding)
                        silent_in_a_row = silent_in_a_row + 1 if _silent(exchanges, calls) else 0
                        if silent_in_a_row >= int(options["max_unreachable"]):
                            stop_reason = (
                                f"not run: the target at {ctx.base_url} stopped answering (unreachable "
                                f"or slower than {timeout:g}s for {silent_in_a_row} interactions in a "
                                "row)"
                            )
                            record(
                                Finding(
                                    SUITE,
                                    "target-unreachable",
                                    "error",
                                    "",
                                    "The target stopped answering",
                                    stop_reason.removeprefix("not run: ")
                                    + "; the remaining interactions were skipped.",
                                )
                            )
        finally:
            proxy.stop()
            if states:
                states.stop()


def _no_token(pact: PactFile, scopes: list[str], base_url: str) -> Finding:
    return Finding(
        SUITE,
        "no-token",
        "warning",
        "",
        f"{pact.consumer}: no access token",
        f"No token with scopes '{' '.join(scopes)}' could be obtained from {base_url}/oauth/token; "
        "interactions that send one are sent without. Give --token, or --client-id and "
        "--client-secret.",
    )


def _silent(exchanges: list[Exchange], calls: list[StateCall]) -> bool:
    """The target did not answer at all (refused, unreachable, or past the timeout) in this interaction."""
    if any(e.error for e in exchanges):
        return True
    return any(c.error and ("did not answer" in c.error or "connection refused" in c.error) for c in calls)


__all__ = ["CHECK", "ContractsSuite"]
