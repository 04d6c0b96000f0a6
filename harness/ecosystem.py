"""Start and stop the simulators as real servers in child processes (`interop up`, `interop demo`).

Each system runs `python -m simulators.serve` with its configuration in `INTEROP_*` variables; the
population is generated once here (cached on disk) before the children load it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import InteropError
from simulators.core import registry
from simulators.core.config import DEFAULT_PORTS, SYSTEMS
from simulators.core.db import Database, DatabaseError
from simulators.core.server import HealthTimeout, ServerStopped, port_in_use, wait_for_health


@dataclass
class EcosystemSpec:
    """What to start: which systems, where, with which world."""

    systems: tuple[str, ...] = field(default_factory=lambda: tuple(SYSTEMS))
    host: str = "127.0.0.1"
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    seed: int = 1
    population: int = 2000
    defect_rate: float | None = None
    db_url: str | None = None
    home: Path = field(default_factory=lambda: Path(os.environ.get("INTEROP_HOME", ".interop")).resolve())
    # Systems played by something else (a vendor product): role -> base URL. Not started.
    external: dict[str, str] = field(default_factory=dict)
    threads: int = 8
    # Server processes per system behind its one port (simulators/serve.py --workers).
    workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)

    def url(self, system: str) -> str:
        if system in self.external:
            return self.external[system].rstrip("/")
        return f"http://{self.host}:{self.ports[system]}"


def parse_systems(value: str | None) -> tuple[str, ...]:
    if not value:
        return tuple(SYSTEMS)
    names = tuple(s.strip() for s in value.split(",") if s.strip())
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise InteropError(f"unknown system {unknown[0]!r}; choose from {', '.join(SYSTEMS)}")
    return names


def check_db_url(url: str) -> None:
    """Fail fast (exit 2) on a database URL that cannot work."""
    from sqlalchemy import MetaData

    try:
        db = Database(url, MetaData())
        db.check()
        db.dispose()
    except DatabaseError as exc:
        raise InteropError(f"bad --db: {exc}") from exc


class Ecosystem:
    """Running simulators; use as a context manager so they always stop."""

    def __init__(self, spec: EcosystemSpec) -> None:
        self.spec = spec
        self.procs: dict[str, subprocess.Popen[str]] = {}
        self.logs: dict[str, Path] = {}

    def __enter__(self) -> Ecosystem:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def preflight(self) -> None:
        for system in self.spec.systems:
            port = self.spec.ports[system]
            if port_in_use(port, self.spec.host):
                raise InteropError(
                    f"port {port} ({system}) is already in use on {self.spec.host}; "
                    f"stop what is using it or choose other ports"
                )
        if self.spec.db_url:
            check_db_url(self.spec.db_url)

    def prepare_population(self, progress: Callable[[int], None] | None = None) -> Path:
        from simulators.population import PopulationSpec, ensure_population

        pspec = PopulationSpec(
            seed=self.spec.seed, people=self.spec.population, defect_rate=self.spec.defect_rate
        )
        return ensure_population(pspec, self.spec.home / "population")

    def _env(self, system: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "PACT_DO_NOT_TRACK": "true",
                "INTEROP_HOME": str(self.spec.home),
                "INTEROP_SEED": str(self.spec.seed),
                "INTEROP_POPULATION": str(self.spec.population),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.spec.defect_rate is not None:
            env["INTEROP_DEFECT_RATE"] = str(self.spec.defect_rate)
        if self.spec.db_url:
            env["INTEROP_DB"] = self.spec.db_url
        for other in SYSTEMS:
            env[f"INTEROP_{other.upper()}_URL"] = self.spec.url(other)
        env.update(registry.child_env())  # systems registered outside this repository
        env.update(self.spec.extra_env)
        return env

    def start(self, timeout: float = 120.0) -> None:
        self.preflight()
        self.spec.home.mkdir(parents=True, exist_ok=True)
        # Create the issuer key once, before children race for it.
        from simulators.core.auth import load_or_create_key

        load_or_create_key(self.spec.home / "issuer-key.json")
        if any(registry.get(s).uses_population for s in self.spec.systems):
            self.prepare_population()
        logdir = self.spec.home / "logs"
        logdir.mkdir(parents=True, exist_ok=True)
        for system in self.spec.systems:
            log_path = logdir / f"{system}.log"
            self.logs[system] = log_path
            cmd = [
                sys.executable,
                "-m",
                "simulators.serve",
                system,
                "--host",
                self.spec.host,
                "--port",
                str(self.spec.ports[system]),
                "--threads",
                str(self.spec.threads),
            ]
            if self.spec.workers != 1:
                cmd += ["--workers", str(self.spec.workers)]
            with open(log_path, "w") as log:
                self.procs[system] = subprocess.Popen(
                    cmd, env=self._env(system), stdout=log, stderr=subprocess.STDOUT, text=True
                )
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, timeout: float) -> None:
        """Until every system answers /health with 200 (they start in parallel, so one deadline)."""
        deadline = time.monotonic() + timeout
        systems = list(self.spec.systems)
        for i, system in enumerate(systems):
            try:
                wait_for_health(
                    self.spec.url(system),
                    max(0.0, deadline - time.monotonic()),
                    alive=lambda: all(proc.poll() is None for proc in self.procs.values()),
                    ok_only=True,
                    interval=0.2,
                )
            except ServerStopped:
                system, proc = next((s, p) for s, p in self.procs.items() if p.poll() is not None)
                tail = self.log_tail(system)
                raise InteropError(
                    f"{system} simulator exited at start (code {proc.returncode}): {tail}"
                ) from None
            except HealthTimeout:
                pending = [s for s in systems[i:] if not self._answers(s)]
                raise InteropError(
                    f"{', '.join(sorted(pending))} did not answer /health within {timeout:.0f}s"
                ) from None

    def _answers(self, system: str) -> bool:
        try:
            wait_for_health(self.spec.url(system), 0, ok_only=True)
        except HealthTimeout:
            return False
        return True

    def log_tail(self, system: str, lines: int = 3) -> str:
        path = self.logs.get(system)
        if not path or not path.exists():
            return ""
        tail = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()][-lines:]
        return " | ".join(tail)

    def alive(self) -> dict[str, bool]:
        return {s: p.poll() is None for s, p in self.procs.items()}

    def stop(self, timeout: float = 10.0) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()
