"""A product in a container as the observed driver: `interop observe --run "docker:IMAGE [COMMAND...]"`.

The container gets the product's environment (INTEROP_CLIENT_ID, INTEROP_CLIENT_SECRET,
INTEROP_TOKEN_URL, INTEROP_<ROLE>_URL, INTEROP_ACTIONS_FILE) with URLs it can reach, runs to its
end (or the time limit), and its output is kept in driver.log. Networking as for `docker:`
targets (docs/docker.md): on Docker's bridge (the default) the reference systems listen on the
host's gateway address and the container reaches them as `host.docker.internal`; with
`INTEROP_DOCKER_NETWORK=host` they stay on 127.0.0.1, which the container shares.
The actions file is written inside the container at /interop/actions.ndjson, a bind mount of the
report folder's file.
"""

from __future__ import annotations

import os
import shlex
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from harness.docker_target import (
    GATEWAY_NAME,
    LABEL,
    LABEL_HOST,
    LABEL_PID,
    NETWORKS,
    docker_client,
    find_image,
    host_gateway_address,
    remove_keeping_logs,
)
from harness.errors import InteropError

PREFIX = "docker:"
ACTIONS_IN_CONTAINER = "/interop/actions.ndjson"


@dataclass(frozen=True)
class ContainerDriver:
    image: str
    command: list[str] | None  # None: the image's own command
    network: str  # "bridge" or "host"


def parse_container(run: str | None) -> ContainerDriver | None:
    """`docker:IMAGE [COMMAND...]` -> the driver; anything else (a shell command) -> None."""
    if not run or not run.startswith(PREFIX):
        return None
    try:
        words = shlex.split(run[len(PREFIX) :])
    except ValueError as exc:
        raise InteropError(f"--run {run!r}: {exc}") from None
    if not words:
        raise InteropError("--run docker: needs an image, e.g. --run docker:acme/app:1.2")
    network = (os.environ.get("INTEROP_DOCKER_NETWORK") or "bridge").strip().lower()
    if network not in NETWORKS:
        raise InteropError(f"INTEROP_DOCKER_NETWORK must be one of {', '.join(NETWORKS)}; got {network!r}")
    return ContainerDriver(words[0], words[1:] or None, network)


def listen_address(driver: ContainerDriver) -> str:
    """Where the reference systems must listen for the container to reach them."""
    return "127.0.0.1" if driver.network == "host" else host_gateway_address(docker_client())


def inside(env: dict[str, str], driver: ContainerDriver) -> dict[str, str]:
    """The product's environment as the container must see it: URLs through the gateway name."""
    out = dict(env)
    for key, value in env.items():
        if key.endswith("_URL") and driver.network == "bridge":
            parts = urlsplit(value)
            if parts.hostname:
                netloc = f"{GATEWAY_NAME}:{parts.port}" if parts.port else GATEWAY_NAME
                out[key] = urlunsplit(parts._replace(netloc=netloc))
    if "INTEROP_ACTIONS_FILE" in out:
        out["INTEROP_ACTIONS_FILE"] = ACTIONS_IN_CONTAINER
    return out


def run_container(
    driver: ContainerDriver, env: dict[str, str], log_path: Path, timeout: float | None
) -> int | None:
    """Run the container to its end (or `timeout`, or Ctrl-C): its exit status, None if stopped.
    Its output goes to `log_path`; it is always removed."""
    client = docker_client()
    find_image(client, driver.image, pull=os.environ.get("INTEROP_DOCKER_PULL") == "1")
    actions = Path(env.get("INTEROP_ACTIONS_FILE") or log_path.with_name("actions.ndjson"))
    actions.touch()
    options: dict[str, Any] = {
        "name": f"interop-observed-{uuid.uuid4().hex[:10]}",
        "labels": {LABEL: "1", LABEL_PID: str(os.getpid()), LABEL_HOST: socket.gethostname()},
        "environment": inside(env, driver),
        "volumes": {str(actions.resolve()): {"bind": ACTIONS_IN_CONTAINER, "mode": "rw"}},
        "detach": True,
    }
    if driver.network == "host":
        options["network_mode"] = "host"
        options["extra_hosts"] = {GATEWAY_NAME: "127.0.0.1"}
    else:
        options["extra_hosts"] = {GATEWAY_NAME: "host-gateway"}
    if driver.command:
        options["command"] = driver.command
    try:
        container = client.containers.run(driver.image, **options)
    except Exception as exc:  # the SDK's APIError, ImageNotFound, ...
        raise InteropError(f"--run docker:{driver.image}: the container could not start: {exc}") from None
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            container.reload()
            if container.status in ("exited", "dead"):
                return int(container.attrs.get("State", {}).get("ExitCode", 0))
            if deadline is not None and time.monotonic() >= deadline:
                return None
            time.sleep(0.2)
    except KeyboardInterrupt:
        return None
    finally:
        remove_keeping_logs(container, log_path)
