"""Prism (Stoplight's OpenAPI mock server, from npm) serving one of our documents: a product that
answers in the standard's shapes but keeps no data and enforces nothing.

`.ci/run` installs it into `.ci/node/` (git-ignored); `INTEROP_PRISM` may name another binary.
It is given the published, self-contained document (`contracts/bundled/<system>.json`) exactly
as a vendor would download it, security schemes included, so it asks for a token as the standard does.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from simulators.core.server import free_port, wait_for_port
from simulators.core.spec import bundled_path

ROOT = Path(__file__).resolve().parents[2]
LOCAL_PRISM = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "prism"
STARTUP_TIMEOUT_S = 60.0


def locate() -> Path | None:
    """The Prism binary: `$INTEROP_PRISM`, else the one `.ci/run` installs; None when neither exists."""
    named = os.environ.get("INTEROP_PRISM")
    if named:
        found = shutil.which(named)
        return Path(found) if found else None
    return LOCAL_PRISM if LOCAL_PRISM.is_file() and os.access(LOCAL_PRISM, os.X_OK) else None


def require() -> Path:
    """The binary, or a skip (a failure in CI, where `.ci/run` must have installed it)."""
    found = locate()
    if found is None:
        where = os.environ.get("INTEROP_PRISM") or str(LOCAL_PRISM)
        message = f"Prism is not installed at {where} (bash .ci/run installs it: npm @stoplight/prism-cli)"
        if os.environ.get("CI"):
            pytest.fail("CI: " + message)
        pytest.skip(message)
    return found


class PrismMock:
    """`prism mock` of `system`'s document on 127.0.0.1 on a free port, in its own process group."""

    def __init__(self, binary: Path, system: str, log: Path) -> None:
        self.binary = binary
        self.document = bundled_path(system)
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> PrismMock:
        with self.log.open("wb") as sink:
            self._process = subprocess.Popen(
                [str(self.binary), "mock", "-h", "127.0.0.1", "-p", str(self.port), str(self.document)],
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            wait_for_port("127.0.0.1", self.port, timeout=STARTUP_TIMEOUT_S)
        except TimeoutError:
            self.__exit__()
            tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"Prism did not start on {self.url}:\n{tail}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)  # Prism's node process and only its children
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
