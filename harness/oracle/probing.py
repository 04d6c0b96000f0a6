"""Boundary probes: requests sent through the standard API alone, each judged as one check.

A probe sends one request at a rule's boundary (one minute inside or outside it) and says what
the standard requires: accepted (2xx, and the answer shows the lawful clock), or refused (the
status and the `rule` id the standard names). Probes of one case share a record; when a lawful
step of the case is not accepted, the probes that need it are skipped with the reason (the run
then says what it could not judge) rather than judged on a record in an unknown state.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from harness.contracts.target_api import TargetApi
from harness.engine.events import CheckResult, Event, Finding, Status
from harness.oracle.exchange import operation_of, reproduce

SUITE = "rules"
CHECK = "boundary-probe"
SHOWN = 300
MAX_BODY = 1_000_000  # a probe reads at most this much of an answer
MAX_SILENT = 3  # after this many probes in a row without an answer, the rest are skipped
#: A check on an accepted answer: None when it holds, else what is wrong.
Check = Callable[[dict[str, Any]], str | None]


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def minute_floor(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


@dataclass
class Answer:
    method: str
    url: str
    sent: Any
    status: int | None
    body: Any
    text: str
    error: str | None
    curl: str
    seconds: float

    @property
    def rules(self) -> list[str]:
        """The rule ids a problem answer names (`rule`, and `rules` where the standard lists several)."""
        if not isinstance(self.body, dict):
            return []
        named = [self.body.get("rule")] + list(self.body.get("rules") or [])
        errors = self.body.get("errors")
        if isinstance(errors, list):
            named += [e.get("rule") for e in errors if isinstance(e, dict)]
        return [str(r) for r in named if r and isinstance(r, str | int)]

    def described(self) -> str:
        if self.status is None:
            return f"no answer ({self.error})"
        return f"{self.status}: {self.text or '(empty body)'}"


class Case:
    """A sequence of probes on one record; stops judging (skips) after a failed lawful step."""

    def __init__(self, prober: Prober, group: str) -> None:
        self.prober = prober
        self.group = group
        self._blocked: str | None = None
        self.values: dict[str, Any] = {}

    @property
    def blocked(self) -> str | None:
        """Why the rest of this case cannot be judged (None while it can)."""
        return self._blocked or self.prober.unavailable

    def block(self, reason: str) -> None:
        self._blocked = self._blocked or reason

    def setup(
        self,
        what: str,
        method: str,
        path: str,
        body: Any,
        expect: Iterable[int] = (200, 201),
        scopes: list[str] | None = None,
    ) -> Answer | None:
        """A lawful step no rule is probed by; if it fails the rest of the case is skipped."""
        if self.blocked:
            return None
        if scopes is not None and self.prober.token_for(scopes) is None:
            self.block(
                f"no access token with exactly the scopes {' '.join(scopes)} could be had for the target"
            )
            return None
        answer = self.prober.send(method, path, body, scopes)
        if answer.status not in tuple(expect) or not isinstance(answer.body, dict):
            self.block(f"{what} was not accepted ({method} {path} answered {answer.described()})")
            return None
        return answer

    def _cannot(
        self, name: str, rules: Iterable[str], method: str, path: str, scopes: list[str] | None
    ) -> bool:
        """Skip (with the reason) when the case is blocked or the probe's token cannot be had."""
        reason = self.blocked
        if reason is None and scopes is not None and self.prober.token_for(scopes) is None:
            reason = f"no access token with exactly the scopes {' '.join(scopes)} could be had for the target"
        if reason is None:
            return False
        rules = list(rules)
        for rule in rules:
            label = name if len(rules) == 1 else f"{name} ({rule})"
            self.prober.skipped(self.group, label, rule, method, path, reason)
        return True

    def _unanswered(self, name: str, rules: Iterable[str], answer: Answer, path: str) -> bool:
        """No answer is not a verdict on the rule: skipped, and the case stops."""
        if answer.status is not None:
            return False
        reason = f"the target gave no answer ({answer.error})"
        rules = list(rules)
        for rule in rules:
            label = name if len(rules) == 1 else f"{name} ({rule})"
            self.prober.skipped(self.group, label, rule, answer.method, path, reason)
        self.block(f"the target gave no answer to '{name}'")
        return True

    def accepted(
        self,
        name: str,
        rules: str | dict[str, Iterable[Check]],
        method: str,
        path: str,
        body: Any = None,
        *,
        scopes: list[str] | None = None,
    ) -> Answer | None:
        """The lawful side of a boundary: 2xx with the record, and each rule's checks hold on it.

        `rules` is a rule id, or rule id -> the checks of the answer that judge that rule (one
        CheckResult per rule id). `scopes`: the exact scopes of the caller the rule is about.
        """
        by_rule = {rules: ()} if isinstance(rules, str) else rules
        if self._cannot(name, by_rule, method, path, scopes):
            return None
        answer = self.prober.send(method, path, body, scopes)
        if self._unanswered(name, by_rule, answer, path):
            return None
        ok = answer.status is not None and 200 <= answer.status < 300 and isinstance(answer.body, dict)
        for rule, checks in by_rule.items():
            if not ok:
                problems = [f"expected it to be accepted (2xx with the record), got {answer.described()}"]
            else:
                problems = [p for p in (check(answer.body) for check in checks) if p]
            # one check per rule id; each keeps a name of its own (a JUnit test case)
            label = name if len(by_rule) == 1 else f"{name} ({rule})"
            self.prober.judged(self.group, label, rule, answer, problems)
        if not ok:
            self.block(f"the lawful step '{name}' was not accepted")
        return answer if ok else None

    def refused(
        self,
        name: str,
        rule: str,
        method: str,
        path: str,
        body: Any = None,
        status: tuple[int, ...] = (422,),
        *,
        scopes: list[str] | None = None,
        named: bool = True,
    ) -> Answer | None:
        """The unlawful side of a boundary: refused with `status` and (when `named`) the rule id."""
        if self._cannot(name, [rule], method, path, scopes):
            return None
        answer = self.prober.send(method, path, body, scopes)
        if self._unanswered(name, [rule], answer, path):
            return None
        problems = []
        wanted = " or ".join(str(s) for s in status) + (f" with rule {rule}" if named else "")
        if answer.status not in status or (named and rule not in answer.rules):
            problems.append(f"expected {wanted}, got {answer.described()}")
        self.prober.judged(self.group, name, rule, answer, problems)
        if answer.status is not None and 200 <= answer.status < 300:
            # the product accepted what it should have refused: the record is no longer as planned
            self.block(f"the product accepted '{name}', so the record is not in the state later probes need")
        return answer


class Prober:
    """Sends probe requests to the target and turns each into engine events."""

    def __init__(
        self, ctx: Any, emit: Callable[[Event], None], scopes: list[str], *, timeout: float = 15.0
    ) -> None:
        self.base_url = ctx.base_url.rstrip("/")
        self.emit = emit
        self.api = TargetApi(self.base_url, ctx.tokens, timeout=timeout)
        self.timeout = timeout
        self.http = requests.Session()
        self.tokens = ctx.tokens
        self.token = ctx.tokens.token(scopes) or ctx.tokens.token(None)
        self.scopes = scopes
        self._tokens: dict[tuple[str, ...], str | None] = {}
        #: why no probe can run (no token could be had), else None
        self.unavailable = (
            None
            if self.token
            else f"no access token with scopes {' '.join(scopes)} could be had for the target"
        )
        self.silent = 0

    def now(self) -> datetime:
        """The target's own clock (`GET /health` `time`): probe times are relative to it."""
        return self.api.now()

    def token_for(self, scopes: list[str]) -> str | None:
        """A token with exactly `scopes` (no stronger fallback: the probe is about that caller)."""
        key = tuple(sorted(scopes))
        if key not in self._tokens:
            self._tokens[key] = self.tokens.token(list(key))
        return self._tokens[key]

    def send(self, method: str, path: str, body: Any = None, scopes: list[str] | None = None) -> Answer:
        url = self.base_url + path
        headers = {"Accept": "application/json, application/problem+json"}
        token = self.token_for(scopes) if scopes is not None else self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        raw = None
        if body is not None:
            raw = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        curl = reproduce(method, url, headers, raw)
        if self.unavailable:
            return Answer(method, url, body, None, None, "", self.unavailable, curl, 0.0)
        try:
            with self.http.request(
                method, url, data=raw, headers=headers, timeout=self.timeout, stream=True
            ) as resp:
                content = resp.raw.read(MAX_BODY + 1, decode_content=True) or b""
        except (requests.RequestException, OSError, ValueError) as exc:
            self.silent += 1
            if self.silent >= MAX_SILENT:
                self.unavailable = f"the target gave no answer to {MAX_SILENT} probes in a row"
            return Answer(
                method, url, body, None, None, "", type(exc).__name__, curl, time.monotonic() - started
            )
        self.silent = 0
        try:
            parsed = json.loads(content) if len(content) <= MAX_BODY else None
        except (ValueError, RecursionError):
            parsed = None
        text = " ".join(content[: SHOWN * 2].decode("utf-8", "replace").split())[:SHOWN]
        return Answer(
            method, url, body, resp.status_code, parsed, text, None, curl, time.monotonic() - started
        )

    def judged(self, group: str, name: str, rule: str, answer: Answer, problems: list[str]) -> None:
        op = operation_of(answer.method, answer.url[len(self.base_url) :].split("?")[0])
        status: Status = "failed" if problems else "passed"
        message = "; ".join(problems) if problems else f"answered {answer.status}"
        self.emit(
            CheckResult(
                SUITE,
                name,
                status,
                group=group,
                operation=op,
                duration_s=answer.seconds,
                message=message,
                requirement=rule,
            )
        )
        if problems:
            sent = json.dumps(answer.sent)[:SHOWN] if answer.sent is not None else "no body"
            self.emit(
                Finding(
                    SUITE,
                    CHECK,
                    "error",
                    op,
                    f"Boundary not kept: {name}",
                    f"{'; '.join(problems)}. Sent {answer.method} {answer.url} with {sent}.",
                    reproduce=answer.curl,
                    requirement=rule,
                    extra={"status_code": answer.status, "response_start": answer.text},
                )
            )

    def skipped(self, group: str, name: str, rule: str, method: str, path: str, reason: str) -> None:
        self.emit(
            CheckResult(
                SUITE,
                name,
                "skipped",
                group=group,
                operation=operation_of(method, path),
                message=f"not run: {reason}",
                requirement=rule,
            )
        )


# ------------------------------------------------------------------------------ answer checks


def field_is(pointer: str, expected: Any, compare: Callable[[Any, Any], bool] | None = None) -> Check:
    """A check that the answer's field at `pointer` (a/b/0/c) equals `expected`."""

    def check(body: dict[str, Any]) -> str | None:
        value: Any = body
        for part in pointer.split("/"):
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return f"the answer has no {pointer} (expected {json.dumps(expected)})"
        same = compare(value, expected) if compare else value == expected
        if not same:
            return f"{pointer} is {json.dumps(value)[:80]}, expected {json.dumps(expected)}"
        return None

    return check


def same_instant(value: Any, expected: Any) -> bool:
    from harness.oracle.exchange import instant

    a, b = instant(value), instant(expected)
    return a is not None and b is not None and abs(a - b) <= timedelta(seconds=1)


def instant_is(pointer: str, expected: datetime) -> Check:
    return field_is(pointer, iso(expected), same_instant)


def contains(pointer: str, item: Any, present: bool = True) -> Check:
    def check(body: dict[str, Any]) -> str | None:
        value: Any = body
        for part in pointer.split("/"):
            value = value.get(part) if isinstance(value, dict) else None
        has = isinstance(value, list) and item in value
        if has != present:
            should = "to" if present else "not to"
            return f"{pointer} is {json.dumps(value)[:80]}; expected it {should} list {item!r}"
        return None

    return check


def absent(name: str) -> Check:
    """A check that the answer has no top-level field `name`."""

    def check(body: dict[str, Any]) -> str | None:
        return f"the answer has {name} ({json.dumps(body[name])[:60]}); it must not" if name in body else None

    return check
