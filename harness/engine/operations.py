"""The operations of a role's OpenAPI document, each with the scope sets that may call it: what
the fuzzer probes (harness/fuzz/) and what the reach tally counts (harness/engine/reach.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulators.core.spec import operation_label, security_alternatives

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


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
