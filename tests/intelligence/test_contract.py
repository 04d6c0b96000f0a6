"""The intelligence OpenAPI document: valid, complete, examples that conform, no leaky shapes."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from simulators.core.spec import load_spec

SECURED_CODES = {"400", "401", "403", "500", "503"}


@pytest.fixture(scope="module")
def spec() -> dict:
    return load_spec("intelligence")


def schema_validator(spec: dict, name: str) -> Draft202012Validator:
    registry = Registry().with_resource("urn:spec", DRAFT202012.create_resource(spec))
    return Draft202012Validator({"$ref": f"urn:spec#/components/schemas/{name}"}, registry=registry)


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "patch", "put", "delete"):
                yield path, method, op


def test_document_is_valid_openapi_31(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0" and spec["servers"] == [{"url": "/"}]


def test_standard_paths_and_fixed_paths_are_present(spec):
    assert {
        "/health",
        "/openapi.json",
        "/oauth/token",
        "/.well-known/jwks.json",
        "/events",
        "/reports",
        "/reports/{report_id}",
        "/nominals/{nominal_id}/indicator",
        "/audit",
    } <= set(spec["paths"])


def test_every_operation_is_fully_described(spec):
    for path, method, op in operations(spec):
        if path in ("/health", "/openapi.json", "/oauth/token", "/.well-known/jwks.json"):
            continue
        where = f"{method.upper()} {path}"
        for key in ("operationId", "summary", "description", "tags", "security"):
            assert op.get(key), f"{where} lacks {key}"
        codes = set(op["responses"])
        assert codes >= SECURED_CODES, f"{where} lacks {SECURED_CODES - codes}"
        if "{" in path:
            assert "404" in codes, where
        # Bulk export and import are the shared operations of common.yaml: they call no peer, refuse a
        # bad body with 400 and take NDJSON uploads (tests/portability checks their answers).
        if "requestBody" in op and not path.startswith("/bulk/"):
            assert {"415", "422", "502", "504"} <= codes, where
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            ref = schema["$ref"].rsplit("/", 1)[1]
            assert spec["components"]["schemas"][ref]["additionalProperties"] is False


def test_scopes_per_operation(spec):
    def scopes(path, method):
        return [s["oauth2"] for s in spec["paths"][path][method]["security"]]

    readers = [["intelligence:read"], ["intelligence:read:restricted"]]
    assert scopes("/reports", "get") == readers
    assert scopes("/reports/{report_id}", "get") == readers
    assert scopes("/events", "get") == readers
    assert scopes("/reports", "post") == [["intelligence:write"]]
    assert scopes("/reports/{report_id}", "patch") == [["intelligence:write"]]
    assert scopes("/nominals/{nominal_id}/indicator", "get") == [["intelligence:indicator"]]
    assert scopes("/audit", "get") == [["intelligence:audit"]]


def test_links_chain_create_search_and_read(spec):
    created = spec["paths"]["/reports"]["post"]["responses"]["201"]
    assert created["links"]["GetReport"]["operationId"] == "getReport"
    assert created["links"]["ChangeReport"]["parameters"]["header.If-Match"] == "$response.header.ETag"
    assert set(created["headers"]) == {"ETag", "Location"}
    found = spec["paths"]["/reports"]["get"]["responses"]["200"]
    assert found["links"]["GetFirstReport"]["parameters"]["report_id"] == "$response.body#/items/0/report_id"
    ids = {op["operationId"] for _p, _m, op in operations(spec)}
    for _p, _m, op in operations(spec):
        for response in op["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in ids


def test_every_schema_example_conforms(spec):
    checked = 0
    for name, schema in spec["components"]["schemas"].items():
        for example in schema.get("examples", []):
            errors = list(schema_validator(spec, name).iter_errors(example))
            assert not errors, f"{name} example: {errors[0].message}"
            checked += 1
    for _p, _m, op in operations(spec):
        content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        for example in content.get("examples", {}).values():
            ref = content["schema"]["$ref"].rsplit("/", 1)[1]
            errors = list(schema_validator(spec, ref).iter_errors(example["value"]))
            assert not errors, f"{ref} body example: {errors[0].message}"
            checked += 1
    assert checked >= 12


def test_the_sanitised_shape_cannot_carry_original_fields(spec):
    sanitised = spec["components"]["schemas"]["SanitisedReport"]["examples"][0]
    original = spec["components"]["schemas"]["OriginalReport"]["examples"][0]
    report = schema_validator(spec, "Report")
    assert report.is_valid(sanitised) and report.is_valid(original)
    for extra in ({"sanitised_text": "x"}, {"source_type": "chis"}, {"original_text": "x"}):
        assert not report.is_valid({**sanitised, **extra}), extra
    assert not report.is_valid({**original, "text_version": "sanitised"})
    assert not report.is_valid({**original, "original_text": "x"})


def test_served_document_is_the_bundled_contract(intel, spec):
    served = intel.get("/openapi.json").json()
    assert served == spec
