"""Fixtures for products that are not our simulators: a force of simulators to put behind a
gateway (or to serve as peers), and `interop verify` run as a user runs it, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.embedded import EmbeddedEcosystem, embedded_ecosystem
from tests.simkit import POPULATION_CACHE

INTEROP = [sys.executable, "-m", "harness.cli"]
# A small fuzz budget, same every run; max-time only caps a run on a busy machine.
FAST = ["--max-examples", "3", "--seed", "1", "--max-time", "120"]


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEcosystem]:
    """Records, custody and intelligence simulators in this process, wired to each other."""
    with embedded_ecosystem(
        home=tmp_path_factory.mktemp("force"),
        population=40,
        config_overrides={"population_cache": POPULATION_CACHE},
    ) as eco:
        yield eco


@dataclass
class Verified:
    """What `interop verify` did: its exit code, its output, and report.json when it wrote one."""

    code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None

    def errors(self) -> list[dict[str, Any]]:
        return [f for f in (self.report or {}).get("findings", []) if f.get("severity") == "error"]

    def explain(self) -> str:
        """For assertion messages: the exit code, the end of stderr, and the first error findings."""
        lines = [f"exit {self.code}; stderr: {self.stderr.strip()[-800:]}"]
        if self.report is not None:
            lines.append(
                f"verdict {self.report.get('verdict')}; inconclusive {self.report.get('inconclusive')}"
            )
            lines += [
                f"- {f['suite']} {f['check']} {f['operation']}: {f['detail'][:300]}"
                for f in self.errors()[:12]
            ]
        return "\n".join(lines)


def verify(*args: str, report_dir: Path, timeout: float = 900, env: dict[str, str] | None = None) -> Verified:
    """`interop verify ARGS --report-dir REPORT_DIR` in a subprocess; a traceback fails the test."""
    run = subprocess.run(
        [*INTEROP, "verify", *args, "--report-dir", str(report_dir)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in run.stderr + run.stdout, run.stderr[-3000:]
    path = report_dir / "report.json"
    report = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    return Verified(run.returncode, run.stdout, run.stderr, report)
