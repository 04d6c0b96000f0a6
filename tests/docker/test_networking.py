"""How a product in a container and the simulators reach each other (docs/docker.md).

Both directions in each network mode: the product asks a real records simulator on the host for
/health (what a product calling the simulators does first), and the host (where the harness and
the simulators run) reads the answer back from the product through the container's port.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.docker_target import docker_target, host_gateway_address
from simulators.core.config import SimConfig
from simulators.core.server import ServerThread, free_port
from tests.docker.conftest import run_cli
from tests.docker.probe_suite import PROBE_TOKEN

pytestmark = [
    pytest.mark.docker,
    pytest.mark.usefixtures("no_container_left"),
]


def records_simulator(tmp_path: Path, host: str) -> ServerThread:
    config = SimConfig.for_system(
        "records", home=tmp_path, db_url=f"sqlite:///{tmp_path / 'records.db'}", population=20
    )
    return ServerThread(importlib.import_module("simulators.records").create_app(config), host=host)


@pytest.fixture
def simulator_on_loopback(tmp_path: Path) -> Iterator[ServerThread]:
    server = records_simulator(tmp_path, "127.0.0.1")
    yield server
    server.stop()
    server.app.extensions["interop"].close()


@pytest.fixture
def simulator_on_gateway(docker_client: Any, tmp_path: Path) -> Iterator[ServerThread]:
    server = records_simulator(tmp_path, host_gateway_address(docker_client))
    yield server
    server.stop()
    server.app.extensions["interop"].close()


def _both_ways(base_url: str) -> str:
    """What the product got from the simulator, read by the host from the product."""
    answer = requests.get(base_url + "/peer.txt", timeout=5).text
    assert answer.split("\r\n", 1)[0].endswith("200 OK"), answer
    return answer


def test_host_network_product_and_simulators_meet_on_loopback(
    test_image: str, simulator_on_loopback: ServerThread, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        "MODE": "fetch",
        "PEER_HOST": "127.0.0.1",
        "PEER_PORT": str(simulator_on_loopback.port),
        "PORT": str(port),
    }
    with docker_target(
        "docker:x", test_image, report_dir=tmp_path, network="host", container_port=port, env=env
    ) as t:
        assert t.base_url == f"http://127.0.0.1:{port}"
        assert '"system":"records"' in _both_ways(t.base_url)


def test_host_network_maps_host_docker_internal_to_loopback(
    test_image: str, simulator_on_loopback: ServerThread, tmp_path: Path
) -> None:
    # One product configuration (http://host.docker.internal:8101) works in both network modes.
    port = free_port()
    env = {
        "MODE": "fetch",
        "PEER_HOST": "host.docker.internal",
        "PEER_PORT": str(simulator_on_loopback.port),
        "PORT": str(port),
    }
    with docker_target(
        "docker:x", test_image, report_dir=tmp_path, network="host", container_port=port, env=env
    ) as t:
        assert '"system":"records"' in _both_ways(t.base_url)


def test_bridge_product_reaches_simulators_through_the_host_gateway(
    test_image: str, simulator_on_gateway: ServerThread, tmp_path: Path
) -> None:
    env = {"MODE": "fetch", "PEER_HOST": "host.docker.internal", "PEER_PORT": str(simulator_on_gateway.port)}
    with docker_target("docker:x", test_image, report_dir=tmp_path, env=env) as t:
        assert '"system":"records"' in _both_ways(t.base_url)


def test_bridge_product_cannot_see_a_simulator_on_loopback(
    test_image: str, simulator_on_loopback: ServerThread, tmp_path: Path
) -> None:
    # Why the docs say to bind the simulators to the gateway (or use the host network).
    env = {"MODE": "fetch", "PEER_HOST": "host.docker.internal", "PEER_PORT": str(simulator_on_loopback.port)}
    with docker_target("docker:x", test_image, report_dir=tmp_path, env=env) as t:
        answer = requests.get(t.base_url + "/peer.txt", timeout=5).text
        assert "200 OK" not in answer, answer


def test_host_network_refuses_a_busy_port(
    test_image: str, simulator_on_loopback: ServerThread, tmp_path: Path
) -> None:
    from harness.errors import InteropError

    with (
        pytest.raises(InteropError, match="already in use"),
        docker_target(
            "docker:x",
            test_image,
            report_dir=tmp_path,
            network="host",
            container_port=simulator_on_loopback.port,
        ),
    ):
        pass


def test_the_network_is_chosen_by_environment_through_the_command(test_image: str, tmp_path: Path) -> None:
    port = free_port()
    r = run_cli(
        "verify",
        "--role",
        "records",
        "--target",
        f"docker:{test_image}",
        "--suite",
        "probe",
        "--token",
        PROBE_TOKEN,
        "--container-port",
        str(port),
        "--env",
        f"PORT={port}",
        "--report-dir",
        str(tmp_path),
        env={"INTEROP_DOCKER_NETWORK": "host"},
    )
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert f"listening on {port}" in (tmp_path / "container.log").read_text()
