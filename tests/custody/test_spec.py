"""custody.yaml is a valid OpenAPI 3.1 document that names every rule the simulator enforces."""

from __future__ import annotations

import re
from pathlib import Path

from openapi_spec_validator import validate

from simulators.core.spec import load_spec, openapi_path
from simulators.custody import clock as pace

SOURCES = Path(pace.__file__).parent


def test_bundled_document_is_valid_openapi():
    spec = load_spec("custody")
    validate(spec)
    assert spec["openapi"] == "3.1.0"


def test_every_secured_operation_documents_its_failures():
    spec = load_spec("custody")
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post") or not op.get("security"):
                continue
            codes = set(op["responses"])
            assert {"400", "401", "403", "500", "503"} <= codes, (method, path)
            if "{custody_id}" in path:
                assert "404" in codes, (method, path)
            # Bulk export and import are the shared operations of common.yaml: they refuse a bad body
            # with 400 and never apply a domain rule (tests/portability checks their answers).
            if method == "post" and not path.startswith("/bulk/"):
                assert {"415", "422"} <= codes, (method, path)
            assert op.get("operationId") and op.get("summary") and op.get("tags"), (method, path)


def test_every_rule_id_in_the_code_is_documented_in_the_spec():
    text = openapi_path("custody").read_text()
    code = "\n".join(p.read_text() for p in SOURCES.glob("*.py"))
    ids = set(re.findall(r'"((?:PACE|CUS)-[A-Za-z0-9-]+)"', code))
    assert ids, "no rule ids found"
    missing = sorted(i for i in ids if i not in text)
    assert not missing, missing
