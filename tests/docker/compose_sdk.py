"""`compose up` / `down -v` for compose.yaml: with the compose command, or through the Docker SDK.

`ComposeCli` runs the real thing, `docker compose` (v2) or Debian 12's `docker-compose` (v1;
.ci/docker.sh installs it). Where neither exists, `ComposeProject` reads compose.yaml itself and
does what compose would with the parts the file uses: variable interpolation (`${VAR:-default}`),
YAML merge keys, one network with the service names as DNS aliases, named volumes, build args,
published ports, health checks and `depends_on: condition: service_healthy`. What it does not
know, it refuses, so compose.yaml cannot grow a feature that this runner silently ignores.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KNOWN_SERVICE_KEYS = {
    "image",
    "build",
    "environment",
    "volumes",
    "depends_on",
    "command",
    "ports",
    "healthcheck",
}
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    return _VAR.sub(lambda m: variables.get(m.group(1)) or (m.group(2) or ""), text)


def _seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)?", str(value))
    assert match, f"unsupported duration {value!r}"
    number, unit = float(match.group(1)), match.group(2) or "s"
    return number / 1000 if unit == "ms" else number * (60 if unit == "m" else 1)


def _port_binding(spec: str) -> tuple[str, tuple[str, int]]:
    host_ip, host_port, container_port = spec.split(":")
    return f"{container_port}/tcp", (host_ip, int(host_port))


def wait_healthy(container: Any, service: str, timeout: float) -> None:
    """Until the container's health check passes (or it runs, when it has none)."""
    deadline = time.monotonic() + timeout
    while True:
        container.reload()
        state = container.attrs["State"]
        health = (state.get("Health") or {}).get("Status")
        if health == "healthy" or (health is None and state.get("Running")):
            return
        logs = container.logs().decode(errors="replace")[-2000:]
        if not state.get("Running"):
            raise AssertionError(f"{service} exited: {logs}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{service} not healthy after {timeout:.0f}s: {logs}")
        time.sleep(0.5)


def compose_command() -> list[str] | None:
    """`docker compose` (v2) or `docker-compose` (v1), whichever works here; None if neither."""
    for command in (["docker", "compose"], ["docker-compose"]):
        try:
            if subprocess.run([*command, "version"], capture_output=True, timeout=30).returncode == 0:
                return command
        except (OSError, subprocess.TimeoutExpired):
            continue
    return None


def _project_name() -> str:
    return f"interoptest{uuid.uuid4().hex[:8]}"


@dataclass
class ComposeCli:
    """compose.yaml brought up by the compose command itself, as a user would."""

    client: Any
    command: list[str]
    file: Path
    variables: Mapping[str, str]
    name: str = field(default_factory=_project_name)

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.command, "-p", self.name, "-f", str(self.file), *args],
            cwd=self.file.parent,
            env={**os.environ, **self.variables},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def up(self, timeout: float = 600.0) -> None:
        r = self._run("up", "-d", "--build", timeout=timeout)
        assert r.returncode == 0, (
            f"{' '.join(self.command)} up failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
        )

    def container(self, service: str) -> Any:
        labels = [f"com.docker.compose.project={self.name}", f"com.docker.compose.service={service}"]
        found = self.client.containers.list(all=True, filters={"label": labels})
        assert found, f"no container for {service}"
        return found[0]

    def wait_healthy(self, service: str, timeout: float) -> None:
        wait_healthy(self.container(service), service, timeout)

    def logs(self, service: str) -> str:
        try:
            return str(self.container(service).logs().decode(errors="replace"))
        except Exception:
            return ""

    def down(self) -> None:
        """`down -v`; if the command fails, the SDK removes what carries the project's label."""
        r = self._run("down", "-v", "--remove-orphans", timeout=180)
        if r.returncode != 0:
            label = {"label": f"com.docker.compose.project={self.name}"}
            for container in self.client.containers.list(all=True, filters=label):
                container.remove(force=True, v=True)
            for network in self.client.networks.list(filters=label):
                network.remove()
            for volume in self.client.volumes.list(filters=label):
                volume.remove(force=True)


@dataclass
class ComposeProject:
    """compose.yaml as one project; `up()` then `down()` (always)."""

    client: Any
    file: Path
    variables: Mapping[str, str]
    name: str = field(default_factory=_project_name)
    containers: dict[str, Any] = field(default_factory=dict)
    network: Any = None
    volumes: list[Any] = field(default_factory=list)
    built: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.doc = yaml.safe_load(interpolate(self.file.read_text(), self.variables))
        for service, spec in self.doc["services"].items():
            unknown = set(spec) - KNOWN_SERVICE_KEYS
            assert not unknown, f"compose_sdk does not implement {sorted(unknown)} (service {service})"

    @property
    def labels(self) -> dict[str, str]:
        return {"com.docker.compose.project": self.name, "org.interop.compose-test": "1"}

    def order(self) -> list[str]:
        done: list[str] = []

        def visit(service: str) -> None:
            for dep in self.doc["services"][service].get("depends_on", {}):
                visit(dep)
            if service not in done:
                done.append(service)

        for service in self.doc["services"]:
            visit(service)
        return done

    def build(self, spec: dict[str, Any], log: list[str]) -> str:
        tag = spec["image"]
        if tag in self.built:
            return tag
        context = (self.file.parent / spec["build"].get("context", ".")).resolve()
        args = {k: str(v) for k, v in (spec["build"].get("args") or {}).items()}
        image, output = self.client.images.build(
            path=str(context), tag=tag, buildargs=args, rm=True, forcerm=True
        )
        log.extend(str(chunk.get("stream", "")).rstrip() for chunk in output if chunk.get("stream"))
        self.built[tag] = image.id
        return tag

    def up(self, timeout: float = 600.0, build_log: list[str] | None = None) -> None:
        self.network = self.client.networks.create(f"{self.name}_default", labels=self.labels)
        for volume in self.doc.get("volumes") or {}:
            self.volumes.append(self.client.volumes.create(f"{self.name}_{volume}", labels=self.labels))
        for service in self.order():
            spec = self.doc["services"][service]
            for dep, cond in (spec.get("depends_on") or {}).items():
                assert cond.get("condition") == "service_healthy", cond
                self.wait_healthy(dep, timeout)
            image = (
                self.build(spec, build_log if build_log is not None else [])
                if "build" in spec
                else spec["image"]
            )
            options: dict[str, Any] = {
                "name": f"{self.name}-{service}-1",
                "labels": {**self.labels, "com.docker.compose.service": service},
                "environment": {k: str(v) for k, v in (spec.get("environment") or {}).items()},
                "detach": True,
                "network": self.network.name,
                "networking_config": {
                    self.network.name: self.client.api.create_endpoint_config(aliases=[service])
                },
            }
            if spec.get("command"):
                options["command"] = spec["command"]
            if spec.get("ports"):
                options["ports"] = dict(_port_binding(p) for p in spec["ports"])
            if spec.get("volumes"):
                options["volumes"] = {}
                for item in spec["volumes"]:
                    name, path = item.split(":", 1)
                    options["volumes"][f"{self.name}_{name}"] = {"bind": path, "mode": "rw"}
            if spec.get("healthcheck"):
                hc = spec["healthcheck"]
                options["healthcheck"] = {
                    "test": hc["test"],
                    "interval": int(_seconds(hc.get("interval", "30s")) * 1e9),
                    "timeout": int(_seconds(hc.get("timeout", "30s")) * 1e9),
                    "retries": int(hc.get("retries", 3)),
                }
            self.containers[service] = self.client.containers.run(image, **options)

    def wait_healthy(self, service: str, timeout: float) -> None:
        wait_healthy(self.containers[service], service, timeout)

    def logs(self, service: str) -> str:
        try:
            return self.containers[service].logs().decode(errors="replace")
        except Exception:
            return ""

    def down(self) -> None:
        """`docker compose down -v`: containers, network and volumes, whatever state they are in."""
        for container in reversed(list(self.containers.values())):
            with contextlib.suppress(Exception):
                container.remove(force=True, v=True)
        if self.network is not None:
            self.network.remove()
        for volume in self.volumes:
            volume.remove(force=True)
