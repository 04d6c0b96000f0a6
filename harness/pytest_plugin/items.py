"""A finished verification run (its report.json document) as pytest test items.

One item per check the run reported (a pact interaction, a fuzzed operation and check, a scenario
step, a domain rule), named `test_interop[ROLE::REQUIREMENT::SUITE::CHECK]` so that `-k PACE`
selects by requirement, plus a last item `test_interop[ROLE::verdict]` that fails unless the
verdict is "conforms" (an inconclusive run therefore fails the session, naming its causes). Items
only replay the recorded result: passed passes, failed fails with the check's findings (detail,
requirement, reproduction), skipped skips with the reason. Everything shown is text from a product
under test and is made safe first (harness/reports/safe.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import CheckFailed
from harness.reports.safe import shown, strip_ansi

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr  # what pytest.Item.repr_failure may return

FUNCTION = "test_interop"
LABELS = {"pass": "CONFORMS", "fail": "DOES NOT CONFORM", "inconclusive": "INCONCLUSIVE"}


@dataclass(frozen=True)
class Recorded:
    """One item's outcome: what pytest reports for it, and the text shown when it fails or skips."""

    key: str
    status: str  # passed | failed | skipped
    text: str = ""
    requirement: str = ""
    findings: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def _safe(text: Any) -> str:
    return shown(strip_ansi(str(text)))


def check_key(role: str, check: dict[str, Any]) -> str:
    """`ROLE::REQUIREMENT::SUITE::NAME`: what a failing test's name says about the requirement."""
    requirement = " ".join(str(check.get("requirement") or "").split()) or "-"
    return f"{role}::{requirement}::{check.get('suite', '')}::{check.get('name', '')}"


def _tail(text: str) -> str:
    return text.split(": ", 1)[1] if ": " in text else text


def belongs(finding: dict[str, Any], check: dict[str, Any]) -> bool:
    """The finding explains why this check failed (the suites name the two differently)."""
    if finding.get("suite") != check.get("suite"):
        return False
    name, title = str(check.get("name", "")), str(finding.get("title", ""))
    same_op = finding.get("operation", "") == check.get("operation", "")
    if title == name or title.endswith(": " + name):  # scenario steps, boundary probes
        return True
    if same_op and name.endswith(f"[{finding.get('check')}]"):  # fuzz: "GET /x [check_name]"
        return True
    if check.get("group") == "domain-oracle" and finding.get("check") == "domain-oracle":
        return finding.get("requirement") == check.get("requirement")
    # pacts: check "consumer -> provider: description", finding "consumer: description"
    return same_op and check.get("suite") == "contracts" and _tail(title) == _tail(name) != ""


def failure_text(check: dict[str, Any], findings: Iterable[dict[str, Any]]) -> str:
    lines = [f"{check.get('suite')}: {check.get('name')}"]
    if check.get("operation"):
        lines.append(f"operation: {check['operation']}")
    if check.get("requirement"):
        lines.append(f"requirement: {check['requirement']}")
    if check.get("message"):
        lines.append(f"check: {check['message']}")
    for finding in findings:
        lines.extend(finding_lines(finding))
    return _safe("\n".join(lines))


def finding_lines(finding: dict[str, Any]) -> list[str]:
    lines = ["", f"finding ({finding.get('severity')}): {finding.get('title')}"]
    if finding.get("operation"):
        lines.append(f"  operation: {finding['operation']}")
    if finding.get("requirement"):
        lines.append(f"  requirement: {finding['requirement']}")
    lines.extend("  " + line for line in str(finding.get("detail", "")).splitlines())
    if finding.get("reproduce"):
        lines.append(f"  reproduce: {finding['reproduce']}")
    return lines


def recorded(summary: dict[str, Any]) -> list[Recorded]:
    """Every item of the run in report order, keys unique, the verdict last."""
    role = str(summary.get("role", ""))
    findings = [f for f in summary.get("findings", []) if isinstance(f, dict)]
    shown_findings: set[int] = set()
    out: list[Recorded] = []
    seen: dict[str, int] = {}
    for check in summary.get("checks", []):
        key = check_key(role, check)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:  # the same check recorded twice: keep both, told apart
            key = f"{key} #{seen[key]}"
        status = str(check.get("status", ""))
        requirement = str(check.get("requirement") or "")
        if status == "failed":
            mine = [f for f in findings if belongs(f, check)]
            shown_findings.update(id(f) for f in mine)
            out.append(Recorded(key, status, failure_text(check, mine), requirement))
        elif status == "skipped":
            out.append(Recorded(key, status, _safe(check.get("message") or "skipped"), requirement))
        else:
            out.append(Recorded(key, "passed", requirement=requirement))
    unexplained = [f for f in findings if f.get("severity") == "error" and id(f) not in shown_findings]
    out.append(verdict_item(summary, unexplained))
    return out


def verdict_item(summary: dict[str, Any], unexplained: list[dict[str, Any]]) -> Recorded:
    """Passes only when the run conforms; otherwise says why (causes, or the error findings)."""
    role, verdict = str(summary.get("role", "")), str(summary.get("verdict", ""))
    key = f"{role}::verdict"
    if verdict == "pass":
        return Recorded(key, "passed")
    lines = [f"verdict: {LABELS.get(verdict, verdict)} ({role} at {summary.get('target', '')})"]
    for cause in summary.get("inconclusive", []) or []:
        lines.append(f"not judged: {cause.get('cause')}: {cause.get('detail')}")
    errors = [f for f in summary.get("findings", []) if f.get("severity") == "error"]
    if verdict == "fail":
        lines.append(f"{len(errors)} error findings; each failing test_interop item shows its own.")
    for finding in unexplained:  # findings no check item shows (a suite that crashed, a size bound)
        lines.extend(finding_lines(finding))
    return Recorded(key, "failed", _safe("\n".join(lines)), findings=tuple(unexplained))


class InteropCheckFailed(CheckFailed):
    """A check of the standard failed; its text is the report shown for the test."""


class InteropItem(pytest.Item):
    """One recorded check, replayed: its outcome was decided by the verification run."""

    def __init__(self, *, record: Recorded, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.record = record
        self.user_properties.append(("interop_check", record.key))
        if record.requirement:
            self.user_properties.append(("requirement", record.requirement))

    def runtest(self) -> None:
        if self.record.status == "failed":
            raise InteropCheckFailed(self.record.text)
        if self.record.status == "skipped":
            pytest.skip(self.record.text or "skipped")

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, InteropCheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"interop {self.record.key}"


class InteropCollector(pytest.Collector):
    """The run's items under one node, `interop`, beside the user's own test files."""

    def __init__(self, *, records: list[Recorded], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.records = records

    def collect(self) -> Iterator[InteropItem]:
        for record in self.records:
            yield InteropItem.from_parent(self, name=f"{FUNCTION}[{record.key}]", record=record)
