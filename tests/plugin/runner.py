"""Run pytest in a subprocess, as a vendor's CI would, with the range's plugin installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TIMEOUT_S = 600


def run_pytest(cwd: Path, *args: str, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    # Not the outer run's settings (xdist worker ids, PYTEST_ADDOPTS, disabled plugin autoload).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PACT_DO_NOT_TRACK"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
