"""Every secured operation: 401 without a token, 403 with the wrong scope, 415 for a non-JSON body,
503 when the system is down and 500 when it fails: each as problem details the document allows."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from simulators.core.spec import load_spec
from tests.records.conftest import Api

SPEC = load_spec("records")
OPERATIONS = [
    (path, method, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if method in ("get", "post", "patch") and op.get("security", SPEC["security"]) != []
]


def concrete(path: str) -> str:
    return path.replace("{nominal_id}", str(uuid.uuid4())).replace("{occurrence_id}", str(uuid.uuid4()))


def scopes_of(op: dict[str, Any]) -> list[str]:
    return [s for req in op.get("security", SPEC["security"]) for scopes in req.values() for s in scopes]


@pytest.mark.parametrize(
    ("path", "method", "op"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS]
)
def test_auth_errors(api: Api, path: str, method: str, op: dict[str, Any]) -> None:
    url = concrete(path)
    body = {} if "requestBody" in op else None
    resp = api.call(method.upper(), url, "", json=body)
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = "intelligence:read" if scopes_of(op) != ["intelligence:read"] else "custody:read"
    resp = api.call(method.upper(), url, wrong, json=body)
    assert resp.status_code == 403 and resp.json()["required_scopes"] == scopes_of(op)


BODY_OPS = [(p, m, o) for p, m, o in OPERATIONS if "requestBody" in o]


@pytest.mark.parametrize(("path", "method", "op"), BODY_OPS, ids=[f"{m.upper()} {p}" for p, m, _ in BODY_OPS])
def test_non_json_bodies_are_415(api: Api, path: str, method: str, op: dict[str, Any]) -> None:
    resp = api.call(
        method.upper(),
        concrete(path),
        " ".join(scopes_of(op)),
        data="a=b",
        headers={"Content-Type": "text/plain", "If-Match": "*"},
    )
    assert resp.status_code == 415 and resp.headers["Content-Type"].startswith("application/problem+json")


def test_faults_reach_every_operation(api: Api, records) -> None:  # type: ignore[no-untyped-def]
    for settings, status in (({"down": True}, 503), ({"error_rate": 1.0}, 500)):
        assert records.sim("PUT", "/faults", json=settings).status_code == 200
        try:
            for path, method, op in OPERATIONS:
                resp = api.call(method.upper(), concrete(path), " ".join(scopes_of(op)), json={})
                assert resp.status_code == status, (method, path, resp.text)
        finally:
            records.sim("PUT", "/faults", json={"down": False, "error_rate": 0.0})
