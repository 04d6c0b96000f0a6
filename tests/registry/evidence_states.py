"""The evidence system's provider states (the harness side of tests/registry/evidence_system.py)."""

from __future__ import annotations

from typing import Any

from harness.contracts.state_catalogue import state
from harness.contracts.target_api import TargetApi


@state("evidence", r"exhibit (?P<exhibit_ref>EX-\d{4}) exists", "exhibit EX-NNNN exists")
def exhibit_exists(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    """Read it back through the standard API: a StateError names the answer when it is not there."""
    body = api.call("GET", f"/exhibits/{params['exhibit_ref']}", ["evidence:read"], require=("exhibit_ref",))
    return {"exhibit_ref": body["exhibit_ref"]}
