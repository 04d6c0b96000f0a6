"""The ecosystem as images, built with no image registry: the Python and PostgreSQL base images
made here by debootstrap (deploy/base-images.sh), the simulator image from the Dockerfile with
wheels built on the host (deploy/wheelhouse.sh), and compose.yaml brought up through the SDK.

Slow: the first run makes the base images (about 3 minutes, kept afterwards) and every run
rebuilds the simulator image (cached layers unless pyproject.toml changed).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.docker_target import LABEL, LABEL_PID, LOG_FILE
from harness.suites import available_suites
from simulators.core.server import HealthTimeout, free_port, port_in_use, wait_for_health
from tests.docker.compose_sdk import ComposeCli, ComposeProject, compose_command
from tests.docker.conftest import REPO, run_cli

pytestmark = [
    pytest.mark.docker,
    pytest.mark.slow,
    pytest.mark.usefixtures("no_container_left"),
]

PYTHON_BASE = "interop/python-base:local"
POSTGRES_IMAGE = "interop/postgres:local"
SIMULATORS = "interop/simulators:local"
PORTS = {"records": 8101, "custody": 8102, "intelligence": 8103}
POPULATION = "200"  # enough people for every rule; loads in seconds


@contextlib.contextmanager
def _images_lock() -> Iterator[None]:
    """One builder at a time across xdist workers and concurrent runs (the engine is shared)."""
    with open("/tmp/interop-docker-images.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(*cmd: str, timeout: float) -> None:
    started = time.monotonic()
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(cmd)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    print(f"{' '.join(cmd)}: {time.monotonic() - started:.0f}s {r.stderr.strip()[-300:]}")


@pytest.fixture(scope="session")
def base_images(docker_client: Any) -> dict[str, str]:
    """Debian bookworm made by debootstrap and imported: no registry (kept between runs)."""
    if os.geteuid() != 0:
        pytest.skip("debootstrap needs root to make the base images")
    with _images_lock():
        _run("bash", "deploy/base-images.sh", "all", timeout=1200)
    return {"python": PYTHON_BASE, "postgres": POSTGRES_IMAGE}


@pytest.fixture(scope="session")
def simulator_image(docker_client: Any, base_images: dict[str, str]) -> str:
    from docker.errors import BuildError

    with _images_lock():
        _run("bash", "deploy/wheelhouse.sh", timeout=900)
        started = time.monotonic()
        try:
            docker_client.images.build(
                path=str(REPO),
                tag=SIMULATORS,
                buildargs={"BASE_IMAGE": base_images["python"]},
                rm=True,
                forcerm=True,
            )
        except BuildError as exc:
            log = "".join(str(c.get("stream") or c.get("error") or "") for c in exc.build_log)
            pytest.fail(f"docker build failed: {exc.msg}\n{log[-4000:]}")
    print(f"simulator image built in {time.monotonic() - started:.0f}s")
    return SIMULATORS


def _wait_health(urls: dict[str, str], timeout: float, logs: Any = None) -> dict[str, dict[str, Any]]:
    """Each system's /health answer once all answer 200 (they start together: one deadline)."""
    deadline = time.monotonic() + timeout
    answers: dict[str, dict[str, Any]] = {}
    for system, url in urls.items():
        try:
            answers[system] = wait_for_health(
                url, max(0.0, deadline - time.monotonic()), ok_only=True, interval=0.5
            ).json()
        except HealthTimeout:
            pytest.fail(
                f"no /health from {sorted(set(urls) - set(answers))} in {timeout:.0f}s: "
                f"{logs() if logs else ''}"
            )
    return answers


def _token(url: str, scope: str) -> str:
    resp = requests.post(
        url + "/oauth/token",
        timeout=10,
        data={
            "grant_type": "client_credentials",
            "client_id": "records-reader",
            "client_secret": "records-reader-secret",
            "scope": scope,
        },
    )
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


def test_the_simulator_image_serves_all_three_systems(docker_client: Any, simulator_image: str) -> None:
    container = docker_client.containers.run(
        simulator_image,
        detach=True,
        environment={"INTEROP_POPULATION": POPULATION},
        labels={LABEL: "1", LABEL_PID: str(os.getpid())},
        ports={f"{p}/tcp": ("127.0.0.1",) for p in PORTS.values()},
    )
    try:
        container.reload()
        urls = {s: f"http://127.0.0.1:{container.ports[f'{p}/tcp'][0]['HostPort']}" for s, p in PORTS.items()}
        health = _wait_health(urls, 180, lambda: container.logs().decode(errors="replace")[-2000:])
        assert {h["system"] for h in health.values()} == set(PORTS)
        assert requests.get(urls["custody"] + "/openapi.json", timeout=5).json()["openapi"].startswith("3.1")
        # One issuer for the three: a token from `interop token` in the container works everywhere.
        code, out = container.exec_run(["interop", "token", "--scopes", "records:read custody:read"])
        assert code == 0, out
        token = out.decode().strip()
        for system in ("records", "custody"):
            resp = requests.get(
                urls[system] + ("/nominals" if system == "records" else "/custody-records"),
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert resp.status_code != 401, (system, resp.text)
        code, out = container.exec_run(["id", "-u"])
        assert out.decode().strip() != "0", "the simulators must not run as root"
        container.stop(timeout=10)
        container.reload()
        assert container.attrs["State"]["ExitCode"] == 0, container.logs()[-2000:]
    finally:
        container.remove(force=True, v=True)


def test_compose_brings_the_ecosystem_up_on_postgresql(
    docker_client: Any, base_images: dict[str, str], simulator_image: str
) -> None:
    ports = {s: (p if not port_in_use(p) else free_port()) for s, p in PORTS.items()}
    variables = {
        "BASE_IMAGE": base_images["python"],
        "POSTGRES_IMAGE": base_images["postgres"],
        "SIMULATORS_IMAGE": simulator_image,
        "INTEROP_POPULATION": POPULATION,
        **{f"INTEROP_{s.upper()}_PORT": str(p) for s, p in ports.items()},
    }
    command = compose_command()
    if command:
        project: ComposeCli | ComposeProject = ComposeCli(
            docker_client, command, REPO / "compose.yaml", variables
        )
    else:
        project = ComposeProject(docker_client, REPO / "compose.yaml", variables)
    runner = " ".join(command) if command else "the Docker SDK (no compose command here)"
    print(f"compose.yaml brought up by {runner}")
    try:
        project.up(timeout=300)
        urls = {s: f"http://127.0.0.1:{p}" for s, p in ports.items()}
        health = _wait_health(urls, 300, lambda: {s: project.logs(s)[-1500:] for s in PORTS})
        assert {h["database"] for h in health.values()} == {"postgresql"}, health
        for system in PORTS:
            project.wait_healthy(system, 60)  # the image's HEALTHCHECK agrees
        # The shared volume gives the three one issuer: records' token is accepted by custody.
        token = _token(urls["records"], "records:read")
        resp = requests.get(
            urls["custody"] + "/custody-records", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert resp.status_code == 403, resp.text  # known signature, wrong scope: not 401
    finally:
        project.down()
    left = docker_client.containers.list(
        all=True, filters={"label": f"com.docker.compose.project={project.name}"}
    )
    assert not left


@pytest.fixture
def conforming_suites() -> list[str]:
    suites = [s for s in ("contracts", "fuzz") if s in available_suites()]
    if not suites:
        pytest.skip("neither the contracts nor the fuzz suite is in this version")
    return suites


def test_our_simulator_in_a_container_conforms(
    simulator_image: str, conforming_suites: list[str], tmp_path: Path
) -> None:
    args = [
        "verify",
        "--role",
        "records",
        "--target",
        f"docker:{simulator_image}",
        "--container-port",
        "8101",
        "--env",
        f"INTEROP_POPULATION={POPULATION}",
        "--startup-timeout",
        "180",
        "--report-dir",
        str(tmp_path),
        "--max-examples",
        "5",
        "--max-time",
        "60",
        "--seed",
        "1",
    ]
    for suite in conforming_suites:
        args += ["--suite", suite]
    r = run_cli(*args, timeout=900)
    doc = json.loads((tmp_path / "report.json").read_text()) if (tmp_path / "report.json").exists() else {}
    assert r.returncode == 0, (r.stderr[-2000:], doc.get("findings", [])[:5])
    assert doc["verdict"] == "pass" and {s["name"] for s in doc["suites"]} == set(conforming_suites)
    assert "records listening on http://0.0.0.0:8101" in (tmp_path / LOG_FILE).read_text()
