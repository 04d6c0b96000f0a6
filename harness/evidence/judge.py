"""From the runs of each role to a verdict per requirement, per group, and for the whole profile.

A requirement is *met* when a check of it ran for every role that must keep it and no check of it
failed and no error finding names it; *not met* when one did; *not judged* when nothing judged it
(the reason is the skipped checks' own, or that no suite that judges it ran); *not testable* when
the catalogue says the harness cannot judge it. Findings with one root cause (the same check, title
and answer status on one role) are one problem with several occurrences.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from harness.engine.verdict import FAIL, INCONCLUSIVE, PASS, requirement_ids
from harness.evidence.catalogue import Catalogue, Requirement
from harness.evidence.profile import Profile

MET, NOT_MET, NOT_JUDGED, NOT_TESTABLE = "met", "not met", "not judged", "not testable"
ORDER = {NOT_MET: 0, NOT_JUDGED: 1, MET: 2, NOT_TESTABLE: 3}
REASONS_SHOWN = 3


@dataclass
class RoleRun:
    """One role's run: its report.json document and the suites the profile asked for."""

    role: str
    summary: dict[str, Any]
    suites: tuple[str, ...]


def _members(req: Requirement, catalogue: Catalogue, rid_text: str | None) -> bool:
    """Whether a check's or finding's requirement text names this requirement (or what judges it)."""
    for rid in requirement_ids(rid_text):
        if req.covers(rid):
            return True
        for other in req.judged_by:
            judge = catalogue.get(other)
            if (judge is not None and judge.covers(rid)) or rid == other:
                return True
    return False


def _role_status(
    req: Requirement, catalogue: Catalogue, run: RoleRun
) -> tuple[str, list[str], dict[str, int]]:
    checks = [c for c in run.summary.get("checks", []) if _members(req, catalogue, c.get("requirement"))]
    counts = {
        s: sum(c["status"] == s for c in checks if c.get("required", True))
        for s in ("passed", "failed", "skipped")
    }
    errors = [
        f
        for f in run.summary.get("findings", [])
        if f.get("severity") == "error" and _members(req, catalogue, f.get("requirement"))
    ]
    if errors or counts["failed"]:
        return NOT_MET, [], counts
    if counts["passed"]:
        return MET, [], counts
    ran = {s["name"] for s in run.summary.get("suites", [])}
    if req.judged_when == "any-suite" and ran:
        return MET, [], counts
    if req.judged_when == "fuzz" and "fuzz" in ran:
        return MET, [], counts
    reasons = sorted(
        {
            str(c.get("message") or "skipped")
            for c in checks
            if c["status"] == "skipped" and c.get("required", True)
        }
    )
    if not reasons:
        reasons = [
            f"no check of it ran on the {run.role} role (suites run: {', '.join(sorted(ran)) or 'none'})"
        ]
    return NOT_JUDGED, reasons[:REASONS_SHOWN], counts


def root_causes(runs: list[RoleRun], catalogue: Catalogue) -> list[dict[str, Any]]:
    """Error findings gathered by root cause: same role, requirement, check, title and answer status."""
    grouped: dict[tuple[str, str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for run in runs:
        for f in run.summary.get("findings", []):
            if f.get("severity") != "error":
                continue
            owner = next(
                (o.id for r in requirement_ids(f.get("requirement")) if (o := catalogue.owner(r))),
                "",
            )
            extra = f.get("extra") or {}
            status = extra.get("response_status", extra.get("status_code"))
            key = (run.role, owner, str(f.get("check", "")), str(f.get("title", "")), str(status))
            grouped[key].append(f)
    out = []
    for (role, owner, check, title, status), group in sorted(grouped.items()):
        occurrences = sum(int((f.get("extra") or {}).get("occurrences", 1) or 1) for f in group)
        out.append(
            {
                "role": role,
                "requirement": owner or None,
                "check": check,
                "title": title,
                "status": None if status == "None" else status,
                "operations": sorted({str(f.get("operation") or "(whole product)") for f in group}),
                "findings": len(group),
                "occurrences": occurrences,
            }
        )
    return out


def judge(profile: Profile, catalogue: Catalogue, runs: list[RoleRun]) -> dict[str, Any]:
    """The results document (results.json): per requirement, per group, and the profile's verdict."""
    roles = [r.role for r in runs]
    must = profile.must_ids(catalogue)
    requirements = []
    for req in catalogue.requirements:
        applies = [r for r in runs if r.role in req.systems]
        if not applies:
            continue
        level = "MUST" if req.id in must else "SHOULD"
        entry: dict[str, Any] = {
            "id": req.id,
            "statement": req.statement,
            "source": req.source,
            "group": req.group,
            "level": level,
            "roles": {},
            "why": [],
        }
        if not req.testable:
            entry.update(status=NOT_TESTABLE, why=[f"not testable by the harness: {req.why}"])
            entry["roles"] = {r.role: NOT_TESTABLE for r in applies}
            requirements.append(entry)
            continue
        statuses = []
        checks = {"passed": 0, "failed": 0, "skipped": 0}
        for run in applies:
            status, reasons, counts = _role_status(req, catalogue, run)
            statuses.append(status)
            entry["roles"][run.role] = status
            entry["why"].extend(f"{run.role}: {r}" for r in reasons)
            for k in checks:
                checks[k] += counts[k]
        entry["checks"] = checks
        entry["status"] = min(statuses, key=lambda s: ORDER[s])
        requirements.append(entry)
    requirements.sort(
        key=lambda e: (e["level"] != "MUST", ORDER[e["status"]], _group_index(catalogue, e["group"]), e["id"])
    )
    causes = root_causes(runs, catalogue)
    other = [c for c in causes if c["requirement"] is None]
    for entry in requirements:
        mine = [c for c in causes if c["requirement"] == entry["id"]]
        entry["problems"] = len(mine)
        entry["occurrences"] = sum(c["occurrences"] for c in mine)
    uncatalogued = sorted(
        {
            rid
            for run in runs
            for item in [*run.summary.get("checks", []), *run.summary.get("findings", [])]
            for rid in requirement_ids(item.get("requirement"))
            if catalogue.owner(rid) is None
        }
    )
    tally = _tally(requirements)
    verdict, reasons = _verdict(profile, tally, len(other))
    return {
        "buyer": profile.buyer,
        "product": profile.product,
        "roles": roles,
        "seed": profile.seed,
        "suites": list(profile.suites),
        "verdict": verdict,
        "verdict_reasons": reasons,
        "thresholds": vars(profile.thresholds),
        "tally": tally,
        "groups": _groups(catalogue, requirements),
        "requirements": requirements,
        "problems": causes,
        "other_problems": other,
        "uncatalogued": uncatalogued,
        "role_verdicts": {r.role: r.summary.get("verdict") for r in runs},
        "role_inconclusive": {r.role: r.summary.get("inconclusive", []) for r in runs},
    }


def _group_index(catalogue: Catalogue, gid: str) -> int:
    return next((i for i, g in enumerate(catalogue.groups) if g.id == gid), len(catalogue.groups))


def _tally(requirements: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out = {lvl: {s: 0 for s in ORDER} for lvl in ("MUST", "SHOULD")}
    for e in requirements:
        out[e["level"]][e["status"]] += 1
    return out


def _groups(catalogue: Catalogue, requirements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per group: its title, its worst status, counts; groups holding MUST requirements first."""
    out = []
    for g in catalogue.groups:
        mine = [e for e in requirements if e["group"] == g.id]
        if not mine:
            continue
        judged = [e["status"] for e in mine if e["status"] != NOT_TESTABLE] or [NOT_TESTABLE]
        out.append(
            {
                "id": g.id,
                "title": g.title,
                "status": min(judged, key=lambda s: ORDER[s]),
                "must": sum(e["level"] == "MUST" for e in mine),
                "counts": {s: sum(e["status"] == s for e in mine) for s in ORDER},
            }
        )
    out.sort(key=lambda g: (g["must"] == 0, _group_index(catalogue, g["id"])))
    return out


def _verdict(profile: Profile, tally: dict[str, dict[str, int]], other_errors: int) -> tuple[str, list[str]]:
    t = profile.thresholds
    fails, unsure = [], []
    if tally["MUST"][NOT_MET] > t.must_not_met:
        fails.append(
            f"{tally['MUST'][NOT_MET]} MUST requirements not met (the profile allows {t.must_not_met})"
        )
    if t.should_not_met is not None and tally["SHOULD"][NOT_MET] > t.should_not_met:
        fails.append(
            f"{tally['SHOULD'][NOT_MET]} SHOULD requirements not met (the profile allows {t.should_not_met})"
        )
    if other_errors > t.other_errors:
        fails.append(
            f"{other_errors} problems that no requirement names (the profile allows {t.other_errors})"
        )
    if tally["MUST"][NOT_JUDGED] > t.must_not_judged:
        unsure.append(
            f"{tally['MUST'][NOT_JUDGED]} MUST requirements could not be judged "
            f"(the profile allows {t.must_not_judged})"
        )
    if fails:
        return FAIL, fails + unsure
    if unsure:
        return INCONCLUSIVE, unsure
    return PASS, []
