"""Success criteria: the simple grammar (never eval), regex and JSONPath, and what a failure reports."""

from __future__ import annotations

import pytest

from harness.scenarios.conditions import ConditionError, compare, judge, parse_simple
from harness.scenarios.expressions import Exchange, Scope


def scope(body: object = None, status: int = 200) -> Scope:
    ex = Exchange(
        url="u",
        method="GET",
        status_code=status,
        response_headers={"Content-Type": "text/html"},
        response_body=body
        if body is not None
        else {
            "status": "booked_in",
            "n": 3,
            "items": [],
            "t": "2025-01-01T10:00:00Z",
            "ok": True,
            "name": "O'Brien",
        },
    )
    return Scope(inputs={"when": "2025-01-01T10:00:00+00:00", "n": "3"}, exchange=ex)


@pytest.mark.parametrize(
    ("condition", "ok"),
    [
        ("$statusCode == 200", True),
        ("$statusCode != 200", False),
        ("$statusCode >= 200 && $statusCode < 300", True),
        ("$statusCode == 404 || $response.body#/n > 2", True),
        ("!($response.body#/n > 2)", False),
        ("$response.body#/status == 'booked_in'", True),
        ("$response.body#/name == 'O''Brien'", True),
        ("$response.body#/t == $inputs.when", True),  # instants compare as instants
        ("$response.body#/t < '2025-01-01T11:00:00+01:00'", False),
        ("$response.body#/items/0 == null", True),  # missing compares equal to null
        ("$response.body#/items/0 != null", False),
        ("$response.body#/missing == 'x'", False),
        ("$response.body#/ok == true", True),
        ("$response.body#/ok == 1", False),  # booleans are not numbers
        ("$response.body#/n == $inputs.n", True),  # numeric text compares as a number
        ("$response.body#/ok", True),
        ("$response.body#/items", False),
        ("($statusCode == 500 || $statusCode == 200) && $response.body#/n == 3.0", True),
    ],
)
def test_simple_conditions(condition: str, ok: bool) -> None:
    assert judge({"condition": condition}, scope()).ok is ok


def test_a_failure_reports_expected_and_actual() -> None:
    verdict = judge({"condition": "$response.body#/status == 'detained'"}, scope())
    assert not verdict.ok
    assert verdict.expected == "$response.body#/status == 'detained'"
    assert verdict.actual == '$response.body#/status = "booked_in"'
    missing = judge({"condition": "$response.body#/surname == 'A'"}, scope())
    assert "no value at /surname" in missing.actual and "keys status, n, items" in missing.actual
    described = judge({"condition": "$statusCode == 201", "x-interop-description": "created"}, scope())
    assert described.expected == "created ($statusCode == 201)"


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("$statusCode = 200", "compare with '=='"),
        ("$statusCode ==", "ends too early"),
        ("$response.body#/a == 'x", "not closed"),
        ("status == 'x'", "unknown word 'status'"),
        ("$statusCode == 200 200", "unexpected '200'"),
        ("__import__('os')", "unknown word"),
        ("", "empty"),
    ],
)
def test_bad_conditions_are_explained(condition: str, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        parse_simple(condition)


def test_regex_and_jsonpath_criteria() -> None:
    body = {
        "items": [{"type": "booked_in", "id": "c1"}, {"type": "released", "id": "c1"}],
        "text": "codeword kestrel",
    }
    sc = scope(body)
    sc.inputs["marker"] = "kestrel"
    assert judge(
        {
            "context": "$response.body",
            "type": "jsonpath",
            "condition": "$.items[?@.type == 'released' && @.id == 'c1']",
        },
        sc,
    ).ok
    miss = judge(
        {"context": "$response.body", "type": "jsonpath", "condition": "$.items[?@.type == 'x']"}, sc
    )
    assert not miss.ok and miss.actual.startswith("no match in $response.body = ")
    leak = judge(
        {"context": "$response.body", "type": "regex", "condition": "^(?![\\s\\S]*{$inputs.marker})"}, sc
    )
    assert not leak.ok and "kestrel" in leak.expected and "codeword kestrel" in leak.actual
    html = judge(
        {
            "context": "$response.header.Content-Type",
            "type": "regex",
            "condition": "^application/problem\\+json",
        },
        sc,
    )
    assert not html.ok and html.actual == "$response.header.Content-Type = text/html"
    typed = {
        "context": "$response.body",
        "condition": "$.items[0]",
        "type": {"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"},
    }
    assert judge(typed, sc).ok
    assert not judge({"context": "$response.body", "type": "xpath", "condition": "/a"}, sc).ok


def test_compare_edges() -> None:
    assert compare("==", None, None)
    assert not compare("<", "a", 1)
    assert compare("!=", "abc", 3)
    assert compare("<", "2025-01-01T10:00:00Z", "2025-01-01T10:00:01+00:00")
