"""From what the fuzzer saw to findings: one per check and operation, with a curl command and the seed.

Every check is traced to a rule of the standard with a stable `requirement` id, so a force can
map a fuzz result to its tender requirements:

    STD-NO-5XX       a request, valid or not, never makes the system fail (5xx)
    STD-STATUS       only the status codes the document lists for the operation
    STD-CONTENT-TYPE only the media types the document lists (errors: application/problem+json)
    STD-SCHEMA       response bodies (problem details included) match the document's schemas
    STD-HEADERS      documented response headers are present and well-formed
    STD-VALIDATION   a request that breaks the document is refused with 4xx, not accepted
    STD-AUTH         no token or a bad one -> 401; a token without the operation's scope -> 403
    STD-RESOURCES    a created resource can be read; a deleted one cannot
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from harness.engine.events import Finding, Severity
from harness.fuzz.auth import TOKEN_VAR, WRONG_SCOPE_VAR, AuthOutcome, AuthProbe
from harness.fuzz.curl import to_curl
from harness.fuzz.engine import SEQUENCE_CHECKS, EngineError, Exchange, RecordedFailure

SUITE = "fuzz"


@dataclass(frozen=True)
class CheckInfo:
    requirement: str
    rule: str  # the rule in one line, for CheckResult messages and finding details


CHECKS: dict[str, CheckInfo] = {
    "not_a_server_error": CheckInfo("STD-NO-5XX", "No request may make the system fail with a 5xx."),
    "status_code_conformance": CheckInfo("STD-STATUS", "Only status codes documented for the operation."),
    "content_type_conformance": CheckInfo("STD-CONTENT-TYPE", "Only documented media types."),
    "response_schema_conformance": CheckInfo("STD-SCHEMA", "Response bodies match the documented schema."),
    "response_headers_conformance": CheckInfo(
        "STD-HEADERS", "Documented response headers are present and valid."
    ),
    "negative_data_rejection": CheckInfo(
        "STD-VALIDATION", "Requests that break the standard are refused (4xx)."
    ),
    "ignored_auth": CheckInfo("STD-AUTH", "A request without a valid token is refused (401)."),
    "ignored_scope": CheckInfo("STD-AUTH", "A token without the operation's scope is refused (403)."),
    "use_after_free": CheckInfo("STD-RESOURCES", "A deleted resource is gone."),
    "max_response_time": CheckInfo("STD-LATENCY", "Every operation answers within 2 s."),
    "ensure_resource_availability": CheckInfo("STD-RESOURCES", "A created resource can be read back."),
}


def requirement_of(check: str) -> str | None:
    info = CHECKS.get(check)
    return info.requirement if info else None


def token_help(scopes: list[str], variable: str = "TOKEN") -> str:
    """How to fill the shell variable a reproduction uses."""
    joined = " ".join(scopes)
    return (
        f"Set {variable} to an access token with scopes '{joined}' from the target's token endpoint "
        f"(for a simulator: export {variable}=$(interop token --scopes '{joined}'))."
    )


def _describe_response(ex: Exchange) -> str:
    if ex.status is None:
        return "no response"
    body = ex.body_excerpt.strip().replace("\n", " ")
    return f"{ex.status} {ex.content_type or '(no content type)'}" + (f": {body}" if body else "")


def _minimal(failures: list[RecordedFailure]) -> RecordedFailure:
    """The smallest failing example: fewest steps, shortest body, shortest URL (first among equals)."""
    return min(
        failures,
        key=lambda f: (len(f.chain), len(f.exchange.request.body or b""), len(f.exchange.request.url)),
    )


def engine_findings(
    failures: list[RecordedFailure], *, seed: int, token: str | None, token_scopes: list[str]
) -> list[Finding]:
    """One finding per (check, operation), with the smallest example as its reproduction."""
    groups: dict[tuple[str, str], list[RecordedFailure]] = defaultdict(list)
    for f in failures:
        groups[(f.check, f.operation)].append(f)
    secrets = {token: TOKEN_VAR} if token else {}
    out = []
    for (check, operation), group in groups.items():
        best = _minimal(group)
        steps = best.chain if check in SEQUENCE_CHECKS and len(best.chain) > 1 else [best.exchange]
        reproduce = "\n".join(to_curl(s.request, secrets) for s in steps)
        distinct = sorted({f.message.strip() for f in group if f.message.strip()} - {best.message.strip()})
        lines = [best.message.strip() or best.title, f"Response: {_describe_response(best.exchange)}"]
        if distinct:
            lines.append(f"Also seen on this operation ({len(distinct)} more): " + " | ".join(distinct[:3]))
        lines.append(f"Found in the {best.phase} phase (seed {seed}); {len(group)} failing request(s).")
        if TOKEN_VAR in reproduce:
            lines.append(token_help(token_scopes))
        out.append(
            Finding(
                SUITE,
                check,
                "error",
                operation,
                best.title,
                "\n".join(lines),
                reproduce,
                requirement_of(check),
                extra={
                    "seed": seed,
                    "phase": best.phase,
                    "response_status": best.exchange.status,
                    "occurrences": len(group),
                    "schemathesis_code": best.code,
                    **({"steps": len(steps)} if len(steps) > 1 else {}),
                },
            )
        )
    return out


_PROBE_TEXT = {
    "no-token": "without an Authorization header",
    "forged-token": "with a forged token (our token with its signature altered)",
    "wrong-scope": "with a valid token that lacks the operation's scope",
}


def _probe_finding(
    op: str,
    check: str,
    severity: Severity,
    title: str,
    probes: list[AuthProbe],
    base: Exchange,
    seed: int,
    token_scopes: list[str],
) -> Finding:
    first = probes[0]
    reproduce = to_curl(first.request, first.secrets)
    lines = [f"The same request succeeded with a valid token ({_describe_response(base)})."]
    for p in probes:
        got = f"{p.status}" if p.status is not None else f"no answer ({p.error})"
        lines.append(f"Sent {_PROBE_TEXT[p.kind]}: expected {p.expected}, got {got}.")
    lines.append(f"Replayed after the fuzz run with seed {seed}.")
    if TOKEN_VAR in reproduce:
        lines.append(token_help(token_scopes))
    if WRONG_SCOPE_VAR in reproduce:
        lines.append(token_help(first.scopes, "WRONG_SCOPE_TOKEN"))
    return Finding(
        SUITE,
        check,
        severity,
        op,
        title,
        "\n".join(lines),
        reproduce,
        requirement_of(check),
        extra={
            "seed": seed,
            "probe": first.kind,
            "response_status": first.status,
            **({"wrong_scopes": first.scopes} if first.scopes else {}),
        },
    )


def auth_findings(outcomes: list[AuthOutcome], *, seed: int, token_scopes: list[str]) -> list[Finding]:
    """Errors where auth was not enforced; warnings where it was, with the other of 401/403."""
    out = []
    for o in outcomes:
        if o.base is None:
            continue
        for check, kinds in (
            ("ignored_auth", ("no-token", "forged-token")),
            ("ignored_scope", ("wrong-scope",)),
        ):
            probes = [p for p in o.probes if p.kind in kinds]
            accepted = [p for p in probes if not p.enforced]
            inexact = [p for p in probes if p.enforced and not p.exact]
            if accepted:
                title = (
                    "Accepts a token without the operation's scope"
                    if check == "ignored_scope"
                    else "Accepts requests without a valid token"
                )
                if all(p.status is not None and not 200 <= p.status < 300 for p in accepted):
                    title = (
                        "Does not refuse a token without the operation's scope with 403"
                        if check == "ignored_scope"
                        else "Does not refuse a missing or bad token with 401"
                    )
                out.append(
                    _probe_finding(o.operation, check, "error", title, accepted, o.base, seed, token_scopes)
                )
            elif inexact:
                p = inexact[0]
                title = f"Answers {p.status} {_PROBE_TEXT[p.kind]}; the standard says {p.expected}"
                out.append(
                    _probe_finding(o.operation, check, "warning", title, inexact, o.base, seed, token_scopes)
                )
    return out


def _unmask(code_sample: str) -> str:
    """Schemathesis masks the token in its samples; put our variable back so the command runs."""
    return code_sample.replace("'Authorization: [Filtered]'", f'"Authorization: Bearer {TOKEN_VAR}"')


def error_findings(errors: list[EngineError], *, seed: int) -> list[Finding]:
    """Operations that could not be tested: target trouble is an error, a tooling limit a warning."""
    seen: set[tuple[str, str]] = set()
    out = []
    for e in errors:
        key = (e.operation, e.title)
        if key in seen:
            continue
        seen.add(key)
        if e.target_related:
            out.append(
                Finding(
                    SUITE,
                    "network_error",
                    "error",
                    e.operation,
                    f"{e.title}: the target did not answer",
                    f"{e.message}\nFound with seed {seed}.",
                    _unmask(e.code_sample),
                    extra={"seed": seed},
                )
            )
        else:
            out.append(
                Finding(
                    SUITE,
                    "fuzz_setup",
                    "warning",
                    e.operation,
                    f"{e.title}: this operation could not be fully fuzzed",
                    e.message,
                    extra={"seed": seed},
                )
            )
    return out
