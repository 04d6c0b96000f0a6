"""Evidence packs built from made-up role runs (no servers): fast material for the pack tests."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from harness.evidence.accept import Acceptance, write_pack
from harness.evidence.catalogue import load_catalogue
from harness.evidence.judge import RoleRun
from harness.evidence.profile import parse_profile

PROFILE = """
buyer: Test Constabulary
product: {name: Acme Custody, version: "2.1"}
seed: 7
suites: [contracts, fuzz, rules]
roles:
  custody: {target: "http://127.0.0.1:9"}
"""


def check(requirement: str, status: str = "passed", suite: str = "rules") -> dict[str, Any]:
    return {"suite": suite, "name": requirement, "status": status, "requirement": requirement, "message": ""}


def finding(requirement: str | None, title: str, operation: str, status: int = 500) -> dict[str, Any]:
    return {
        "suite": "fuzz",
        "check": "not_a_server_error",
        "severity": "error",
        "operation": operation,
        "title": title,
        "detail": "boom",
        **({"requirement": requirement} if requirement else {}),
        "extra": {"response_status": status, "occurrences": 1},
    }


def custody_summary(
    broken: dict[str, int] | None = None, product_name: str = "Acme Custody"
) -> dict[str, Any]:
    """A custody run where every custody requirement was judged; `broken` maps ids to error findings."""
    cat = load_catalogue()
    checks, findings = [], []
    for r in cat.requirements:
        if "custody" not in r.systems or not r.testable:
            continue
        rid = f"{r.id}-x" if r.family else (r.judged_by[0] + "-01" if r.judged_by else r.id)
        n = (broken or {}).get(r.id, 0)
        checks.append(check(rid, "failed" if n else "passed"))
        findings += [finding(rid, "Server error", f"GET /op{i}") for i in range(n)]
    return {
        "role": "custody",
        "target": "http://127.0.0.1:9",
        "product": {"name": product_name},
        "verdict": "fail" if findings else "pass",
        "inconclusive": [],
        "suites": [
            {"name": s, "passed": 1, "failed": 0, "skipped": 0} for s in ("contracts", "fuzz", "rules")
        ],
        "checks": checks,
        "findings": findings,
    }


def make_pack(out: Path, summary: dict[str, Any], key: Any, profile_text: str = PROFILE) -> Acceptance:
    cat = load_catalogue()
    profile = parse_profile(profile_text, out.parent / "force.yaml", cat)
    out.mkdir(parents=True)
    (out / "roles" / "custody").mkdir(parents=True)
    (out / "roles" / "custody" / "report.json").write_text(json.dumps(summary), encoding="utf-8")
    identity = [{"role": "custody", "target": summary["target"], "reported_version": "2.1"}]
    return write_pack(
        profile,
        cat,
        [RoleRun("custody", summary, profile.suites)],
        identity,
        out,
        key,
        "interop accept ...",
        "t0",
    )


def cli(*argv: str) -> tuple[int, str]:
    """Run `interop ARGV` in this process; (exit code, standard output + standard error)."""
    import harness.cli as cli_module

    buf = io.StringIO()
    code = 0
    with redirect_stdout(buf), redirect_stderr(buf):
        try:
            cli_module.main(list(argv))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, buf.getvalue()
