"""compose.scale.yaml: two replicas per system on one PostgreSQL behind the balancer.

Brought up with the compose command (skipped where there is none: the SDK runner in
compose_sdk.py does not know bind mounts). Checks that connections through the balancer reach
both replicas of a system and that the replicas show one system: a clock set through one is the
clock of the other, and the traffic log holds every exchange whichever replica answered it.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from simulators.core.server import free_port, port_in_use
from tests.docker.compose_sdk import ComposeCli, compose_command
from tests.docker.test_images import (  # noqa: F401 (fixtures)
    POPULATION,
    PORTS,
    REPO,
    _token,
    _wait_health,
    base_images,
    simulator_image,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def _fresh(method: str, url: str, **kw: Any) -> requests.Response:
    with requests.Session() as session:  # a new connection: the balancer picks the next replica
        return session.request(method, url, timeout=15, **kw)


def test_two_replicas_per_system_behind_the_balancer_share_one_state(
    docker_client: Any,
    base_images: dict[str, str],  # noqa: F811 (the fixture imported above)
    simulator_image: str,  # noqa: F811
) -> None:
    command = compose_command()
    if command is None:
        pytest.skip("no compose command (docker compose or docker-compose)")
    ports = {s: (p if not port_in_use(p) else free_port()) for s, p in PORTS.items()}
    stats_port = free_port()
    variables = {
        "POSTGRES_IMAGE": base_images["postgres"],
        "SIMULATORS_IMAGE": simulator_image,
        "INTEROP_POPULATION": POPULATION,
        "INTEROP_BALANCER_STATS_PORT": str(stats_port),
        **{f"INTEROP_{s.upper()}_PORT": str(p) for s, p in ports.items()},
    }
    project = ComposeCli(docker_client, command, REPO / "compose.scale.yaml", variables)
    try:
        project.up(timeout=600)
        urls = {s: f"http://127.0.0.1:{p}" for s, p in ports.items()}
        services = [f"{s}-{n}" for s in PORTS for n in (1, 2)]
        _wait_health(urls, 300, lambda: {s: project.logs(s)[-1500:] for s in services})
        records = urls["records"]
        assert _fresh("PUT", records + "/_sim/clock", json={"now": "2025-03-01T09:00:00Z", "frozen": True}).ok
        clocks = {_fresh("GET", records + "/_sim/clock").json()["now"] for _ in range(8)}
        assert clocks == {"2025-03-01T09:00:00+00:00"}
        assert _fresh("DELETE", records + "/_sim/traffic").status_code == 204
        headers = {"Authorization": f"Bearer {_token(records, 'records:read')}"}
        missing = [f"/nominals/00000000-0000-4000-8000-{n:012d}" for n in range(8)]
        for path in missing:
            assert _fresh("GET", records + path, headers=headers).status_code == 404
        time.sleep(0.5)  # the replicas' traffic writers gather for 50 ms before they write
        items = _fresh("GET", records + "/_sim/traffic?limit=100").json()["items"]
        assert set(missing) <= {i["path"] for i in items}, [i["path"] for i in items]
        given = requests.get(f"http://127.0.0.1:{stats_port}/", timeout=10).json()
        assert all(count > 0 for count in given["8101"].values()), given
        assert len(given["8101"]) == 2
    finally:
        project.down()
    left = docker_client.containers.list(
        all=True, filters={"label": f"com.docker.compose.project={project.name}"}
    )
    assert not left
