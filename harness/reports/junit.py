"""junit.xml: one testcase per executed check, one failing testcase per error finding.

Failed checks are represented by their findings, so the failure count equals the number of
error findings in report.json exactly (what CI dashboards count). An inconclusive run adds a
`<role>.verdict` suite with one erroring testcase per cause, so CI cannot read it as a pass.
Every string is bounded and has the characters XML 1.0 forbids written as visible escapes
(harness/reports/safe.py); ElementTree escapes the markup, so the file parses whatever the
target sent.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from harness.engine.events import CheckResult, Finding
from harness.reports.safe import shown
from harness.reports.verdicts import inconclusive_causes


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: shown(v) for k, v in attrs.items()})
    if text is not None:
        el.text = shown(text)
    return el


class JUnitWriter:
    def __init__(self, report_dir: Path) -> None:
        self.path = Path(report_dir) / "junit.xml"

    def handle(self, event: Any) -> None:
        """Built at close from the run's checks and findings."""

    def close(self, run: Any) -> None:
        root = ET.Element("testsuites", name=shown(f"interop {run.ctx.role} {run.ctx.target}"))
        suites = [s.suite for s in run.suites]
        total_t = total_f = total_s = total_e = 0
        for name in suites:
            checks: list[CheckResult] = [c for c in run.checks if c.suite == name and c.status != "failed"]
            findings: list[Finding] = [f for f in run.findings if f.suite == name]
            errors = [f for f in findings if f.severity == "error"]
            warnings = [f for f in findings if f.severity == "warning"]
            skipped = sum(c.status == "skipped" for c in checks)
            suite_el = _el(
                root,
                "testsuite",
                name=f"{run.ctx.role}.{name}",
                tests=str(len(checks) + len(errors)),
                failures=str(len(errors)),
                errors="0",
                skipped=str(skipped),
                time=f"{sum(c.duration_s for c in checks):.3f}",
            )
            for c in checks:
                case = _el(
                    suite_el,
                    "testcase",
                    classname=f"{name}.{c.group or 'checks'}",
                    name=c.name,
                    time=f"{c.duration_s:.3f}",
                )
                if c.status == "skipped":
                    _el(case, "skipped", message=c.message or "skipped")
            for f in errors:
                case = _el(
                    suite_el,
                    "testcase",
                    classname=f"{name}.{f.operation or f.check}",
                    name=f"{f.check}: {f.title}",
                )
                text = "\n".join(
                    x
                    for x in (
                        f.detail,
                        f"requirement: {f.requirement}" if f.requirement else "",
                        f"reproduce: {f.reproduce}" if f.reproduce else "",
                    )
                    if x
                )
                _el(case, "failure", text, message=f.title, type=f.check)
            if warnings:
                _el(
                    suite_el,
                    "system-out",
                    "\n".join(f"WARNING {w.operation} {w.title}: {w.detail}" for w in warnings),
                )
            total_t += len(checks) + len(errors)
            total_f += len(errors)
            total_s += skipped
        total_e, total_t = self._inconclusive(root, run, total_e, total_t)
        root.set("tests", str(total_t))
        root.set("failures", str(total_f))
        root.set("errors", str(total_e))
        root.set("skipped", str(total_s))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ET.indent(root)
        ET.ElementTree(root).write(self.path, encoding="utf-8", xml_declaration=True)

    @staticmethod
    def _inconclusive(root: ET.Element, run: Any, total_e: int, total_t: int) -> tuple[int, int]:
        """One erroring testcase per cause the harness could not judge (nothing when conclusive)."""
        causes = inconclusive_causes(run.summary())
        if run.verdict != "inconclusive" and not causes:
            return total_e, total_t
        causes = causes or [
            {"cause": "inconclusive", "detail": "the run was inconclusive; no cause was recorded"}
        ]
        suite_el = _el(
            root,
            "testsuite",
            name=f"{run.ctx.role}.verdict",
            tests=str(len(causes)),
            failures="0",
            errors=str(len(causes)),
            skipped="0",
            time="0.000",
        )
        for cause in causes:
            case = _el(
                suite_el, "testcase", classname="verdict.inconclusive", name=f"not judged: {cause['cause']}"
            )
            _el(case, "error", cause["detail"] or cause["cause"], message=cause["cause"], type="inconclusive")
        return total_e + len(causes), total_t + len(causes)
