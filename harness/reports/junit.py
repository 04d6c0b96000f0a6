"""junit.xml: one testcase per executed check, one failing testcase per error finding.

Failed checks are represented by their findings, so the failure count equals the number of
error findings in report.json exactly (what CI dashboards count).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from harness.engine.events import CheckResult, Finding


class JUnitWriter:
    def __init__(self, report_dir: Path) -> None:
        self.path = Path(report_dir) / "junit.xml"

    def handle(self, event: Any) -> None:
        """Built at close from the run's checks and findings."""

    def close(self, run: Any) -> None:
        root = ET.Element("testsuites", name=f"interop {run.ctx.role} {run.ctx.target}")
        suites = [s.suite for s in run.suites]
        total_t = total_f = total_s = 0
        for name in suites:
            checks: list[CheckResult] = [c for c in run.checks if c.suite == name and c.status != "failed"]
            findings: list[Finding] = [f for f in run.findings if f.suite == name]
            errors = [f for f in findings if f.severity == "error"]
            warnings = [f for f in findings if f.severity == "warning"]
            skipped = sum(c.status == "skipped" for c in checks)
            suite_el = ET.SubElement(
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
                case = ET.SubElement(
                    suite_el,
                    "testcase",
                    classname=f"{name}.{c.group or 'checks'}",
                    name=c.name,
                    time=f"{c.duration_s:.3f}",
                )
                if c.status == "skipped":
                    ET.SubElement(case, "skipped", message=c.message or "skipped")
            for f in errors:
                case = ET.SubElement(
                    suite_el,
                    "testcase",
                    classname=f"{name}.{f.operation or f.check}",
                    name=f"{f.check}: {f.title}",
                )
                fail = ET.SubElement(case, "failure", message=f.title, type=f.check)
                fail.text = "\n".join(
                    x
                    for x in (
                        f.detail,
                        f"requirement: {f.requirement}" if f.requirement else "",
                        f"reproduce: {f.reproduce}" if f.reproduce else "",
                    )
                    if x
                )
            if warnings:
                out = ET.SubElement(suite_el, "system-out")
                out.text = "\n".join(f"WARNING {w.operation} {w.title}: {w.detail}" for w in warnings)
            total_t += len(checks) + len(errors)
            total_f += len(errors)
            total_s += skipped
        root.set("tests", str(total_t))
        root.set("failures", str(total_f))
        root.set("skipped", str(total_s))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ET.indent(root)
        ET.ElementTree(root).write(self.path, encoding="utf-8", xml_declaration=True)
