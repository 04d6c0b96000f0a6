"""`interop verify`: test a product playing ROLE against the standard; write the reports."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import typer

from harness.auth import AuthConfig, TargetTokens
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
from harness.engine import RunContext, VerificationRun
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
from harness.reports import default_writers
from harness.suites import SUITE_CLASSES, available_suites, load_suite
from harness.tap import TargetTap
from harness.targets import open_target
from simulators.core.config import SYSTEMS


def run_verification(
    role: str,
    target: str,
    suites: list[str],
    report_dir: Path,
    *,
    token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    auth: AuthConfig | None = None,
    options: dict | None = None,
    console: bool = True,
    startup_timeout: float = 60.0,
    container_port: int = 8080,
    env: dict[str, str] | None = None,
    peers: dict[str, str] | None = None,
    product: dict[str, str] | None = None,
    writers: list | None = None,
) -> VerificationRun:
    """Verify one target; returns the finished run (reports written).

    `writers` are fed every event besides the report writers (the web console's live run page).

    Every suite reaches the product through the tap (harness/tap.py), so what is read from it is
    bounded and every answer is seen by the domain oracle and the reach tally behind the verdict.
    """
    if role not in SYSTEMS:
        raise InteropError(f"unknown role {role!r}; choose from {', '.join(SYSTEMS)}")
    chosen = suites or available_suites()
    loaded = [load_suite(name) for name in chosen]  # fail on a bad suite name before starting anything
    _check_peers(role, peers or {})
    _prepare_report_dir(report_dir)
    with open_target(
        target,
        report_dir=report_dir,
        startup_timeout=startup_timeout,
        container_port=container_port,
        env={**_product_env(target, peers or {}), **(env or {})},
    ) as resolved:
        tokens = TargetTokens(
            resolved.base_url, auth=auth, token=token, client_id=client_id, client_secret=client_secret
        )
        tokens.require()  # a product that refuses the harness's credentials: one line, exit 2
        with TargetTap(resolved.base_url, extra_headers=tokens.headers) as tap:
            ctx = RunContext(
                role=role,
                target=target,
                base_url=tap.url,
                target_url=resolved.base_url,
                tokens=tokens,
                report_dir=report_dir,
                options=dict(options or {}),
                peers=dict(peers or {}),
                product=dict(product or {}),
            )
            run = VerificationRun(
                ctx,
                default_writers(report_dir, console=console) + list(writers or []),
                tap=tap,
                observers=_observers(role),
            )
            for suite in loaded:
                run.run_suite(suite)
            run.finish()
    return run


def _product_env(target: str, peers: dict[str, str]) -> dict[str, str]:
    """A cmd:/docker: product's own client and its given peers' URLs (docs/consumers.md)."""
    if not target.startswith(("cmd:", "docker:")):
        return {}
    from harness.consumer.client import product_client, product_env
    from simulators.core.config import default_home

    return product_env(product_client(default_home().resolve()), peers)


def _observers(role: str) -> list:
    """The domain oracle, judging every answer of every suite against the standard's rules."""
    try:
        from harness.oracle import DomainOracle
    except ImportError:  # pragma: no cover - the oracle ships with the harness
        return []
    return [DomainOracle(role)]


def _prepare_report_dir(report_dir: Path) -> None:
    if report_dir.exists() and not report_dir.is_dir():
        raise InteropError(f"--report-dir {report_dir} exists and is not a directory")
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InteropError(f"--report-dir {report_dir} cannot be created: {exc.strerror or exc}") from None


def _check_peers(role: str, peers: dict[str, str]) -> None:
    for peer_role, url in peers.items():
        if peer_role not in SYSTEMS:
            raise InteropError(f"--peer: unknown role {peer_role!r}; choose from {', '.join(SYSTEMS)}")
        if peer_role == role:
            raise InteropError(f"--peer {peer_role}: that is the role under test; give it with --target")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InteropError(f"--peer {peer_role}: expected an http(s)://host:port URL; got {url!r}")


def parse_peers(values: list[str] | None) -> dict[str, str]:
    """`--peer ROLE=URL` (repeatable) as a mapping; also used by `interop scenario run`."""
    out: dict[str, str] = {}
    for item in values or []:
        peer_role, sep, url = item.partition("=")
        if not sep or not peer_role or not url:
            raise InteropError(
                f"--peer must look like ROLE=URL (e.g. records=http://host:8101); got {item!r}"
            )
        if peer_role in out:
            raise InteropError(f"--peer {peer_role} given twice")
        out[peer_role] = url.rstrip("/")
    return out


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
            "load (docs/load.md) and consumer (docs/consumers.md) only when named.",
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
