"""The duties' thresholds on made-up exchanges: where a habit starts being a finding."""

from __future__ import annotations

from typing import Any

from harness.consumer.duties import n_plus_1, retry_4xx, retry_storm, token_cache, valid_requests
from harness.consumer.traffic import Exchange


def ex(seq: int, method: str, path: str, status: int = 200, at: float = 0.0, **kw: Any) -> Exchange:
    return Exchange(
        system="records",
        base_url="http://127.0.0.1:9",
        seq=seq,
        started_at=f"2026-01-01T00:00:{at:06.3f}Z",
        method=method,
        path=path,
        query=kw.pop("query", ""),
        operation=kw.pop("operation", f"{method} {path}"),
        status=status,
        duration_ms=1.0,
        request_valid=kw.pop("request_valid", True),
        **kw,
    )


TOKEN = dict(operation="POST /oauth/token")


def test_three_token_requests_are_caching_and_four_for_four_calls_are_not() -> None:
    calls = [ex(i, "GET", "/nominals", operation="GET /nominals") for i in range(4)]
    three = [ex(10 + i, "POST", "/oauth/token", **TOKEN) for i in range(3)]
    assert token_cache(three + calls) == []
    four = [*three, ex(20, "POST", "/oauth/token", **TOKEN)]
    (defect,) = token_cache(four + calls) or []
    assert defect.requirement == "CON-TOKEN-CACHE" and defect.count == 4
    assert token_cache(calls) is None  # no token request seen: nothing to judge


def test_a_call_without_its_scope_is_an_invalid_request() -> None:
    (defect,) = valid_requests([ex(1, "GET", "/nominals", 403, request_valid=None)]) or []
    assert defect.severity == "error" and "scope" in defect.title


def test_two_identical_refusals_are_not_a_blind_retry_and_a_429_may_be_retried() -> None:
    bad = lambda seq, status=400: ex(seq, "POST", "/nominals", status, request_body='{"x": 1}')  # noqa: E731
    assert retry_4xx([bad(1), bad(2)]) == []
    assert retry_4xx([bad(1, 429), bad(2, 429), bad(3, 429)]) == []
    (defect,) = retry_4xx([bad(1), bad(2), bad(3)]) or []
    assert defect.exchange.seq == 1


def test_a_retry_storm_is_five_failures_within_two_seconds() -> None:
    fail = lambda seq, at: ex(seq, "GET", "/nominals", 503, at=at)  # noqa: E731
    assert retry_storm([fail(i, i * 1.0) for i in range(5)]) == []  # backed off: 4 s
    (defect,) = retry_storm([fail(i, i * 0.1) for i in range(5)]) or []
    assert defect.requirement == "CON-RETRY-STORM"


def test_items_read_back_after_a_list_are_n_plus_1_only_when_the_list_carried_them() -> None:
    ids = [f"id-{i}" for i in range(5)]
    body = '{"items": [' + ", ".join(f'{{"nominal_id": "{i}"}}' for i in ids) + "]}"
    listing = ex(1, "GET", "/nominals", at=0.0, response_body=body)
    reads = [
        ex(2 + n, "GET", f"/nominals/{i}", at=0.1 * n, operation="GET /nominals/{nominal_id}")
        for n, i in enumerate(ids)
    ]
    (defect,) = n_plus_1([listing, *reads]) or []
    assert defect.exchange is listing
    assert n_plus_1([listing, *reads[:4]]) == []
    late = [ex(r.seq, "GET", r.path, at=10.0, operation=r.operation) for r in reads]
    assert n_plus_1([listing, *late]) == []  # not a burst
