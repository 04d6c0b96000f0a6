"""From what the verifier, the proxy and the state endpoint saw to CheckResults and Findings.

Each failed interaction becomes one error finding that names the consumer, the interaction, the
operation of the standard it exercises (`GET /nominals/{nominal_id}`), every mismatch with its JSON
path and expected-versus-got, what the target really answered, and a curl command that repeats
the request (the token as `$TOKEN`, so the command works with a fresh one and no report carries a
live credential).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from harness.contracts.pactfile import PactFile, PactInteraction
from harness.contracts.proxy import Exchange
from harness.contracts.state_server import StateCall
from harness.engine.events import CheckResult, Finding, Severity
from harness.fuzz.curl import SentRequest, to_curl

SUITE = "contracts"
CHECK = "pact-interaction"
TOKEN_VAR = "$TOKEN"


@lru_cache(maxsize=8)
def _templates(role: str) -> tuple[tuple[str, re.Pattern[str], int], ...]:
    from simulators.core.spec import load_spec

    try:
        paths = load_spec(role).get("paths") or {}
    except Exception:  # an unknown role or a broken document: fall back to concrete paths
        return ()
    out = []
    for template in paths:
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")
        out.append((template, pattern, template.count("{")))
    return tuple(sorted(out, key=lambda t: t[2]))  # literal segments win over parameters


def operation_of(role: str, method: str, path: str) -> str:
    """`METHOD /template` of the standard for a concrete request path (the path itself if none fits)."""
    bare = urlsplit(path).path or "/"
    for template, pattern, _ in _templates(role):
        if pattern.match(bare):
            return f"{method} {template}"
    return f"{method} {bare}"


def requirement_of(pact: PactFile, interaction: PactInteraction) -> str:
    return f"PACT-{pact.consumer}-{pact.provider}-{interaction.key or interaction.index}"


def check_name(pact: PactFile, interaction: PactInteraction) -> str:
    return f"{pact.consumer} -> {pact.provider}: {interaction.description}"


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def mismatch_lines(error: dict[str, Any]) -> list[str]:
    """One line per distinct mismatch the verifier reported for an interaction (the same mismatch in
    several items of a collection is one line: `$.items[*]`, with the number of items)."""
    mismatch = error.get("mismatch") or {}
    if mismatch.get("type") == "error":
        return [f"verifier error: {_short(mismatch.get('message'), 400)}"]
    first: dict[str, str] = {}
    count: dict[str, int] = {}
    for m in mismatch.get("mismatches") or []:
        line = _mismatch_line(m)
        shape = re.sub(r"\[\d+\]", "[*]", line) if line.startswith("body $") else line
        first.setdefault(shape, line)
        count[shape] = count.get(shape, 0) + 1
    lines = [first[shape] if count[shape] == 1 else f"{shape} (in {count[shape]} items)" for shape in first]
    return lines or [f"the verifier reported a failure: {_short(mismatch, 300)}"]


def _mismatch_line(m: dict[str, Any]) -> str:
    kind = m.get("type")
    if kind == "StatusMismatch":
        return f"status: expected {m.get('expected')}, got {m.get('actual')}"
    if kind == "HeaderMismatch":
        return f"header {m.get('key')}: expected {_short(m.get('expected'))}, got {_short(m.get('actual'))}"
    if kind == "BodyMismatch":
        text = _short(m.get("mismatch"), 300)
        where = m.get("path") or "$"
        if "missing the following keys" in text:
            return f"body {where}: required field(s) missing: {text.split('keys:', 1)[1].strip()}"
        return f"body {where}: {text} (expected {_short(m.get('expected'))}, got {_short(m.get('actual'))})"
    if kind == "BodyTypeMismatch":
        return f"body: expected content type {m.get('expected')}, got {m.get('actual')}"
    if kind in ("QueryMismatch", "PathMismatch", "MethodMismatch"):
        return f"{kind}: {_short(m.get('mismatch'), 300)}"
    return f"{kind or 'mismatch'}: {_short(m.get('mismatch') or m, 300)}"


def answered(exchange: Exchange | None) -> str:
    if exchange is None:
        return "The verifier sent no request to the target (see above)."
    if exchange.error:
        return f"{exchange.error.capitalize()}."
    body = exchange.response_body.decode("utf-8", errors="replace")
    kind = exchange.content_type or "no content type"
    note = " (an HTML page, not JSON)" if "html" in kind.lower() else ""
    return f"The target answered {exchange.status} {kind}{note}: {_short(body, 300) or '(empty body)'}"


def curl_for(
    interaction: PactInteraction, exchange: Exchange | None, base_url: str, token: str | None
) -> str:
    if exchange is not None:
        headers = {
            k: v for k, v in exchange.headers.items() if k.lower() not in ("accept-encoding", "user-agent")
        }
        request = SentRequest(exchange.method, exchange.url, headers, exchange.body or None)
        return to_curl(request, {token: TOKEN_VAR} if token else {})
    raw = interaction.raw.get("request") or {}
    query = raw.get("query")
    url = base_url.rstrip("/") + interaction.path
    if isinstance(query, dict) and query:
        from urllib.parse import urlencode

        url += "?" + urlencode(
            [(k, v) for k, vs in query.items() for v in (vs if isinstance(vs, list) else [vs])]
        )
    headers = {
        k: (v[0] if isinstance(v, list) and v else str(v)) for k, v in (raw.get("headers") or {}).items()
    }
    if any(k.lower() == "authorization" for k in headers):
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        headers["Authorization"] = f"Bearer {TOKEN_VAR}"
    body = raw.get("body")
    content = body.get("content") if isinstance(body, dict) and "content" in body else body
    data = json.dumps(content, ensure_ascii=False).encode() if content is not None else None
    return to_curl(SentRequest(interaction.method, url, headers, data))


def state_problems(calls: list[StateCall]) -> list[str]:
    return [f"provider state {c.state!r} could not be set up: {c.error}" for c in calls if c.error]


def results_for(
    pact: PactFile,
    interaction: PactInteraction,
    *,
    role: str,
    passed: bool,
    duration_s: float,
    errors: list[dict[str, Any]],
    crash: str | None,
    exchanges: list[Exchange],
    calls: list[StateCall],
    base_url: str,
    token: str | None,
) -> tuple[CheckResult, Finding | None]:
    """The CheckResult of one interaction and, when it failed, its Finding."""
    exchange = exchanges[-1] if exchanges else None
    sent_path = urlsplit(exchange.url).path if exchange else interaction.path
    base_path = urlsplit(base_url).path.rstrip("/")
    if base_path and sent_path.startswith(base_path + "/"):
        sent_path = sent_path[len(base_path) :]  # a product served under a base path
    operation = operation_of(role, exchange.method if exchange else interaction.method, sent_path)
    name, requirement = check_name(pact, interaction), requirement_of(pact, interaction)
    lines = state_problems(calls)
    if passed and not lines:
        return CheckResult(
            SUITE,
            name,
            "passed",
            group=pact.consumer,
            operation=operation,
            duration_s=duration_s,
            message=f"{pact.label}: matches the consumer's expectations",
            requirement=requirement,
        ), None
    for error in errors:
        lines += mismatch_lines(error)
    if crash and not errors:
        lines.append(f"the verifier could not run the interaction: {_short(crash, 300)}")
    lines = list(dict.fromkeys(lines)) or ["the interaction failed without a reported mismatch"]
    states = ", ".join(repr(s.name) for s in interaction.states) or "none"
    detail = (
        f"Consumer {pact.consumer} expects, for '{interaction.description}' (provider states: {states}):\n"
        + "\n".join(f"- {line}" for line in lines)
        + "\n"
        + answered(exchange)
    )
    # A pending interaction (V4 `pending: true`) is one the consumer does not rely on yet: a warning.
    severity: Severity = "warning" if interaction.raw.get("pending") is True else "error"
    finding = Finding(
        SUITE,
        CHECK,
        severity,
        operation,
        f"{pact.consumer}: {interaction.description}",
        detail,
        reproduce=curl_for(interaction, exchange, base_url, token),
        requirement=requirement,
        extra={
            "consumer": pact.consumer,
            "provider": pact.provider,
            "pact": str(pact.path),
            "interaction": interaction.description,
            "mismatches": lines,
        },
    )
    check = CheckResult(
        SUITE,
        name,
        "failed",
        group=pact.consumer,
        operation=operation,
        duration_s=duration_s,
        message=lines[0],
        requirement=requirement,
    )
    return check, finding
