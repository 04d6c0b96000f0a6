"""The compiled request checker: parameters coerced by declared type, bodies by media type,
and every error naming its field the way the problem document shows it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask, request

from simulators.core.request_check import RequestChecker

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/things/{thing_id}": {
            "parameters": [
                {
                    "name": "thing_id",
                    "in": "path",
                    "required": True,
                    "schema": {"$ref": "#/components/schemas/Id"},
                }
            ],
            "get": {
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                    },
                    {"name": "exact", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "tag", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "X-Force", "in": "header", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "ok"}},
            },
            "put": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
                        "application/merge-patch+json": {"schema": {"type": "object"}},
                    },
                },
                "responses": {"200": {"description": "ok"}},
            },
        }
    },
    "components": {
        "schemas": {
            "Id": {"type": "string", "pattern": "^[a-z]{3}$"},
            "Thing": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "born": {"type": "string", "format": "date"},
                    "parts": {"type": "array", "items": {"type": "object", "required": ["n"]}},
                },
            },
        }
    },
}

app = Flask("request-check-test")
CHECKER = RequestChecker(SPEC)


@app.route("/things/<thing_id>", methods=["GET", "PUT"])
def _thing(thing_id: str) -> str:  # only routed so that view_args are filled in
    return ""


def check(method: str, path: str, **kw: Any) -> list[dict[str, str]]:
    with app.test_request_context(path, method=method, **kw):
        request.url_rule, request.view_args = app.url_map.bind("localhost").match(
            path.split("?")[0], method=method, return_rule=True
        )
        outcome = CHECKER.check(request, "/things/{thing_id}", method.lower())
        return [{**e, "status": str(outcome.status), "kind": outcome.kind} for e in outcome.errors]


def fields(errors: list[dict[str, str]]) -> list[str]:
    return [e["field"] for e in errors]


def test_a_conforming_request_has_no_errors() -> None:
    assert check("GET", "/things/abc?limit=5&exact=true&tag=1&tag=2", headers={"X-Force": "WY"}) == []


def test_parameters_are_checked_after_coercion_and_named() -> None:
    errors = check("GET", "/things/ABCD?limit=0&exact=maybe&tag=x", headers={"X-Force": "WY"})
    assert sorted(fields(errors)) == ["path.thing_id", "query.exact", "query.limit", "query.tag.0"]
    limit = next(e for e in errors if e["field"] == "query.limit")
    assert "minimum" in limit["message"] and limit["status"] == "400"


def test_a_number_that_is_not_an_integer_is_reported_as_such() -> None:
    (error,) = check("GET", "/things/abc?limit=2.5", headers={"X-Force": "WY"})
    assert error["field"] == "query.limit" and "integer" in error["message"]


def test_a_missing_required_header_is_named_case_insensitively() -> None:
    assert fields(check("GET", "/things/abc")) == ["header.X-Force"]
    assert check("GET", "/things/abc", headers={"x-force": "WY"}) == []


def test_body_fields_are_named_by_their_dotted_path_in_a_stable_order() -> None:
    body = {"born": "2020-13-01", "parts": [{"n": 1}, {}], "extra": 1, "more": 2}
    errors = check("PUT", "/things/abc", data=json.dumps(body), content_type="application/json")
    assert fields(errors) == ["body.born", "body.extra", "body.more", "body.name", "body.parts.1.n"]
    assert {e["kind"] for e in errors} == {"validation-error"}


def test_body_media_type_json_syntax_and_presence() -> None:
    (wrong_type,) = check("PUT", "/things/abc", data="name=x", content_type="text/plain")
    assert wrong_type["status"] == "415" and wrong_type["field"] == "Content-Type"
    assert "application/json" in wrong_type["message"]
    (bad_json,) = check("PUT", "/things/abc", data="{nope", content_type="application/json")
    assert (bad_json["status"], bad_json["kind"], bad_json["field"]) == ("400", "bad-request", "body")
    (missing,) = check("PUT", "/things/abc")
    assert missing["field"] == "body" and "required" in missing["message"]


def test_each_documented_media_type_gets_its_own_schema() -> None:
    assert check("PUT", "/things/abc", data="{}", content_type="application/merge-patch+json") == []
    assert fields(check("PUT", "/things/abc", data="{}", content_type="application/json")) == ["body.name"]


@pytest.mark.parametrize("text", ['"bad \\ud800 text"', '"\\udfff"'])
def test_a_lone_surrogate_is_a_bad_request_not_a_crash(text: str) -> None:
    (error,) = check("PUT", "/things/abc", data='{"name": ' + text + "}", content_type="application/json")
    assert (error["status"], error["kind"]) == ("400", "bad-request")
