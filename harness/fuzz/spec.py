"""The OpenAPI document as the fuzzer sees it, and what it says about access tokens.

The harness fuzzes the *published* document of a role (`simulators.core.spec.load_spec`), never
what the target serves at `/openapi.json`: a product is judged against the standard, not against
its own description of itself.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from simulators.core.config import SYSTEMS
from simulators.core.spec import operation_label, security_alternatives

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
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


@dataclass(frozen=True)
class Operation:
    label: str  # "GET /nominals/{nominal_id}"
    method: str
    path: str
    alternatives: tuple[tuple[str, ...], ...] | None  # scope sets, any one of which suffices; None = public

    @property
    def secured(self) -> bool:
        return self.alternatives is not None

    @property
    def required_scopes(self) -> set[str]:
        return {s for alt in self.alternatives or () for s in alt}


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation in document order."""
    out = []
    for path, item in (spec.get("paths") or {}).items():
        for method, op in item.items():
            if method not in HTTP_METHODS or not isinstance(op, dict):
                continue
            alts = security_alternatives(spec, op)
            out.append(
                Operation(
                    operation_label(method, path),
                    method.upper(),
                    path,
                    None if alts is None else tuple(tuple(a) for a in alts),
                )
            )
    return out


def role_scopes(spec: dict[str, Any]) -> list[str]:
    """The scopes a client needs to call every operation of the document (what the fuzzer asks for)."""
    return sorted({s for op in operations(spec) for s in op.required_scopes})


def wrong_scopes(op: Operation, spec: dict[str, Any], role: str) -> list[str]:
    """A scope set that must not be enough for `op`.

    Preferably the role's other scopes (a read-only token must not write); when the operation
    needs all of them, another system's read scope (a records token must not read custody).
    """
    others = sorted(set(role_scopes(spec)) - op.required_scopes)
    if others:
        return others
    peer = next((s for s in SYSTEMS if s != role), "records")
    return [f"{peer}:read"]
