"""`docker compose up` / `down -v` for compose.yaml through the Docker SDK.

`docker compose` (v2) is not packaged for every machine the tests run on (Debian 12 has only the
old v1), so the slow test reads compose.yaml itself and does what compose would with the parts
it uses: variable interpolation (`${VAR:-default}`), YAML merge keys, one network with the
service names as DNS aliases, named volumes, build args, published ports, health checks and
`depends_on: condition: service_healthy`. What it does not know, it refuses, so compose.yaml
cannot grow a feature that this runner silently ignores.
"""

from __future__ import annotations

import contextlib
import re
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


@dataclass
class ComposeProject:
    """compose.yaml as one project; `up()` then `down()` (always)."""

    client: Any
    file: Path
    variables: Mapping[str, str]
    name: str = field(default_factory=lambda: f"interop-test-{uuid.uuid4().hex[:8]}")
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
        container = self.containers[service]
        deadline = time.monotonic() + timeout
        while True:
            container.reload()
            state = container.attrs["State"]
            health = (state.get("Health") or {}).get("Status")
            if health == "healthy" or (health is None and state.get("Running")):
                return
            if not state.get("Running"):
                raise AssertionError(f"{service} exited: {self.logs(service)[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{service} not healthy after {timeout:.0f}s: {self.logs(service)[-2000:]}"
                )
            time.sleep(0.5)

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
