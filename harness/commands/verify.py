"""`interop verify`: test a product playing ROLE against the standard; write the reports."""

from __future__ import annotations

from pathlib import Path

import typer

from harness.auth import AuthConfig
from harness.cli_values import (
    BEARER_TOKEN,
    PORT_MAX,
    PORT_MIN,
    SEED_MAX,
    TIMEOUT_MAX_S,
    ChoiceValue,
    PathValue,
    TextValue,
    UrlValue,
)
from harness.contracts.pactfile import PactFileError, load_given_pact
from harness.engine.verdict import EXIT_CODES
from harness.errors import InteropError
from harness.load.options import (
    DURATION_MAX_S,
    RAMP_UP_MAX_S,
    RATE_MAX,
    REMOTE_WORKERS_MAX,
    USERS_MAX,
    WORKERS_MAX,
    load_options,
)
from harness.suites import SUITE_CLASSES
from harness.verification import parse_peers, run_verification
from simulators.core.config import SYSTEMS


def _parse_env(values: list[str] | None) -> dict[str, str]:
    out = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InteropError(f"--env must look like KEY=VALUE; got {item!r}")
        out[key] = value
    return out


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify(
        role: str = typer.Option(
            ...,
            "--role",
            parser=ChoiceValue(SYSTEMS),
            help=f"The role the product plays: {', '.join(SYSTEMS)}.",
        ),
        target: str | None = typer.Option(
            None, "--target", help="http(s)://host:port, cmd:<command with {port}>, or docker:<image>."
        ),
        suite: list[str] | None = typer.Option(
            None,
            "--suite",
            parser=ChoiceValue(SUITE_CLASSES.keys),
            help="contracts, fuzz, scenarios or rules (repeatable; default all of them); "
            "load (docs/load.md), consumer (docs/consumers.md) and portability (docs/portability.md) "
            "only when named.",
        ),
        report_dir: Path = typer.Option(
            Path("interop-report"),
            "--report-dir",
            parser=PathValue("dir", must_exist=False),
            help="Where reports are written.",
        ),
        token: str | None = typer.Option(
            None,
            "--token",
            parser=BEARER_TOKEN,
            help="Access token for the target (else client credentials at its /oauth/token).",
        ),
        client_id: str | None = typer.Option(
            None,
            "--client-id",
            parser=TextValue("a client id"),
            help="Client id at the target's token endpoint.",
        ),
        client_secret: str | None = typer.Option(
            None, "--client-secret", parser=TextValue("a client secret"), help="Client secret."
        ),
        max_examples: int | None = typer.Option(
            None, "--max-examples", min=1, max=100_000, help="Fuzz: examples per operation."
        ),
        seed: int | None = typer.Option(
            None, "--seed", min=0, max=SEED_MAX, help="Fuzz: seed (same seed, same run)."
        ),
        workers: int | None = typer.Option(
            None, "--workers", min=1, max=16, help="Fuzz: concurrent workers."
        ),
        max_time: float | None = typer.Option(
            None, "--max-time", min=1, max=TIMEOUT_MAX_S, help="Fuzz: time budget in seconds."
        ),
        state_url: str | None = typer.Option(
            None,
            "--state-url",
            parser=UrlValue("--state-url"),
            help="Contracts: the product's own provider-state endpoint.",
        ),
        pact: list[Path] | None = typer.Option(
            None,
            "--pact",
            parser=PathValue("file", must_exist=True),
            help="Contracts: verify this pact file (e.g. a "
            "vendor consumer's) instead of the standard's pacts.",
        ),
        container_port: int = typer.Option(
            8080,
            "--container-port",
            min=PORT_MIN,
            max=PORT_MAX,
            help="docker: the port the product listens on.",
        ),
        env: list[str] | None = typer.Option(
            None, "--env", help="docker: KEY=VALUE for the container (repeatable)."
        ),
        startup_timeout: float = typer.Option(
            60.0,
            "--startup-timeout",
            min=1,
            max=TIMEOUT_MAX_S,
            help="Seconds to wait for cmd:/docker: targets to answer.",
        ),
        auth: Path | None = typer.Option(
            None,
            "--auth",
            parser=PathValue("file", must_exist=True),
            help="YAML file: the product's own token URL, credentials or tokens per scope set, scope "
            "names, extra headers (docs/vendors.md). Without it the harness uses the local admin "
            "client at TARGET/oauth/token, which only our simulators accept.",
        ),
        peer: list[str] | None = typer.Option(
            None,
            "--peer",
            help="ROLE=URL: where the product's peer for ROLE runs (repeatable). Roles not given are "
            "played by reference simulators the harness starts; never whatever answers on 8101-8103.",
        ),
        product_name: str | None = typer.Option(
            None,
            "--product",
            parser=TextValue("a product name"),
            help="The product's name, as the reports should name it.",
        ),
        product_version: str | None = typer.Option(
            None,
            "--product-version",
            parser=TextValue("a product version"),
            help="The product's version, as the reports should name it.",
        ),
        rate: float | None = typer.Option(
            None, "--rate", min=0.1, max=RATE_MAX, help="Load: requests per second to ask for (docs/load.md)."
        ),
        users: int | None = typer.Option(
            None, "--users", min=1, max=USERS_MAX, help="Load: concurrent users keeping that rate."
        ),
        duration: float | None = typer.Option(
            None, "--duration", min=1, max=DURATION_MAX_S, help="Load: steady-state seconds (default 30)."
        ),
        ramp_up: float | None = typer.Option(
            None, "--ramp-up", min=0, max=RAMP_UP_MAX_S, help="Load: seconds to reach the users."
        ),
        service_levels: str | None = typer.Option(
            None,
            "--service-levels",
            help="Load: a YAML file of thresholds per operation, or KEY=VALUE pairs "
            "(p95=500,error_rate=0.01).",
        ),
        load_workers: int | None = typer.Option(
            None, "--load-workers", min=1, max=WORKERS_MAX, help="Load: local Locust worker processes."
        ),
        load_remote_workers: int | None = typer.Option(
            None,
            "--load-remote-workers",
            min=1,
            max=REMOTE_WORKERS_MAX,
            help="Load: workers on other hosts to wait for (python -m harness.load.worker).",
        ),
        load_master_bind: str | None = typer.Option(
            None,
            "--load-master-bind",
            help="Load: HOST:PORT the Locust master listens on for remote workers.",
        ),
    ) -> None:
        """Verify a product playing ROLE against the standard.

        Verdicts and exit codes: 0 CONFORMS; 1 DOES NOT CONFORM (error findings); 2 bad usage, target
        unreachable or credentials refused (one line on standard error); 3 INCONCLUSIVE (the harness
        could not judge what the role requires: credentials never accepted, operations never
        reached, required checks skipped; the report says what and why). A product needs no /_sim
        test-support endpoints and may have its own identity provider (--auth) and peers (--peer);
        see docs/vendors.md.
        """
        auth_config = AuthConfig.load(auth) if auth is not None else None
        peers = parse_peers(peer)
        product = {k: v for k, v in {"name": product_name, "version": product_version}.items() if v}
        options = {
            k: v
            for k, v in {
                "max_examples": max_examples,
                "seed": seed,
                "workers": workers,
                "max_time": max_time,
                "state_url": state_url,
                "pacts": [str(p) for p in pact] if pact else None,
            }.items()
            if v is not None
        }
        options.update(
            load_options(
                rate=rate,
                users=users,
                duration=duration,
                ramp_up=ramp_up,
                service_levels=service_levels,
                load_workers=load_workers,
                remote_workers=load_remote_workers,
                master_bind=load_master_bind,
            )
        )
        for p in pact or []:  # every given pact is read and checked before anything starts
            try:
                load_given_pact(p)
            except PactFileError as exc:
                raise InteropError(f"--pact: {exc}") from None
        if target is None:
            if not pact:
                raise InteropError(
                    "give --target (or --pact FILE to check a vendor pact against our reference simulator)"
                )
            from harness.reference import reference_target

            with reference_target(role) as ref_url:
                run = run_verification(
                    role, ref_url, suite or ["contracts"], report_dir, options=options, product=product
                )
        else:
            run = run_verification(
                role,
                target,
                list(suite or []),
                report_dir,
                token=token,
                client_id=client_id,
                client_secret=client_secret,
                auth=auth_config,
                options=options,
                startup_timeout=startup_timeout,
                container_port=container_port,
                env=_parse_env(env),
                peers=peers,
                product=product,
            )
        raise typer.Exit(EXIT_CODES[run.verdict])
