"""Fixtures for tests against a real Docker engine (started by `bash .ci/docker.sh start`).

Without an engine these tests skip with the reason; under CI (CI=true) they fail instead, because
.ci/run must provide one. Every test asserts that no container it caused is left behind: the
harness labels each container with the id of the process that started it (this worker, or an
`interop` child process recorded by `run_cli`), so parallel workers and other runs on the same
engine do not disturb the check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.docker_target import LABEL, LABEL_PID

REPO = Path(__file__).resolve().parents[2]
TEST_IMAGE = os.environ.get("INTEROP_TEST_IMAGE", "interop-test/busybox:local")
TEST_IMAGE_VERSION = "4"  # IMAGE_VERSION in .ci/docker.sh


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "docker: needs a Docker engine (bash .ci/docker.sh start)")


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


# Processes this test started that may start containers (`interop` children); see run_cli.
_children: set[int] = set()


def record_child(pid: int) -> None:
    _children.add(pid)


def harness_containers(client: Any, pids: set[int] | None = None) -> list[Any]:
    """Containers the harness started; only those of processes `pids` when given."""
    # ignore_removed: another worker's container may go between listing and inspecting.
    found = client.containers.list(all=True, ignore_removed=True, filters={"label": LABEL})
    if pids is None:
        return list(found)
    return [c for c in found if c.labels.get(LABEL_PID, "").isdigit() and int(c.labels[LABEL_PID]) in pids]


@pytest.fixture
def no_container_left(docker_client: Any) -> Iterator[None]:
    """Fails the test when a container it caused outlives it (whatever the test's own outcome)."""
    _children.clear()
    yield
    left = harness_containers(docker_client, {os.getpid(), *_children})
    _children.clear()
    for container in left:  # do not let one failure cascade into the next tests
        container.remove(force=True, v=True)
    assert not left, f"containers left behind: {[c.name for c in left]}"


def cli_command(*args: str) -> list[str]:
    """The real `interop` command, with the probe suite registered (tests/docker/probe_suite.py)."""
    return [sys.executable, "-m", "tests.docker.probe_suite", *args]


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `interop ARGS` in a child process; its containers count as this test's."""
    proc = subprocess.Popen(
        cli_command(*args),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true", **(env or {})},
    )
    record_child(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    """Exit 2 with one line on standard error and no traceback; returns that line."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("interop: error:"), result.stderr
    return lines[0]
