"""`interop up`: start the simulators on their ports and stay in the foreground until Ctrl-C."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from harness.ecosystem import Ecosystem, EcosystemSpec, parse_systems
from harness.errors import InteropError
from simulators.core.auth import Issuer
from simulators.core.config import DEFAULT_PORTS, SYSTEMS, default_home

console = Console(stderr=True)


def parse_pairs(values: list[str] | None, what: str) -> dict[str, str]:
    """`ROLE=VALUE` options -> dict, with a clear error for anything else."""
    out: dict[str, str] = {}
    for item in values or []:
        role, sep, value = item.partition("=")
        if not sep or not value or role not in SYSTEMS:
            raise InteropError(
                f"{what} must look like ROLE=VALUE with ROLE one of {', '.join(SYSTEMS)}; got {item!r}"
            )
        out[role] = value
    return out


def parse_quirks(values: list[str] | None) -> dict[str, str]:
    """`--quirks custody=dates-dmy,review-every-10h` -> env settings, validated against the catalogue."""
    from simulators.core.quirks import validate_names

    env: dict[str, str] = {}
    for system, names in parse_pairs(values, "--quirks").items():
        try:
            valid = validate_names(system, [n.strip() for n in names.split(",") if n.strip()])
        except ValueError as exc:
            raise InteropError(str(exc)) from exc
        env[f"INTEROP_{system.upper()}_QUIRKS"] = ",".join(valid)
    return env


def spec_from_options(
    systems: str | None,
    seed: int,
    population: int,
    db: str | None,
    home: Path | None,
    base_port: int | None,
    external: list[str] | None,
    defect_rate: float | None = None,
    quirks: list[str] | None = None,
) -> EcosystemSpec:
    ext = parse_pairs(external, "--external")
    chosen = tuple(s for s in parse_systems(systems) if s not in ext)
    ports = dict(DEFAULT_PORTS)
    if base_port is not None:
        ports = {s: base_port + i for i, s in enumerate(SYSTEMS)}
    if population < 1:
        raise InteropError("--population must be at least 1")
    if defect_rate is not None and not 0 <= defect_rate <= 1:
        raise InteropError("--defect-rate must be between 0 and 1")
    return EcosystemSpec(
        systems=chosen,
        ports=ports,
        seed=seed,
        population=population,
        db_url=db,
        home=(home or default_home()).resolve(),
        external=ext,
        defect_rate=defect_rate,
        extra_env=parse_quirks(quirks),
    )


def register(app: typer.Typer) -> None:
    @app.command("up")
    def up(
        systems: str | None = typer.Option(None, "--systems", help="Comma-separated systems (default: all)."),
        seed: int = typer.Option(1, "--seed", help="Population seed (same seed, same world)."),
        population: int = typer.Option(2000, "--population", help="Number of people in the world."),
        defect_rate: float | None = typer.Option(
            None, "--defect-rate", help="Data-quality defect rate 0..1."
        ),
        db: str | None = typer.Option(None, "--db", help="Database URL (default: SQLite files in --home)."),
        home: Path | None = typer.Option(
            None, "--home", help="State folder (INTEROP_HOME, default ./.interop)."
        ),
        base_port: int | None = typer.Option(
            None, "--base-port", help="records on N, custody N+1, intelligence N+2."
        ),
        external: list[str] | None = typer.Option(
            None, "--external", help="ROLE=URL: a product playing ROLE; the others call it instead."
        ),
        quirks: list[str] | None = typer.Option(
            None, "--quirks", help="SYSTEM=q1,q2: play a non-conformant vendor product (see docs/quirks.md)."
        ),
    ) -> None:
        """Start every simulator (or --systems) with a seeded population; Ctrl-C stops them all."""
        spec = spec_from_options(
            systems, seed, population, db, home, base_port, external, defect_rate, quirks
        )
        eco = Ecosystem(spec)
        stopping = {"now": False}

        def _stop(_signum: int, _frame: Any) -> None:
            stopping["now"] = True

        with console.status(f"starting {', '.join(spec.systems)} with {population} people (seed {seed})..."):
            eco.start()
        old_term = signal.signal(signal.SIGTERM, _stop)
        old_int = signal.signal(signal.SIGINT, _stop)
        try:
            table = Table(title="interop ecosystem", show_lines=False)
            table.add_column("system")
            table.add_column("url")
            table.add_column("state")
            for system in SYSTEMS:
                if system in spec.systems:
                    table.add_row(system, spec.url(system), "[green]up[/]")
                elif system in spec.external:
                    table.add_row(system, spec.url(system), "external")
            console.print(table)
            token = Issuer.from_key_file(spec.home / "issuer-key.json").issue(
                "interop-cli",
                [
                    "records:read",
                    "records:write",
                    "custody:read",
                    "custody:write",
                    "intelligence:read",
                    "intelligence:write",
                    "intelligence:indicator",
                ],
            )
            console.print("Token (1 h) for curl: [bold]export TOKEN=[/]" + token, soft_wrap=True)
            console.print(f'e.g. curl -H "Authorization: Bearer $TOKEN" {spec.url(spec.systems[0])}/health')
            console.print("Press Ctrl-C to stop.")
            while not stopping["now"]:
                dead = [s for s, ok in eco.alive().items() if not ok]
                if dead:
                    raise InteropError(f"{dead[0]} simulator stopped unexpectedly: {eco.log_tail(dead[0])}")
                time.sleep(0.3)
        finally:
            console.print("stopping...")
            eco.stop()
            signal.signal(signal.SIGTERM, old_term)
            signal.signal(signal.SIGINT, old_int)
        console.print("stopped.")
