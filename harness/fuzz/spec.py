"""The OpenAPI document as the fuzzer sees it, and what it says about access tokens.

The harness fuzzes the *published* document of a role (`simulators.core.spec.load_spec`), never
what the target serves at `/openapi.json`: a product is judged against the standard, not against
its own description of itself.
"""

from __future__ import annotations

import copy
from typing import Any

from harness.engine.operations import Operation, operations
from simulators.core.config import SYSTEMS

# Test-support endpoints are not part of the standard; a document should not list them, and if
# one does they are still never fuzzed (they reset data and inject faults).
TEST_SUPPORT_PREFIX = "/_sim"


def fuzzable(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` without test-support paths."""
    doc = copy.deepcopy(spec)
    doc["paths"] = {
        p: item for p, item in (doc.get("paths") or {}).items() if not p.startswith(TEST_SUPPORT_PREFIX)
    }
    return doc


TRUST_ENDPOINTS = ("/oauth/token", "/.well-known/jwks.json")


def without_trust_endpoints(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` without the reference ecosystem's token endpoint and key set.

    A product with its own identity provider gets its tokens elsewhere; these two paths belong to
    the shared trust of the reference ecosystem, not to the role's business API.
    """
    doc = dict(spec)
    doc["paths"] = {p: item for p, item in (spec.get("paths") or {}).items() if p not in TRUST_ENDPOINTS}
    return doc


def role_scopes(spec: dict[str, Any]) -> list[str]:
    """The scopes a client needs to call every operation of the document (what the fuzzer asks for)."""
    return sorted({s for op in operations(spec) for s in op.required_scopes})


def wrong_scopes(op: Operation, spec: dict[str, Any], role: str) -> list[str]:
    """A scope set that must not be enough for `op`.

    One of the role's other scopes, the plain read or write one first (a read-only token must not
    write, a write token must not export): any client a product gives the harness holds those,
    while a set of every other scope (export, import, restricted reads) is often refused. When the
    operation needs all of them, another system's read scope (a records token must not read custody).
    """
    others = sorted(set(role_scopes(spec)) - op.required_scopes)
    if others:
        plain = [s for s in others if s.endswith((":read", ":write"))]
        return [(plain or others)[0]]
    peer = next((s for s in SYSTEMS if s != role), "records")
    return [f"{peer}:read"]
