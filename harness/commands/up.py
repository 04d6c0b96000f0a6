"""`interop up`: start the simulators on their ports and stay in the foreground until Ctrl-C."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.cli_values import POPULATION_MAX, PORT_MAX, PORT_MIN, SEED_MAX, PathValue, TextValue
from harness.ecosystem import Ecosystem, EcosystemSpec, parse_systems
from harness.errors import InteropError
from simulators.core.auth import VENDOR_CLIENT, Issuer, load_clients
from simulators.core.config import DEFAULT_PORTS, SYSTEMS, default_home

console = Console(stderr=True)
WORKERS_MAX = 16


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
    workers: int = 1,
) -> EcosystemSpec:
    ext = parse_pairs(external, "--external")
    for role, url in ext.items():
        _check_url(url, f"--external {role}")
    chosen = tuple(s for s in parse_systems(systems) if s not in ext)
    if not chosen:
        raise InteropError("nothing to start: --systems names no system that is not --external")
    ports = dict(DEFAULT_PORTS)
    if base_port is not None:
        ports = {s: base_port + i for i, s in enumerate(SYSTEMS)}
    if population < 1:
        raise InteropError("--population must be at least 1")
    if defect_rate is not None and not 0 <= defect_rate <= 1:
        raise InteropError("--defect-rate must be between 0 and 1")
    if base_port is not None and base_port + len(SYSTEMS) - 1 > PORT_MAX:
        raise InteropError(
            f"--base-port {base_port} leaves no room for {len(SYSTEMS)} ports below {PORT_MAX + 1}"
        )
    if db is not None:
        check_db_syntax(db)
    if not 1 <= workers <= WORKERS_MAX:
        raise InteropError(f"--workers must be from 1 to {WORKERS_MAX}")
    if workers > 1:
        from simulators.serve import choose_server

        if choose_server("auto") != "granian":
            raise InteropError("--workers above 1 needs the granian server: pip install granian")
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
        workers=workers,
    )


def _check_url(url: str, what: str) -> None:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in url):
        raise InteropError(f"{what}: expected an http(s)://host:port URL; got {url!r}")


def check_db_syntax(url: str) -> None:
    """Refuse a database URL that cannot work before anything starts (connecting comes later)."""
    from simulators.core.db import DatabaseError, make_engine

    try:
        make_engine(url).dispose()
    except DatabaseError as exc:
        raise InteropError(f"bad --db: {exc}") from exc
    except OSError as exc:  # an SQLite file whose folder cannot be created
        raise InteropError(f"bad --db: cannot create the folder of {url!r}: {exc.strerror or exc}") from exc


def register(app: typer.Typer) -> None:
    @app.command("up")
    def up(
        systems: str | None = typer.Option(
            None,
            "--systems",
            parser=TextValue("--systems"),
            help="Comma-separated systems (default: all).",
        ),
        seed: int = typer.Option(
            1, "--seed", min=0, max=SEED_MAX, help="Population seed (same seed, same world)."
        ),
        population: int = typer.Option(
            2000, "--population", min=1, max=POPULATION_MAX, help="Number of people in the world."
        ),
        defect_rate: float | None = typer.Option(
            None, "--defect-rate", min=0.0, max=1.0, help="Data-quality defect rate 0..1."
        ),
        db: str | None = typer.Option(
            None,
            "--db",
            parser=TextValue("a database URL"),
            help="Database URL (default: SQLite files in --home).",
        ),
        home: Path | None = typer.Option(
            None,
            "--home",
            parser=PathValue("dir", must_exist=False),
            help="State folder (INTEROP_HOME, default ./.interop).",
        ),
        base_port: int | None = typer.Option(
            None,
            "--base-port",
            min=PORT_MIN,
            max=PORT_MAX,
            help=", ".join(f"{s} N+{i}" if i else f"{s} on N" for i, s in enumerate(SYSTEMS)) + ".",
        ),
        external: list[str] | None = typer.Option(
            None, "--external", help="ROLE=URL: a product playing ROLE; the others call it instead."
        ),
        quirks: list[str] | None = typer.Option(
            None, "--quirks", help="SYSTEM=q1,q2: play a non-conformant vendor product (see docs/quirks.md)."
        ),
        console_port: int = typer.Option(
            8100,
            "--console-port",
            min=PORT_MIN,
            max=PORT_MAX,
            help="Port of the web console (docs/console.md).",
        ),
        no_console: bool = typer.Option(False, "--no-console", help="Do not serve the web console."),
        workers: int = typer.Option(
            1,
            "--workers",
            min=1,
            max=WORKERS_MAX,
            help="Server processes per system, behind its one port (they share its state).",
        ),
        console_host: str = typer.Option(
            "127.0.0.1",
            "--console-host",
            parser=TextValue("a host address"),
            help="Address the console listens on; any but loopback needs --console-password.",
        ),
        console_password: str | None = typer.Option(
            None,
            "--console-password",
            envvar="INTEROP_CONSOLE_PASSWORD",
            parser=TextValue("a password"),
            help="Password (or bearer token) the console asks for; required off loopback.",
        ),
    ) -> None:
        """Start every simulator (or --systems) with a seeded population; Ctrl-C stops them all."""
        spec = spec_from_options(
            systems, seed, population, db, home, base_port, external, defect_rate, quirks, workers
        )
        console_settings = None
        if not no_console:
            from harness.console.settings import ConsoleSettings

            console_settings = ConsoleSettings(
                systems={s: spec.url(s) for s in spec.systems},
                home=spec.home,
                host=console_host,
                port=console_port,
                password=console_password,
                seed=seed,
                population=population,
            )
            console_settings.preflight()  # off loopback without a password, or a busy port
        from harness.consumer.client import product_client, product_env

        product = product_client(spec.home)  # the product under test's own client (docs/consumers.md)
        spec.extra_env.setdefault("INTEROP_CLIENTS_FILE", str(product.clients_file))
        eco = Ecosystem(spec)
        stopping = {"now": False}
        web = None

        def _stop(_signum: int, _frame: Any) -> None:
            stopping["now"] = True

        with console.status(f"starting {', '.join(spec.systems)} with {population} people (seed {seed})..."):
            eco.start()
        if console_settings is not None:
            from harness.console import ConsoleServer

            try:
                web = ConsoleServer(console_settings)
            except BaseException:
                eco.stop()
                raise
        old_term = signal.signal(signal.SIGTERM, _stop)
        old_int = signal.signal(signal.SIGINT, _stop)
        try:
            table = Table(title="interop ecosystem", show_lines=False)
            table.add_column("system")
            table.add_column("url")
            table.add_column("state")
            for system in SYSTEMS:
                if system in spec.systems:
                    table.add_row(system, escape(spec.url(system)), "[green]up[/]")
                elif system in spec.external:
                    table.add_row(system, escape(spec.url(system)), "external")
            console.print(table)
            # The business scopes of a product under test (the `vendor` client's), every system's.
            token = Issuer.from_key_file(spec.home / "issuer-key.json").issue(
                "interop-cli", list(load_clients()[VENDOR_CLIENT].scopes)
            )
            console.print("Token (1 h) for curl: [bold]export TOKEN=[/]" + token, soft_wrap=True)
            console.print(
                f'e.g. curl -H "Authorization: Bearer $TOKEN" {escape(spec.url(spec.systems[0]))}/health'
            )
            console.print("The product under test's client (its calls are judged by `interop observe`):")
            for key, value in product_env(product, {s: spec.url(s) for s in SYSTEMS}).items():
                console.print(f"  export {key}={escape(value)}", soft_wrap=True, highlight=False)
            if web is not None:
                console.print(f"Web console: [bold]{escape(web.url)}/[/]", soft_wrap=True)
                console.print(
                    f"The standard's reference site: [bold]{escape(web.url)}/standard/[/] "
                    "(`make site` builds it, API references included; else it is built on first visit)",
                    soft_wrap=True,
                )
            console.print("Press Ctrl-C to stop.")
            while not stopping["now"]:
                dead = [s for s, ok in eco.alive().items() if not ok]
                if dead:
                    raise InteropError(f"{dead[0]} simulator stopped unexpectedly: {eco.log_tail(dead[0])}")
                time.sleep(0.3)
        finally:
            console.print("stopping...")
            if web is not None:
                web.stop()
            eco.stop()
            signal.signal(signal.SIGTERM, old_term)
            signal.signal(signal.SIGINT, old_int)
        console.print("stopped.")
