"""Duties a consumer has when the systems it calls fail: judged from the traffic and the fault plan.

`interop observe --faults PLAN.yaml` makes the reference systems slow, throttled, down, or their
token endpoint fail, while the product runs (harness/consumer/faults.py). These duties read what
the product did then, and after:

- it honours `Retry-After` (no identical request before the time the system asked for);
- it never creates a record twice by retrying a create blindly (a create whose answer it missed,
  a timeout, must be checked before it is sent again: search, or read back);
- nothing it reported done is lost (the product lists what it did in `INTEROP_ACTIONS_FILE`, a
  JSON line per action: `system`, `method`, `path` (as sent, or the operation's template), and
  optionally `id` (the resource's id) and `request` (fields of the body it sent); each action must
  have reached the reference system with a success);
- it works again once the fault ends (a product that gave up, or kept an expired token, does not).

Each returns None when the run gives it nothing to judge, like the duties in duties.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.consumer.duties import Defect, Duty, _calls, _grouped, _times
from harness.consumer.traffic import Exchange

RETRY_AFTER_SLACK_S = 0.5  # clocks and logging: a retry this early is still "after"
DUPLICATE_WINDOW_S = 300.0  # identical creates this close together are one action sent twice
RECOVERY_GRACE_S = 5.0  # the product has this long after a fault ends to work again
MAX_CLAIMS = 10_000
INSTANT_FAULTS = ("expire_tokens", "token_failures")  # a moment, not a window
CLAIM_FIELDS = ("system", "method", "path")


@dataclass(frozen=True)
class FaultWindow:
    """When a system was faulty (wall-clock epoch seconds; `end` None: until the run ended)."""

    system: str
    start: float
    end: float | None
    what: str


@dataclass
class RunFacts:
    """What the harness knows about the run beside the traffic."""

    faults: list[FaultWindow] = field(default_factory=list)
    claims: list[dict[str, Any]] | None = None  # None: the product reported nothing
    claims_error: str | None = None
    observed_until: float | None = None


def fault_windows(applied: list[dict[str, Any]]) -> list[FaultWindow]:
    """Windows from the schedule's applied steps (`wall`: when each was put in place)."""
    out: list[FaultWindow] = []
    open_: dict[str, tuple[float, str]] = {}
    for step in sorted(applied, key=lambda s: float(s.get("wall") or 0)):
        system, at, settings = str(step["system"]), float(step.get("wall") or 0), dict(step.get("set") or {})
        instant = {k: v for k, v in settings.items() if k in INSTANT_FAULTS and v}
        lasting = {
            k: v for k, v in settings.items() if k not in INSTANT_FAULTS and v not in (0, 0.0, False, [])
        }
        if lasting.keys() <= {"status", "retry_after_s", "operations"}:
            lasting = {}  # these only shape a fault; alone they are none
        if instant:
            out.append(FaultWindow(system, at, at, _describe(instant)))
        if system in open_ and not lasting:
            start, what = open_.pop(system)
            out.append(FaultWindow(system, start, at, what))
        elif lasting and system not in open_:
            open_[system] = (at, _describe(lasting))
    out.extend(FaultWindow(system, start, None, what) for system, (start, what) in open_.items())
    return sorted(out, key=lambda w: w.start)


def _describe(settings: dict[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(settings.items()))


def read_claims(path: Path | None) -> tuple[list[dict[str, Any]] | None, str | None]:
    """The actions the product says it completed (JSON lines), or None when it wrote none."""
    if path is None or not path.exists():
        return None, None
    claims: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path.name} could not be read: {exc}"
    for n, line in enumerate(lines[:MAX_CLAIMS], 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            return claims, f"line {n} of {path.name} is not JSON"
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in CLAIM_FIELDS):
            return claims, f"line {n} of {path.name} needs string fields system, method and path"
        claims.append(item)
    return claims, None


def _key(e: Exchange) -> tuple[Any, ...]:
    return (e.system, e.method, e.path, e.query, e.request_body)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None and float(value) > 0 else None
    except ValueError:
        return None  # an HTTP-date Retry-After: the reference systems send seconds


def retry_after(exchanges: list[Exchange]) -> list[Defect] | None:
    calls = [e for e in _calls(exchanges) if e.operation]
    asked = [e for e in calls if e.status in (429, 503) and _seconds(e.retry_after)]
    if not asked:
        return None
    early: list[tuple[Any, Exchange]] = []
    for e in asked:
        wait = _seconds(e.retry_after) or 0.0
        answered = e.started + e.duration_ms / 1000
        again = next((x for x in calls if x.seq > e.seq and _key(x) == _key(e)), None)
        if again is not None and again.started < answered + wait - RETRY_AFTER_SLACK_S:
            early.append((e.label, e))
    return [
        Defect(
            "CON-RETRY-AFTER",
            "warning",
            f"{e.label} was sent again before the Retry-After the system asked for",
            f"The {e.system} system answered {e.status} with Retry-After: {e.retry_after} (seconds), and the "
            "same request came again sooner. Wait at least that long: the system said when it can take it."
            + _times(n, "such retries"),
            e,
            n,
        )
        for e, n in _grouped(early)
    ]


def duplicate_creates(exchanges: list[Exchange]) -> list[Defect] | None:
    created = [e for e in _calls(exchanges) if e.method == "POST" and e.status == 201 and e.request_body]
    if not created:
        return None
    twice: list[tuple[Any, Exchange]] = []
    first: dict[tuple[Any, ...], Exchange] = {}
    for e in created:
        seen = first.get(_key(e))
        if seen is None or e.started - seen.started > DUPLICATE_WINDOW_S:
            first[_key(e)] = e
        elif not any(d is seen for _, d in twice):
            twice.append((e.label, seen))
    return [
        Defect(
            "CON-NO-DUPLICATE-CREATE",
            "error",
            f"{e.label} created the same record twice",
            f"The same create was sent again within {DUPLICATE_WINDOW_S:.0f} s and the {e.system} system "
            "created a second record: an earlier attempt had succeeded although the product did not see the "
            "answer (a timeout). Before sending a create again, look for the record it may have made "
            "(search, or read back by the identifiers you sent)." + _times(n, "such duplicates"),
            e,
            n,
        )
        for e, n in _grouped(twice)
    ]


def lost_work(exchanges: list[Exchange], facts: RunFacts) -> list[Defect] | None:
    if facts.claims is None:
        return None
    done = [e for e in _calls(exchanges) if 200 <= e.status < 300]
    bases = {e.system: e.base_url for e in exchanges}
    lost: dict[tuple[str, ...], tuple[dict[str, Any], int]] = {}  # first claim and count per action
    for claim in facts.claims:
        if not any(_fulfils(e, claim) for e in done):
            key = (claim["system"], claim["method"].upper(), claim["path"], str(claim.get("id") or ""))
            first, n = lost.get(key, (claim, 0))
            lost[key] = (first, n + 1)
    out = []
    for (system, method, path, _), (claim, n) in lost.items():
        fields = claim.get("request")
        # The action as the product claimed it: what a reproduction would have to send.
        claimed = Exchange(
            system, bases.get(system, ""), 0, "", method, path, "", None, 0, 0.0, None,
            request_body=json.dumps(fields, ensure_ascii=False) if isinstance(fields, dict) else None,
        )  # fmt: skip
        out.append(
            Defect(
                "CON-NO-LOST-WORK",
                "error",
                f"{method} {path} was reported done but never reached {system}",
                f"The product listed this action as done ({json.dumps(claim, sort_keys=True)[:300]}), but "
                f"the {system} system never answered such a request with a success, during or after the "
                "faults. Queue work a system could not take and send it when the system is back."
                + _times(n, "such actions"),
                claimed,
                n,
                extra={"claim": claim},
            )
        )
    return out


def _fulfils(e: Exchange, claim: dict[str, Any]) -> bool:
    if e.system != claim["system"] or e.method != claim["method"].upper():
        return False
    if e.path != claim["path"] and e.operation != claim["path"]:
        return False
    wanted = claim.get("id")
    if wanted and str(wanted) not in e.path and f'"{wanted}"' not in (e.response_body or ""):
        return False
    fields = claim.get("request")
    if isinstance(fields, dict) and fields:
        sent = e.json_body("request")
        return isinstance(sent, dict) and all(sent.get(k) == v for k, v in fields.items())
    return True


def recovery(exchanges: list[Exchange], facts: RunFacts) -> list[Defect] | None:
    ended = [w for w in facts.faults if w.end is not None]
    if not ended:
        return None
    calls = _calls(exchanges)
    last = max([facts.observed_until or 0.0, *(e.started for e in exchanges)])
    stuck: dict[tuple[str, str], tuple[Exchange, str, int]] = {}  # exchange shown, story, count
    judged = False
    for w in ended:
        assert w.end is not None
        before = [e for e in calls if e.system == w.system and e.started < w.start and 200 <= e.status < 300]
        if not before or last < w.end + RECOVERY_GRACE_S:
            continue  # it never worked with this system, or the run ended too soon to tell
        judged = True
        after = [e for e in calls if e.system == w.system and e.started >= w.end]
        if not any(200 <= e.status < 300 for e in after):
            shown = after[-1] if after else before[-1]
            key = (w.system, w.what)
            first, story, n = stuck.get(key, (shown, _story(shown, w, len(after)), 0))
            stuck[key] = (first, story, n + 1)
    if not judged:
        return None
    return [
        Defect(
            "CON-RECOVERS",
            "error",
            f"The product stopped working with {e.system} after a fault ended",
            story + _times(n, "such faults"),
            e,
            n,
        )
        for e, story, n in stuck.values()
    ]


def _story(e: Exchange, w: FaultWindow, calls_after: int) -> str:
    if calls_after:
        return (
            f"After the fault ({w.what}) ended on {w.system}, the product's {calls_after} calls there all "
            f"failed; the last answered {e.status}. A product must recover by itself: fetch a new token on "
            "a 401 `invalid_token`, and retry what failed once the system is back."
        )
    return (
        f"The product called {w.system} successfully before the fault ({w.what}), and never again after "
        "it ended. A product must recover by itself: retry with back-off, don't give up for good."
    )


def resilience_duties(facts: RunFacts) -> tuple[Duty, ...]:
    return (
        Duty("CON-RETRY-AFTER", "retry-after", "Retry-After is honoured", retry_after),
        Duty(
            "CON-NO-DUPLICATE-CREATE",
            "no-duplicate-create",
            "A create whose answer was missed is not sent again blindly",
            duplicate_creates,
        ),
        Duty(
            "CON-NO-LOST-WORK",
            "no-lost-work",
            "What the product reported done reached the system",
            lambda exchanges: lost_work(exchanges, facts),
        ),
        Duty(
            "CON-RECOVERS",
            "recovers",
            "The product works again once a fault ends",
            lambda exchanges: recovery(exchanges, facts),
        ),
    )
