"""Fixtures for tests against a real Docker engine (started by `bash .ci/docker.sh start`).

Without an engine these tests skip with the reason; under CI (CI=true) they fail instead, because
.ci/run must provide one. They share the xdist group "docker" so they run one at a time on one
worker, which lets every test assert that no harness container is left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TEST_IMAGE = os.environ.get("INTEROP_TEST_IMAGE", "interop-test/busybox:local")
TEST_IMAGE_VERSION = "4"  # IMAGE_VERSION in .ci/docker.sh
LABEL = "org.interop.harness"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "docker: needs a Docker engine (bash .ci/docker.sh start)")
    # Also known without pytest-xdist (-p no:xdist), which otherwise registers it.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: in CI, .ci/run must run 'bash .ci/docker.sh start'")
    pytest.skip(f"{reason} (bash .ci/docker.sh start provides one)")


@pytest.fixture(scope="session")
def docker_client() -> Iterator[Any]:
    """A client of a running engine, or skip (fail in CI) with the reason."""
    try:
        import docker
        from docker.errors import DockerException
    except ImportError:
        _unavailable("the docker Python SDK is not installed")
    try:
        client = docker.from_env(timeout=60)
        client.ping()
    except DockerException as exc:
        _unavailable(f"no Docker engine answers ({type(exc).__name__})")
    yield client
    client.close()


@pytest.fixture(scope="session")
def test_image(docker_client: Any) -> str:
    """The busybox test product (.ci/docker.sh), built here if missing or out of date."""
    from docker.errors import ImageNotFound

    try:
        labels = docker_client.images.get(TEST_IMAGE).labels or {}
    except ImageNotFound:
        labels = {}
    if labels.get("org.interop.test-image") != TEST_IMAGE_VERSION:
        if not Path("/bin/busybox").exists():
            _unavailable("the test image needs Debian's busybox-static")
        subprocess.run(["bash", str(REPO / ".ci" / "docker.sh"), "image"], check=True, timeout=120)
    return TEST_IMAGE


def harness_containers(client: Any) -> list[Any]:
    return client.containers.list(all=True, filters={"label": LABEL})


@pytest.fixture
def no_container_left(docker_client: Any) -> Iterator[None]:
    """Fails the test when a harness container outlives it (whatever the test's own outcome)."""
    before = {c.id for c in harness_containers(docker_client)}
    yield
    left = [c for c in harness_containers(docker_client) if c.id not in before]
    for container in left:  # do not let one failure cascade into the next tests
        container.remove(force=True)
    assert not left, f"containers left behind: {[c.name for c in left]}"


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real `interop` command in a child process, with the probe suite registered."""
    return subprocess.run(
        [sys.executable, "-m", "tests.docker.probe_suite", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true", **(env or {})},
    )


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    """Exit 2 with one line on standard error and no traceback; returns that line."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("interop: error:"), result.stderr
    return lines[0]
