"""The deployment files that cannot read the registry at run time (compose.yaml, the Dockerfile's
EXPOSE) agree with it; the image's entry point asks the registry (`python -m simulators.core.registry`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from simulators.core import registry

REPO = Path(__file__).resolve().parents[2]


def test_compose_runs_one_service_per_system_on_its_port() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = {name: s for name, s in compose["services"].items() if name != "postgres"}
    assert list(services) == list(registry.BUILT_IN)
    env = compose["x-simulator"]["environment"]
    for system in registry.systems():
        if system.name not in registry.BUILT_IN:
            continue
        service = services[system.name]
        assert service["command"] == [system.name]
        port = f"INTEROP_{system.name.upper()}_PORT:-{system.port}" + "}" + f":{system.port}"
        assert service["ports"][0].endswith(port)
        assert env[f"INTEROP_{system.name.upper()}_URL"] == f"http://{system.name}:{system.port}"


def test_the_image_exposes_every_port() -> None:
    exposed = re.search(r"^EXPOSE (.+)$", (REPO / "Dockerfile").read_text(), re.MULTILINE)
    assert exposed is not None
    assert [int(p) for p in exposed[1].split()] == [registry.get(s).port for s in registry.BUILT_IN]


def _registry_cli(*args: str, modules: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, registry.PLUGINS_ENV: modules}
    return subprocess.run(
        [sys.executable, "-m", "simulators.core.registry", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )


def test_the_entry_point_reads_the_registry() -> None:
    script = (REPO / "deploy" / "entrypoint.sh").read_text()
    assert "python -m simulators.core.registry" in script
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"\b81\d\d\b|\brecords\b|\bcustody\b", code)
    assert _registry_cli("names").stdout.split() == ["records", "custody", "intelligence"]
    assert _registry_cli("ports").stdout.split() == ["8101", "8102", "8103"]
    assert _registry_cli("has", "bash").returncode == 1
    assert _registry_cli("nonsense").returncode == 2
    broken = _registry_cli("names", modules="no_such_module")
    assert broken.returncode == 2 and broken.stderr.strip().splitlines() == [
        "INTEROP_SYSTEM_MODULES: cannot import 'no_such_module': No module named 'no_such_module'"
    ]
    # A system registered outside the repository, named the way `interop up` names it to children.
    plugin = _registry_cli("port", "evidence", modules="tests.registry.evidence_plugin")
    assert plugin.returncode == 0 and plugin.stdout.strip() == "8104"
