"""`interop verify`: test a product playing ROLE against the standard; write the reports."""

from __future__ import annotations

from pathlib import Path

import typer

from harness.auth import TargetTokens
from harness.engine import RunContext, VerificationRun
from harness.errors import EXIT_FINDINGS, EXIT_OK, InteropError
from harness.reports import default_writers
from harness.suites import available_suites, load_suite
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
    options: dict | None = None,
    console: bool = True,
    startup_timeout: float = 60.0,
    container_port: int = 8080,
    env: dict[str, str] | None = None,
    peers: dict[str, str] | None = None,
) -> VerificationRun:
    """Verify one target; returns the finished run (reports written)."""
    if role not in SYSTEMS:
        raise InteropError(f"unknown role {role!r}; choose from {', '.join(SYSTEMS)}")
    chosen = suites or available_suites()
    loaded = [load_suite(name) for name in chosen]  # fail on a bad suite name before starting anything
    report_dir.mkdir(parents=True, exist_ok=True)
    with open_target(
        target, report_dir=report_dir, startup_timeout=startup_timeout, container_port=container_port, env=env
    ) as resolved:
        ctx = RunContext(
            role=role,
            target=target,
            base_url=resolved.base_url,
            tokens=TargetTokens(
                resolved.base_url, token=token, client_id=client_id, client_secret=client_secret
            ),
            report_dir=report_dir,
            options=dict(options or {}),
            peers=dict(peers or {}),
        )
        run = VerificationRun(ctx, default_writers(report_dir, console=console))
        for suite in loaded:
            run.run_suite(suite)
        run.finish()
    return run


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
        role: str = typer.Option(..., "--role", help=f"The role the product plays: {', '.join(SYSTEMS)}."),
        target: str | None = typer.Option(
            None, "--target", help="http(s)://host:port, cmd:<command with {port}>, or docker:<image>."
        ),
        suite: list[str] | None = typer.Option(
            None, "--suite", help="contracts, fuzz or scenarios (repeatable; default all)."
        ),
        report_dir: Path = typer.Option(
            Path("interop-report"), "--report-dir", help="Where reports are written."
        ),
        token: str | None = typer.Option(
            None, "--token", help="Access token for the target (else client credentials at its /oauth/token)."
        ),
        client_id: str | None = typer.Option(
            None, "--client-id", help="Client id at the target's token endpoint."
        ),
        client_secret: str | None = typer.Option(None, "--client-secret", help="Client secret."),
        max_examples: int | None = typer.Option(
            None, "--max-examples", min=1, help="Fuzz: examples per operation."
        ),
        seed: int | None = typer.Option(None, "--seed", help="Fuzz: seed (same seed, same run)."),
        workers: int | None = typer.Option(
            None, "--workers", min=1, max=16, help="Fuzz: concurrent workers."
        ),
        max_time: float | None = typer.Option(
            None, "--max-time", min=1, help="Fuzz: time budget in seconds."
        ),
        state_url: str | None = typer.Option(
            None, "--state-url", help="Contracts: the product's own provider-state endpoint."
        ),
        pact: list[Path] | None = typer.Option(
            None,
            "--pact",
            help="Contracts: verify this pact file (e.g. a "
            "vendor consumer's) instead of the standard's pacts.",
        ),
        container_port: int = typer.Option(
            8080, "--container-port", help="docker: the port the product listens on."
        ),
        env: list[str] | None = typer.Option(
            None, "--env", help="docker: KEY=VALUE for the container (repeatable)."
        ),
        startup_timeout: float = typer.Option(
            60.0, "--startup-timeout", help="Seconds to wait for cmd:/docker: targets to answer."
        ),
    ) -> None:
        """Verify a product playing ROLE against the standard; exit 0 conforms, 1 findings, 2 bad usage."""
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
        if pact:
            for p in pact:
                if not p.is_file():
                    raise InteropError(f"pact file {p} does not exist")
        if target is None:
            if not pact:
                raise InteropError(
                    "give --target (or --pact FILE to check a vendor pact against our reference simulator)"
                )
            from harness.reference import reference_target

            with reference_target(role) as ref_url:
                run = run_verification(role, ref_url, suite or ["contracts"], report_dir, options=options)
        else:
            run = run_verification(
                role,
                target,
                list(suite or []),
                report_dir,
                token=token,
                client_id=client_id,
                client_secret=client_secret,
                options=options,
                startup_timeout=startup_timeout,
                container_port=container_port,
                env=_parse_env(env),
            )
        raise typer.Exit(EXIT_OK if run.verdict == "pass" else EXIT_FINDINGS)
