"""The published records standard: valid, complete, and exactly what the simulator serves."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from simulators.core.spec import flask_rule_to_template, load_spec
from tests.records.conftest import Api

METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, m, item[m]) for path, item in spec["paths"].items() for m in METHODS if m in item]


def test_document_validates() -> None:
    validate(load_spec("records"))


def test_every_operation_documents_its_errors() -> None:
    spec = load_spec("records")
    ids = set()
    for path, method, op in operations(spec):
        label = f"{method.upper()} {path}"
        assert op.get("operationId") and op["operationId"] not in ids, label
        ids.add(op["operationId"])
        assert op.get("summary") and op.get("tags"), label
        secured = op.get("security", spec.get("security")) != []
        codes = set(op["responses"])
        if not secured:
            continue
        assert {"400", "401", "403", "500", "503"} <= codes, label
        if "{" in path:
            assert "404" in codes, label
        if "requestBody" in op:
            assert "415" in codes, label
            for media in op["requestBody"]["content"].values():
                assert media["schema"], label
        if "peers" in op["tags"]:
            assert {"502", "504"} <= codes, label
        if method == "patch":
            assert {"412", "428"} <= codes, label
        for status, resp in op["responses"].items():
            if "$ref" in resp:
                resp = spec["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
            if status.startswith(("4", "5")):
                assert "application/problem+json" in resp["content"], (label, status)


def test_links_point_at_real_operations() -> None:
    spec = load_spec("records")
    ids = {op["operationId"] for _, _, op in operations(spec)}
    count = 0
    for _, _, op in operations(spec):
        for resp in op["responses"].values():
            for link in (resp.get("links") or {}).values():
                assert link["operationId"] in ids
                count += 1
    assert count >= 15
    create = spec["paths"]["/nominals"]["post"]["responses"]["201"]["links"]
    assert create["GetNominal"]["operationId"] == "getNominal"
    search = spec["paths"]["/nominals"]["get"]["responses"]["200"]["links"]
    assert search["GetFirstResult"]["parameters"]["nominal_id"] == "$response.body#/items/0/nominal_id"


def test_inputs_forbid_unknown_fields() -> None:
    schemas = load_spec("records")["components"]["schemas"]
    for name in (
        "NewNominal",
        "NominalPatch",
        "AddressInput",
        "AliasInput",
        "WarningMarkerInput",
        "MergeRequest",
        "NewOccurrence",
        "OccurrencePatch",
        "NewLink",
        "LocationInput",
        "PoleObjectInput",
        "NewCustodyOutcome",
        "CodeInput",
        "ChargeInput",
    ):
        assert schemas[name]["additionalProperties"] is False, name


def test_served_routes_and_document_agree(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    spec = load_spec("records")
    served = {
        (flask_rule_to_template(r.rule), m.lower())
        for r in records.app.url_map.iter_rules()
        for m in r.methods
        if m not in ("HEAD", "OPTIONS") and not r.rule.startswith(("/_sim", "/static"))
    }
    documented = {(path, m) for path, m, _ in operations(spec)}
    assert served == documented
    assert api.get("/openapi.json", scopes="").json() == spec
