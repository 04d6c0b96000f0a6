"""Runtime expressions: what parses, what a value resolves to, and why a missing one is missing."""

from __future__ import annotations

import pytest

from harness.scenarios.expressions import (
    Exchange,
    ExpressionError,
    Missing,
    Scope,
    evaluate,
    expressions_in,
    interpolate,
    parse,
    resolve_value,
    set_pointer,
)


def scope() -> Scope:
    ex = Exchange(
        url="http://x/nominals",
        method="POST",
        request_headers={"If-Match": '"v1"'},
        request_query={"surname": "Smith"},
        request_body={"surname": "Smith", "forenames": ["Ann"]},
        status_code=201,
        response_headers={"ETag": '"v1"', "Content-Type": "application/json"},
        response_body={"nominal_id": "n1", "items": [], "a/b": {"~x": 5}},
    )
    return Scope(
        inputs={"surname": "Smith", "person": {"dob": "1990-01-01"}},
        steps={"create": {"id": "n1", "body": {"list": [1, 2]}}},
        workflows={"sub": {"outputs": {"x": 1}, "inputs": {}}},
        sources={"records": "../contracts/openapi/records.yaml"},
        exchange=ex,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$statusCode", 201),
        ("$method", "POST"),
        ("$url", "http://x/nominals"),
        ("$response.body#/nominal_id", "n1"),
        ("$response.body#/a~1b/~0x", 5),
        ("$response.header.etag", '"v1"'),
        ("$request.header.If-Match", '"v1"'),
        ("$request.query.surname", "Smith"),
        ("$request.body#/forenames/0", "Ann"),
        ("$inputs.surname", "Smith"),
        ("$inputs.person.dob", "1990-01-01"),
        ("$inputs.person#/dob", "1990-01-01"),
        ("$steps.create.outputs.id", "n1"),
        ("$steps.create.outputs.body#/list/1", 2),
        ("$workflows.sub.outputs.x", 1),
        ("$sourceDescriptions.records.url", "../contracts/openapi/records.yaml"),
    ],
)
def test_expressions_evaluate(text: str, expected: object) -> None:
    assert evaluate(text, scope()) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("$response.body#/items/0", "no value at /items/0 in the response body (/items is an empty list)"),
        ("$response.body#/surname", "no value at /surname in the response body (/ is an object with keys"),
        ("$steps.later.outputs.id", "step 'later' has not run"),
        ("$steps.create.outputs.nope", "step 'create' has no output 'nope'"),
        ("$inputs.nope", "no input 'nope'"),
        ("$response.header.Location", "no Location header"),
    ],
)
def test_missing_values_say_why(text: str, reason: str) -> None:
    value = evaluate(text, scope())
    assert isinstance(value, Missing) and not value
    assert reason in value.reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$input.surname", "did you mean $inputs?"),
        ("$response.body.status", "write the path into the body as a JSON pointer"),
        ("$steps.x.id", "expected $steps.ID.outputs.NAME"),
        ("$response.body#status", "starts with '/'"),
        ("$statusCode#/x", "takes no JSON pointer"),
        ("inputs.x", "not a runtime expression"),
    ],
)
def test_bad_expressions_are_explained(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("$", r"\$").replace("?", r"\?")):
        parse(text)


def test_values_keep_their_type_and_templates_become_text() -> None:
    payload = {
        "id": "$steps.create.outputs.id",
        "list": "$steps.create.outputs.body#/list",
        "text": "seen {$inputs.surname} at {$statusCode}",
        "n": 3,
        "lit": "plain",
    }
    assert resolve_value(payload, scope()) == {
        "id": "n1",
        "list": [1, 2],
        "text": "seen Smith at 201",
        "n": 3,
        "lit": "plain",
    }
    assert sorted(expressions_in(payload)) == sorted(
        ["$steps.create.outputs.id", "$steps.create.outputs.body#/list", "$inputs.surname", "$statusCode"]
    )
    with pytest.raises(ExpressionError, match="has no value"):
        interpolate("x {$inputs.nope}", scope())


def test_set_pointer_builds_and_replaces() -> None:
    doc = {"detainee": {"surname": "A"}, "list": [1]}
    set_pointer(doc, "/detainee/create_new", True)
    set_pointer(doc, "/list/-", 2)
    set_pointer(doc, "/new/deep", "x")
    assert doc == {"detainee": {"surname": "A", "create_new": True}, "list": [1, 2], "new": {"deep": "x"}}
