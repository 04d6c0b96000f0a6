"""Loading the standard: bundling common.yaml, rule-to-template mapping, scope extraction."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from simulators.core.spec import bundle, flask_rule_to_template, security_alternatives
from tests.core.widgets_app import widgets_spec


def _refs(node):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_bundle_makes_every_reference_local_and_valid():
    doc = widgets_spec()
    assert all(r.startswith("#/") for r in _refs(doc))
    assert "Problem" in doc["components"]["schemas"]
    assert "pathItems" not in doc["components"]
    assert doc["paths"]["/health"]["get"]["operationId"] == "getHealth"
    validate(doc)


def test_bundle_refuses_conflicting_definitions():
    with pytest.raises(ValueError, match="both"):
        bundle(
            {"openapi": "3.1.0", "components": {"schemas": {"X": {"type": "string"}}}},
            {"components": {"schemas": {"X": {"type": "integer"}}}},
        )


def test_served_document_is_the_bundled_standard(widgets):
    import requests

    served = requests.get(widgets.url + "/openapi.json").json()
    assert json.dumps(served, sort_keys=True) == json.dumps(widgets_spec(), sort_keys=True)


@pytest.mark.parametrize(
    ("rule", "template"),
    [
        ("/nominals/<nominal_id>", "/nominals/{nominal_id}"),
        ("/w/<int:widget_id>/x", "/w/{widget_id}/x"),
        ("/plain", "/plain"),
    ],
)
def test_flask_rules_map_to_openapi_templates(rule, template):
    assert flask_rule_to_template(rule) == template


def test_security_alternatives():
    spec = {"security": [{"oauth2": ["a:read"]}]}
    assert security_alternatives(spec, {}) == [["a:read"]]
    assert security_alternatives(spec, {"security": []}) is None
    assert security_alternatives(spec, {"security": [{"oauth2": ["a"]}, {"oauth2": ["b", "c"]}]}) == [
        ["a"],
        ["b", "c"],
    ]
