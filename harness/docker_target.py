"""`docker:IMAGE[:TAG]` targets: the product under test runs in a container we start and always remove.

The container is started through the Docker Engine API (the `docker` SDK, so no `docker` CLI is
needed) with its port published on 127.0.0.1 only, on a port the engine picks (no race for a free
port). The harness waits until it answers HTTP: a published port accepts connections (docker-proxy)
long before the product listens, so refused and reset connections are retried, and a container that
exits meanwhile is reported at once with its last log lines. Its logs are kept in the report
folder as `container.log`, and the container is removed however the run ends: findings, errors,
Ctrl-C or SIGTERM. A harness killed outright (SIGKILL) leaves its container behind; the next run
on the same host removes it (`reap_orphans`), because every container carries our labels.

Networking (docs/docker.md): by default the container is on Docker's bridge network, reachable by the
harness and the simulators at the published port, and it reaches services on the host through
`host.docker.internal` (the host gateway). With `network="host"` (`INTEROP_DOCKER_NETWORK=host`)
it shares the host's network: it listens on 127.0.0.1:<container port> and reaches `interop up`'s
simulators at 127.0.0.1:8101-8103 like any local process; `host.docker.internal` then means 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal

import requests

from harness.errors import InteropError
from harness.target import Target
from simulators.core.server import HealthTimeout, ServerStopped, port_in_use, wait_for_health

if TYPE_CHECKING:  # the SDK is imported lazily: only docker: targets need it
    from docker import DockerClient
    from docker.models.containers import Container

LABEL = "org.interop.harness"  # every container we start has it; tests assert none is left
LABEL_PID = "org.interop.harness.pid"
LABEL_HOST = "org.interop.harness.host"
LOG_FILE = "container.log"
GATEWAY_NAME = "host.docker.internal"
NETWORKS = ("bridge", "host")
TAIL_LINES = 5


def _one_line(text: object, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def docker_client(timeout: float = 60.0) -> DockerClient:
    """A client for the engine at DOCKER_HOST (or the local socket); no engine -> InteropError."""
    try:
        import docker
        from docker.errors import DockerException
    except ImportError as exc:
        raise InteropError("docker: targets need the docker Python SDK (pip install docker)") from exc
    try:
        client = docker.from_env(timeout=int(timeout))
        client.ping()
    except DockerException as exc:
        where = os.environ.get("DOCKER_HOST") or "the local socket"
        raise InteropError(
            f"no Docker engine answers at {where}: {_one_line(exc, 160)} (start Docker, or set DOCKER_HOST)"
        ) from None
    return client


def split_image(ref: str) -> tuple[str, str]:
    """`repo[:tag][@digest]` -> (repo, tag); a colon in a registry's host:port is not a tag."""
    if "@" in ref:
        return ref, ""
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :]
    return ref, "latest"


def find_image(client: DockerClient, image: str, pull: bool = False) -> Any:
    """The local image; a registry is asked only when the user said so (`pull`)."""
    from docker.errors import APIError, ImageNotFound

    try:
        return client.images.get(image)
    except ImageNotFound:
        if not pull:
            raise InteropError(
                f"image {image} is not on this machine: build or load it first (docker build, "
                f"docker load), or allow a pull (INTEROP_DOCKER_PULL=1)"
            ) from None
    except APIError as exc:
        raise InteropError(f"cannot inspect image {image}: {_one_line(exc.explanation or exc)}") from None
    repo, tag = split_image(image)
    try:
        return client.images.pull(repo, tag=tag or None)
    except APIError as exc:
        raise InteropError(f"cannot pull image {image}: {_one_line(exc.explanation or exc)}") from None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans(client: DockerClient) -> list[str]:
    """Remove containers left by harness runs on this host that were killed outright; their names.

    Best effort: never a reason to fail the run that is starting.
    """
    removed: list[str] = []
    host = socket.gethostname()
    try:
        found = client.containers.list(
            all=True, sparse=True, ignore_removed=True, filters={"label": [LABEL, f"{LABEL_HOST}={host}"]}
        )
    except Exception:
        return removed
    for container in found:
        pid = str((container.attrs.get("Labels") or {}).get(LABEL_PID, ""))
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            with contextlib.suppress(Exception):
                container.remove(force=True, v=True)
                removed.append(str(container.attrs.get("Names", [container.id])[0]).lstrip("/"))
    return removed


def host_gateway_address(client: DockerClient) -> str:
    """The host's address on Docker's default bridge: what `host.docker.internal` means in a container.

    Services a bridged container must reach (simulators) listen here (or on 0.0.0.0); on
    127.0.0.1 they are invisible from inside a container.
    """
    import ipaddress

    ipam = client.networks.get("bridge").attrs.get("IPAM") or {}
    for config in ipam.get("Config") or []:
        if config.get("Gateway"):
            return str(config["Gateway"])
        if config.get("Subnet"):  # the engine takes the subnet's first address when none is given
            return str(next(ipaddress.ip_network(config["Subnet"], strict=False).hosts()))
    raise InteropError("Docker's bridge network has no gateway address; use the host network instead")


def container_logs(container: Container, tail: int | Literal["all"] = "all") -> str:
    try:
        return container.logs(stdout=True, stderr=True, tail=tail).decode("utf-8", errors="replace")
    except Exception:  # the container may be gone already; logs are a courtesy
        return ""


def _tail(text: str, lines: int = TAIL_LINES) -> str:
    kept = [ln.strip() for ln in text.splitlines() if ln.strip()][-lines:]
    return _one_line(" | ".join(kept), 400)


def _state(container: Container) -> dict[str, Any]:
    """The container's State (reloading its attributes); a removed container is not running."""
    from docker.errors import NotFound

    try:
        container.reload()
    except NotFound:
        return {"Running": False, "Removed": True}
    return dict(container.attrs.get("State") or {})


def _published_port(container: Container, container_port: int, image: str, timeout: float = 10.0) -> int:
    """The host port the engine chose for `container_port` (known once the container runs)."""
    deadline = time.monotonic() + timeout
    while True:
        state = _state(container)  # reloads attrs too
        bindings = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
        for binding in bindings.get(f"{container_port}/tcp") or []:
            if binding.get("HostPort"):
                return int(binding["HostPort"])
        if not state.get("Running"):
            raise _exited_error(container, image)
        if time.monotonic() > deadline:
            raise InteropError(f"the engine published no port for {container_port}/tcp of {container.name}")
        time.sleep(0.1)


def _exited_error(container: Container, image: str) -> InteropError:
    state = _state(container)
    code = state.get("ExitCode")
    reason = f"exited with code {code}"
    if state.get("OOMKilled"):
        reason = "was killed for lack of memory"
    elif state.get("Removed"):
        reason = "was removed by someone else"
    tail = _tail(container_logs(container, tail=50))
    logs = f"; last log lines: {tail}" if tail else "; it wrote no log output"
    return InteropError(f"container {container.name} from {image} {reason} before it answered HTTP{logs}")


@contextmanager
def _signals_become_exceptions() -> Iterator[None]:
    """SIGTERM raises SystemExit (as Ctrl-C raises KeyboardInterrupt), so `finally` removes the container.

    Python's default SIGTERM ends the process without running `finally`. Only in the main thread
    (signal handlers cannot be set elsewhere); the old handler is restored afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _term(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, _term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextmanager
def _deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C/SIGTERM while cleaning up; re-raise the first one afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def _hold(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    old_int = signal.signal(signal.SIGINT, _hold)
    old_term = signal.signal(signal.SIGTERM, _hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
    if received:
        if received[0] == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + received[0])


def remove_keeping_logs(container: Container, log_path: Path) -> None:
    """Keep the logs, then remove the container (force: it may still run).

    Never raises (the run's own outcome matters more); says so on stderr if the container stays.
    """
    from docker.errors import NotFound

    with contextlib.suppress(OSError):
        log_path.write_text(container_logs(container))
    for attempt in range(3):
        try:
            container.remove(force=True, v=True)
            return
        except NotFound:
            return
        except Exception as exc:
            if attempt == 2:
                print(
                    f"interop: warning: could not remove container {container.name} ({_one_line(exc, 120)}); "
                    f"remove it with: docker rm -f {container.name}",
                    file=sys.stderr,
                )
                return
            time.sleep(0.5)


@contextmanager
def docker_target(
    raw: str,
    image: str,
    *,
    report_dir: Path,
    startup_timeout: float = 60.0,
    container_port: int = 8080,
    env: dict[str, str] | None = None,
    network: str | None = None,
    pull: bool | None = None,
) -> Iterator[Target]:
    """Run `image` for the duration of the block and yield where it answers.

    `network`: "bridge" (default; port published on 127.0.0.1) or "host" (Linux; the product
    listens on 127.0.0.1:`container_port` itself); default from INTEROP_DOCKER_NETWORK.
    `pull`: ask the image's registry when the image is not here (default INTEROP_DOCKER_PULL).
    """
    image = image.strip()
    if not image:
        raise InteropError("a docker: target needs an image, e.g. docker:vendor/custody:1.4")
    network = (network or os.environ.get("INTEROP_DOCKER_NETWORK") or "bridge").strip().lower()
    if network not in NETWORKS:
        raise InteropError(f"docker network must be one of {', '.join(NETWORKS)}; got {network!r}")
    if pull is None:
        pull = os.environ.get("INTEROP_DOCKER_PULL", "").lower() in ("1", "true", "yes")
    if not 0 < container_port < 65536:
        raise InteropError(f"--container-port must be 1-65535; got {container_port}")
    if network == "host" and port_in_use(container_port):
        raise InteropError(
            f"port {container_port} is already in use on this host; with the host network the "
            f"container listens on it itself: stop what uses it or choose --container-port"
        )

    from docker.errors import APIError, DockerException

    client = docker_client()
    log_path = report_dir / LOG_FILE
    container: Container | None = None
    try:
        with _signals_become_exceptions():
            try:
                try:
                    find_image(client, image, pull=bool(pull))
                    reap_orphans(client)
                    report_dir.mkdir(parents=True, exist_ok=True)
                    container = client.containers.create(
                        image, **_create_options(raw, env, network, container_port)
                    )
                    container.start()
                    if network == "host":
                        host_port = container_port
                    else:
                        host_port = _published_port(container, container_port, image)
                    base = f"http://127.0.0.1:{host_port}"
                    _wait_until_ready(container, image, base, startup_timeout, container_port)
                except InteropError:
                    raise
                except APIError as exc:
                    reason = _one_line(exc.explanation or exc)
                    raise InteropError(f"the Docker engine could not run {image}: {reason}") from None
                except (DockerException, requests.RequestException) as exc:
                    reason = _one_line(exc, 200)
                    raise InteropError(f"lost the Docker engine while starting {image}: {reason}") from None
                yield Target(
                    raw,
                    base,
                    "docker",
                    {
                        "container": container.name,
                        "container_id": container.id,
                        "image": image,
                        "network": network,
                        "host_port": host_port,
                        "container_port": container_port,
                        "log": str(log_path),
                    },
                )
            finally:
                if container is not None:
                    with _deferred_interrupts():
                        remove_keeping_logs(container, log_path)
    finally:
        client.close()


def _create_options(
    raw: str, env: dict[str, str] | None, network: str, container_port: int
) -> dict[str, Any]:
    """How the container is created: our labels, its environment, its network and port."""
    options: dict[str, Any] = {
        "name": f"interop-target-{uuid.uuid4().hex[:10]}",
        "labels": {
            LABEL: "1",
            LABEL_PID: str(os.getpid()),
            LABEL_HOST: socket.gethostname(),
            f"{LABEL}.target": raw,
        },
        "environment": dict(env or {}),
        "detach": True,
    }
    if network == "host":
        options["network_mode"] = "host"
        options["extra_hosts"] = {GATEWAY_NAME: "127.0.0.1"}
    else:
        # ('127.0.0.1',): loopback only, host port chosen by the engine.
        options["ports"] = {f"{container_port}/tcp": ("127.0.0.1",)}
        options["extra_hosts"] = {GATEWAY_NAME: "host-gateway"}
    return options


def _wait_until_ready(
    container: Container, image: str, base: str, timeout: float, container_port: int
) -> None:
    try:
        # Any HTTP answer: a published port accepts TCP connections before the product listens.
        wait_for_health(base, timeout, alive=lambda: bool(_state(container).get("Running")))
    except ServerStopped:
        raise _exited_error(container, image) from None
    except HealthTimeout as exc:
        tail = _tail(container_logs(container, tail=50))
        logs = f"; last log lines: {tail}" if tail else "; it wrote no log output"
        said = f"{base} did not answer HTTP within {timeout:.0f}s ({exc.last})"
        raise InteropError(
            f"container {container.name} from {image} is running but {said}{logs} (is the product listening "
            f"on port {container_port} on all interfaces? see --container-port)"
        ) from None
