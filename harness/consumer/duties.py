"""The duties of a consumer of the standard, each judged from the product's logged exchanges.

A duty returns the defects it saw (each defect once, with the first exchange that shows it and how
many exchanges did) or None when the traffic gives it nothing to judge (no updates made: the
If-Match duty does not apply). Validity is the simulators' own judgement, logged with every
exchange (`request_valid`, `errors`): the same validator that answers 400/415/422, never a second
opinion. The rest are habits the standard's documents ask for: least privilege, cached tokens,
If-Match on updates, following merged nominals, bounded pages, no blind retries, no N+1 reads.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.consumer.traffic import Exchange
from harness.engine.events import Severity
from simulators.core.paging import DEFAULT_LIMIT
from simulators.core.spec import load_spec, operation, security_alternatives

TOKEN_REQUESTS_ALLOWED = 3  # a token per system plus one renewal is caching
TOKEN_PER_CALL_RATIO = 0.5  # more token requests than this share of calls is fetching per call
RETRY_REPEATS = 3  # the same refused request this many times in a row is a blind retry
RETRYABLE_4XX = {401, 408, 425, 429}  # retrying these (after a new token, or later) is right
N_PLUS_1_MIN = 5  # item reads of things a list answer already carried, within the burst window
BURST_SECONDS = 5.0
STORM_MIN = 5  # identical requests answered 5xx ...
STORM_SECONDS = 2.0  # ... within this long: no back-off
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Defect:
    requirement: str
    severity: Severity
    title: str
    detail: str
    exchange: Exchange
    count: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Duty:
    requirement: str
    name: str
    description: str
    judge: Callable[[list[Exchange]], list[Defect] | None]


@functools.lru_cache(maxsize=8)
def _spec(system: str) -> dict[str, Any]:
    return load_spec(system)


def _op(e: Exchange) -> dict[str, Any] | None:
    if not e.operation:
        return None
    method, _, template = e.operation.partition(" ")
    try:
        return operation(_spec(e.system), template, method)
    except FileNotFoundError:
        return None


def _calls(exchanges: list[Exchange]) -> list[Exchange]:
    """Business calls: everything but token requests."""
    return [e for e in exchanges if not e.is_token_request]


def _grouped(items: list[tuple[Any, Exchange]]) -> list[tuple[Exchange, int]]:
    """First exchange and count per key, in order of first appearance."""
    firsts: dict[Any, Exchange] = {}
    counts: dict[Any, int] = {}
    for key, e in items:
        firsts.setdefault(key, e)
        counts[key] = counts.get(key, 0) + 1
    return [(firsts[k], counts[k]) for k in firsts]


def valid_requests(exchanges: list[Exchange]) -> list[Defect] | None:
    if not exchanges:
        return None
    bad: list[tuple[Any, Exchange]] = []
    for e in exchanges:
        if e.is_token_request:
            if 400 <= e.status < 500:  # a 5xx is the token endpoint's failure, not the request's
                bad.append((("token", e.system, e.status), e))
        elif e.operation is None:
            bad.append((("undocumented", e.method, e.path), e))
        elif e.status == 403:
            bad.append((("scope", e.operation), e))
        elif e.request_valid is False:
            fields = tuple(sorted({str(x.get("field", "")) for x in e.errors if isinstance(x, dict)}))
            bad.append((("invalid", e.operation, fields), e))
    out = []
    for e, n in _grouped(bad):
        if e.is_token_request:
            title, detail = (
                "A token request was refused",
                (f"POST /oauth/token answered {e.status}: {e.response_body or ''}"[:500]),
            )
        elif e.status == 403:
            title = f"{e.operation} was called with a token that lacks its scope"
            detail = f"The {e.system} system answered 403: {e.response_body or ''}"[:500]
        elif e.operation is None:
            title = f"{e.method} {e.path} is not an operation of the {e.system} standard"
            detail = f"The {e.system} system answered {e.status}: no such operation in {e.system}.yaml."
        else:
            summary = "; ".join(
                f"{x.get('field')}: {x.get('message')}" for x in e.errors if isinstance(x, dict)
            )[:800]
            title = f"{e.operation} was called with a request that breaks the standard"
            detail = f"The {e.system} system answered {e.status}: {summary}"
        out.append(Defect("CON-VALID-REQUEST", "error", title, detail + _times(n), e, n))
    return out


def least_privilege(exchanges: list[Exchange]) -> list[Defect] | None:
    grants = [e for e in exchanges if e.is_token_request and e.status == 200]
    calls = [e for e in _calls(exchanges) if e.operation]
    if not grants or not calls:
        return None
    asked: dict[str, Exchange] = {}
    for e in grants:
        body = e.json_body()
        granted = str(body.get("scope", "")) if isinstance(body, dict) else ""
        for scope in granted.split():
            asked.setdefault(scope, e)
    needed: set[str] = set()
    for e in calls:
        op = _op(e)
        alternatives = security_alternatives(_spec(e.system), op) if op else None
        if not alternatives:
            continue
        held = [a for a in alternatives if set(a) <= set(asked)]
        needed.update((held or alternatives)[0])
    unneeded = sorted(set(asked) - needed)
    if not unneeded:
        return []
    first = asked[unneeded[0]]
    return [
        Defect(
            "CON-LEAST-PRIVILEGE",
            "warning",
            "Tokens carried scopes that no call needed",
            f"Scopes asked for and never needed by any of the {len(calls)} calls made: "
            f"{' '.join(unneeded)}. Ask only for the scopes the calls need (send `scope=` in the "
            "token request); a leaked token then opens less.",
            first,
            extra={"unneeded_scopes": unneeded, "needed_scopes": sorted(needed)},
        )
    ]


def token_cache(exchanges: list[Exchange]) -> list[Defect] | None:
    tokens = [e for e in exchanges if e.is_token_request]
    calls = _calls(exchanges)
    if not tokens or not calls:
        return None
    if len(tokens) > TOKEN_REQUESTS_ALLOWED and len(tokens) >= TOKEN_PER_CALL_RATIO * len(calls):
        return [
            Defect(
                "CON-TOKEN-CACHE",
                "warning",
                "A token was fetched for (almost) every call instead of being cached",
                f"{len(tokens)} token requests for {len(calls)} calls. A token is valid for its "
                "`expires_in`; keep it and ask again only shortly before it expires (or after a 401).",
                tokens[0],
                count=len(tokens),
            )
        ]
    return []


def if_match(exchanges: list[Exchange]) -> list[Defect] | None:
    updates = [e for e in _calls(exchanges) if e.method in ("PATCH", "PUT")]
    if not updates:
        return None
    missing = [(e.operation or e.path, e) for e in updates if e.status == 428]
    return [
        Defect(
            "CON-IF-MATCH",
            "error",
            f"{e.label} was sent without If-Match",
            f"The {e.system} system answered 428: updates must name the version they change "
            f"(`If-Match` with the ETag of the last read), so no one's change is silently lost.{_times(n)}",
            e,
            n,
        )
        for e, n in _grouped(missing)
    ]


def merged_nominals(exchanges: list[Exchange]) -> list[Defect] | None:
    merged: dict[str, str] = {}  # old id -> survivor, from what the product read
    writes_after: list[tuple[Any, Exchange]] = []
    saw_merge = False
    for e in exchanges:
        if e.method == "GET" and e.status == 200 and e.operation == "GET /nominals/{nominal_id}":
            body = e.json_body()
            if isinstance(body, dict) and body.get("resolved_from"):
                merged[str(body["resolved_from"])] = str(body.get("nominal_id", ""))
                saw_merge = True
        elif e.method in WRITE_METHODS:
            for old in merged:
                if f"/nominals/{old}" in e.path or (e.request_body and f'"{old}"' in e.request_body):
                    writes_after.append(((e.label, old), e))
    if not saw_merge:
        return None
    out = []
    for e, n in _grouped(writes_after):
        old = next(o for o in merged if f"/nominals/{o}" in e.path or f'"{o}"' in (e.request_body or ""))
        out.append(
            Defect(
                "CON-MERGED",
                "error",
                f"{e.label} still used a merged-away nominal id",
                f"The product read nominal {old} and was told it was merged into {merged[old]} "
                f"(`resolved_from`, `Content-Location`), then wrote with the old id.{_times(n)}",
                e,
                n,
                extra={"merged_id": old, "survivor_id": merged[old]},
            )
        )
    return out


def paging(exchanges: list[Exchange]) -> list[Defect] | None:
    lists = [e for e in _calls(exchanges) if e.method == "GET" and "limit" in e.params]
    if not lists:
        return None
    big: list[tuple[Any, Exchange]] = []
    for e in lists:
        if e.path.endswith("/events") or any(k.endswith("_id") for k in e.params if k != "limit"):
            continue  # a change feed, or a list narrowed to one subject, is bounded by what it follows
        try:
            limit = int(e.params["limit"][0])
        except ValueError:
            continue  # an invalid limit is CON-VALID-REQUEST's
        if limit > _default_limit(e):
            big.append((e.label, e))
    return [
        Defect(
            "CON-PAGING",
            "warning",
            f"{e.label} asked for pages larger than the documented default",
            f"limit={e.params['limit'][0]} above the default {_default_limit(e)}: broad lists in huge "
            f"pages cost every system; read the pages you need and follow `next_cursor`.{_times(n)}",
            e,
            n,
        )
        for e, n in _grouped(big)
    ]


def _default_limit(e: Exchange) -> int:
    op = _op(e) or {}
    for param in op.get("parameters", []):
        if isinstance(param, dict) and param.get("name") == "limit":
            default = (param.get("schema") or {}).get("default")
            if isinstance(default, int):
                return default
    return DEFAULT_LIMIT


def retry_4xx(exchanges: list[Exchange]) -> list[Defect] | None:
    refused = [e for e in _calls(exchanges) if 400 <= e.status < 500]
    if not refused:
        return None
    blind: list[tuple[Any, Exchange]] = []
    run: list[Exchange] = []

    def key(e: Exchange) -> tuple[Any, ...]:
        return (e.system, e.method, e.path, e.query, e.request_body)

    def close() -> None:
        if len(run) >= RETRY_REPEATS:
            blind.append(((run[0].label, run[0].status), run[0]))

    for e in _calls(exchanges):
        if run and key(e) == key(run[0]) and e.status == run[0].status:
            run.append(e)
            continue
        close()
        run = [e] if 400 <= e.status < 500 and e.status not in RETRYABLE_4XX else []
    close()
    return [
        Defect(
            "CON-RETRY-4XX",
            "warning",
            f"{e.label} was retried unchanged after a {e.status}",
            f"The same request was sent {RETRY_REPEATS} or more times in a row and refused with "
            f"{e.status} each time. A 4xx will not change by itself: fix the request, don't repeat it."
            + _times(n, "such runs"),
            e,
            n,
        )
        for e, n in _grouped(blind)
    ]


def retry_storm(exchanges: list[Exchange]) -> list[Defect] | None:
    failed = [e for e in _calls(exchanges) if e.status >= 500]
    if not failed:
        return None
    storms: list[tuple[Any, Exchange]] = []
    run: list[Exchange] = []

    def key(e: Exchange) -> tuple[Any, ...]:
        return (e.system, e.method, e.path, e.query, e.request_body)

    def close() -> None:
        if len(run) >= STORM_MIN and run[-1].started - run[0].started <= STORM_SECONDS:
            storms.append((run[0].label, run[0]))

    for e in _calls(exchanges):
        if run and key(e) == key(run[0]) and e.status >= 500:
            run.append(e)
            continue
        close()
        run = [e] if e.status >= 500 else []
    close()
    return [
        Defect(
            "CON-RETRY-STORM",
            "warning",
            f"{e.label} was retried without backing off while it failed",
            f"{STORM_MIN} or more identical requests within {STORM_SECONDS:.0f} s, each answered 5xx. "
            "Back off (exponentially, with jitter; honour Retry-After) so a struggling system can recover."
            + _times(n, "such storms"),
            e,
            n,
        )
        for e, n in _grouped(storms)
    ]


_ITEM = re.compile(r"\{[^}]+\}$")


def n_plus_1(exchanges: list[Exchange]) -> list[Defect] | None:
    reads = [e for e in _calls(exchanges) if e.method == "GET" and e.status == 200 and e.operation]
    lists = [e for e in reads if not _ITEM.search(e.operation or "") and not e.path.endswith("/events")]
    if not lists:
        return None
    items = sorted((e for e in reads if _ITEM.search(e.operation or "")), key=lambda e: e.started)
    starts = [e.started for e in items]
    found: list[tuple[Any, Exchange]] = []
    for listing in lists:
        body = listing.response_body or ""
        window = items[
            bisect_left(starts, listing.started) : bisect_right(starts, listing.started + BURST_SECONDS)
        ]
        follow = [
            e
            for e in window
            if e.system == listing.system and e.seq > listing.seq and f'"{e.path.rsplit("/", 1)[-1]}"' in body
        ]
        if len(follow) >= N_PLUS_1_MIN:
            found.append(((listing.label, follow[0].label), listing))
    return [
        Defect(
            "CON-N-PLUS-1",
            "warning",
            f"Items of {e.label} were read back one by one",
            f"After a {e.label} answer, {N_PLUS_1_MIN} or more of the items it already carried were "
            "read again one request each within seconds: use what the list returned (or a filter) "
            f"instead of N more round trips.{_times(n, 'such bursts')}",
            e,
            n,
        )
        for e, n in _grouped(found)
    ]


def _times(n: int, what: str = "exchanges") -> str:
    return f" ({n} {what} like this one.)" if n > 1 else ""


DUTIES: tuple[Duty, ...] = (
    Duty(
        "CON-VALID-REQUEST",
        "valid-requests",
        "Every request is an operation of the standard, valid against it",
        valid_requests,
    ),
    Duty(
        "CON-LEAST-PRIVILEGE",
        "least-privilege",
        "Tokens carry only the scopes the calls need",
        least_privilege,
    ),
    Duty("CON-TOKEN-CACHE", "token-cache", "Tokens are cached, not fetched per call", token_cache),
    Duty("CON-IF-MATCH", "if-match", "Updates send If-Match", if_match),
    Duty("CON-MERGED", "merged-nominals", "Merged nominals are followed to their survivor", merged_nominals),
    Duty("CON-PAGING", "paging", "Broad lists are read in pages of the documented size", paging),
    Duty("CON-RETRY-4XX", "no-blind-retry", "A refused request is not repeated unchanged", retry_4xx),
    Duty("CON-RETRY-STORM", "no-retry-storm", "Failing calls are retried with back-off", retry_storm),
    Duty("CON-N-PLUS-1", "no-n-plus-1", "Items a list carried are not read back one by one", n_plus_1),
)
