"""The verdict of a run: conforms, does not conform, or inconclusive, and why.

`fail` exactly when a finding has severity error. Otherwise `inconclusive` when the harness could
not judge what the role requires: nothing was judged at all; no request carrying the harness's
credentials was accepted; (when the fuzz suite ran, the suite meant to reach every operation)
an operation of the role never answered an accepted request; or a required check was skipped
and no check of the same requirement ran in its place. Otherwise `pass`. A skipped check is
never a passed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.engine.events import CheckResult, Finding, SuiteFinished
from harness.engine.reach import Reach

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
EXIT_CODES = {PASS: 0, FAIL: 1, INCONCLUSIVE: 3}
LABELS = {PASS: "CONFORMS", FAIL: "DOES NOT CONFORM", INCONCLUSIVE: "INCONCLUSIVE"}
LISTED = 8  # names listed in one cause before "and N more"


@dataclass(frozen=True)
class Cause:
    """One thing the harness could not judge, said so that a vendor knows what to fix or give."""

    cause: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"cause": self.cause, "detail": self.detail}


def requirement_ids(requirement: str | None) -> set[str]:
    return {r for r in (requirement or "").replace(",", " ").split() if r}


def inconclusive_causes(
    checks: Sequence[CheckResult], suites: Sequence[SuiteFinished], reach: Reach | None, role: str
) -> list[Cause]:
    causes: list[Cause] = []
    ran = [c for c in checks if c.status in ("passed", "failed")]
    if not ran:
        causes.append(
            Cause(
                "nothing-judged",
                "No check ran to completion: every check was skipped or no suite produced one.",
            )
        )
    if reach is not None and reach.authenticated_sent and not reach.authenticated_accepted:
        statuses = ", ".join(f"{n} x {s}" for s, n in sorted(reach.statuses_with_credentials.items()))
        causes.append(
            Cause(
                "credentials-not-accepted",
                f"The product accepted none of the {reach.authenticated_sent} requests that carried the "
                f"harness's credentials (answers: {statuses or 'none'}). Give the product's own "
                "credentials with --auth FILE (docs/vendors.md).",
            )
        )
    elif reach is not None and any(s.suite == "fuzz" for s in suites):
        missing = reach.unreached()
        if missing:
            causes.append(
                Cause(
                    "operations-not-reached",
                    f"{len(missing)} of the {len(reach.secured)} operations of the {role} role never "
                    "answered a request with the harness's credentials (only 401/403, 5xx or no answer), "
                    f"so their behaviour was never judged: {_listed(missing)}.",
                )
            )
    covered_ops: dict[str, set[str]] = {}
    for check in ran:
        for rid in requirement_ids(check.requirement):
            covered_ops.setdefault(rid, set()).add(check.operation)
    gaps = [c for c in checks if c.status == "skipped" and c.required and not _covered(c, covered_ops)]
    if gaps:
        by_reason: dict[str, list[str]] = {}  # one reason, said once, for every check it kept
        for c in gaps:
            by_reason.setdefault(c.message, []).append(c.name)
        named = [
            f"{_listed(names, ', ')} ({why})" if why else _listed(names, ", ")
            for why, names in by_reason.items()
        ]
        causes.append(
            Cause(
                "required-checks-skipped",
                f"{len(gaps)} required checks were skipped and no other check judged the same "
                f"requirement: {_listed(named)}.",
            )
        )
    return causes


def _covered(check: CheckResult, covered_ops: dict[str, set[str]]) -> bool:
    """A skip is covered when every requirement it stood for was judged by a check that ran.

    A check bound to an operation is covered only by a check of the same operation; a check of a
    whole rule (a scenario, a domain rule) by any check of that rule.
    """
    ids = requirement_ids(check.requirement)
    if not ids:
        return False
    for rid in ids:
        ops = covered_ops.get(rid)
        if not ops or (check.operation and check.operation not in ops and "" not in ops):
            return False
    return True


def verdict_of(findings: Sequence[Finding], causes: Sequence[Cause]) -> str:
    if any(f.severity == "error" for f in findings):
        return FAIL
    return INCONCLUSIVE if causes else PASS


def _listed(names: Sequence[str], sep: str = "; ") -> str:
    shown = sep.join(names[:LISTED])
    return shown + (f"{sep}and {len(names) - LISTED} more" if len(names) > LISTED else "")
