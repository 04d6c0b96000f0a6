"""Report subjects are nominals held in records: each is checked through the RecordsClient.

Called before any write, outside the database transaction, so a slow or failed records system
leaves nothing half-written. A merged (duplicate) nominal id is stored as the surviving nominal
that records answers with. Rules: INT-subject-unknown (422: records holds no such nominal),
INT-subject-duplicate (422: a nominal appears twice, also after merges are resolved).
"""

from __future__ import annotations

from typing import Any

from simulators.clients.base import UpstreamError
from simulators.intelligence.context import records_client
from simulators.intelligence.rules import Violation, raise_violations

ACTION = "check the report's subjects in records"


def _duplicates(subjects: list[dict[str, Any]]) -> list[Violation]:
    seen: dict[str, int] = {}
    out = []
    for i, s in enumerate(subjects):
        nid = s["nominal_id"]
        if nid in seen:
            out.append(
                Violation(
                    "INT-subject-duplicate",
                    f"subjects[{i}].nominal_id",
                    f"nominal {nid} is already subjects[{seen[nid]}]; list each nominal once",
                )
            )
        else:
            seen[nid] = i
    return out


def resolve_subjects(subjects: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The subjects with each nominal confirmed in records (survivor ids); raises a problem otherwise."""
    wanted = [{"nominal_id": str(s["nominal_id"]).lower(), "role": s["role"]} for s in subjects]
    raise_violations(_duplicates(wanted))
    if not wanted:
        return []
    client = records_client()
    violations: list[Violation] = []
    resolved: list[dict[str, str]] = []
    for i, subject in enumerate(wanted):
        try:
            nominal = client.get_nominal(subject["nominal_id"])
        except UpstreamError as exc:
            raise exc.as_problem(ACTION) from exc
        if nominal is None:
            violations.append(
                Violation(
                    "INT-subject-unknown",
                    f"subjects[{i}].nominal_id",
                    f"records holds no nominal {subject['nominal_id']}",
                )
            )
            continue
        survivor = str(nominal.get("nominal_id") or subject["nominal_id"]).lower()
        resolved.append({"nominal_id": survivor, "role": subject["role"]})
    raise_violations(violations)
    raise_violations(_duplicates(resolved))
    return resolved
