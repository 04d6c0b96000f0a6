"""Where the vendors' tools the standard's tests use are, installed by `bash .ci/run`: npm tools in
.ci/node, Python tools that cannot share the project's venv in .ci/pytools (their own venv).

A missing tool skips the test with the reason locally and fails it in CI, where .ci/run must
have installed it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / ".ci" / "node" / "node_modules"
PYTOOLS = REPO / ".ci" / "pytools" / "bin"


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail("CI: " + message)
    pytest.skip(message)


def python_tool(command: str, package: str) -> Path:
    """The executable `command` of the PyPI `package` in .ci/pytools; skip (fail in CI) when absent."""
    found = PYTOOLS / command
    if not (found.is_file() and os.access(found, os.X_OK)):
        _missing(f"{command} is not installed at {found} (bash .ci/run installs {package} there)")
    return found


def node_tool(command: str, package: str) -> Path:
    """The executable `command` of the npm `package` in .ci/node; skip (fail in CI) when absent."""
    found = NODE_MODULES / ".bin" / command
    if not (found.is_file() and os.access(found, os.X_OK)):
        _missing(f"{command} is not installed at {found} (bash .ci/run installs {package} from npm)")
    return found


def node_package(package: str) -> Path:
    """The folder of the npm library `package` in .ci/node; skip (fail in CI) when absent."""
    found = NODE_MODULES / package
    if not (found / "package.json").is_file():
        _missing(f"{package} is not installed in {NODE_MODULES} (bash .ci/run installs it from npm)")
    return found
