"""`interop observe`: judge a product as a consumer of the reference systems (docs/consumers.md)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from harness.cli_values import POPULATION_MAX, SEED_MAX, TIMEOUT_MAX_S, PathValue, TextValue
from harness.engine.verdict import EXIT_CODES
from harness.verification import _check_peers, parse_peers
from simulators.core.config import default_home

stderr = Console(stderr=True)


def _announce(env: dict[str, str]) -> None:
    stderr.print("The product's environment (point it at the range with these):")
    for key, value in env.items():
        stderr.print(f"  {key}={escape(value)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    @app.command("observe")
    def observe_command(
        run: str | None = typer.Option(
            None,
            "--run",
            parser=TextValue("a command"),
            help="The vendor's driver: a shell command, or docker:IMAGE [COMMAND...] for a product in a "
            "container (docs/docker.md networking), run with INTEROP_CLIENT_ID, INTEROP_CLIENT_SECRET, "
            "INTEROP_TOKEN_URL, INTEROP_<ROLE>_URL and INTEROP_ACTIONS_FILE in its environment; judged "
            "when it ends.",
        ),
        duration: float | None = typer.Option(
            None,
            "--duration",
            min=1,
            max=TIMEOUT_MAX_S,
            help="Seconds to observe (with --run: the most the driver may take). Default: until "
            "the driver ends, or Ctrl-C.",
        ),
        peer: list[str] | None = typer.Option(
            None,
            "--peer",
            help="ROLE=URL of a running `interop up` (same --home) to use for ROLE (repeatable); "
            "roles not given are started here on free ports.",
        ),
        home: Path | None = typer.Option(
            None,
            "--home",
            parser=PathValue("dir", must_exist=False),
            help="State folder holding the product's client secret (INTEROP_HOME, default ./.interop).",
        ),
        report_dir: Path = typer.Option(
            Path("interop-report"),
            "--report-dir",
            parser=PathValue("dir", must_exist=False),
            help="Where reports are written.",
        ),
        population: int = typer.Option(
            200, "--population", min=1, max=POPULATION_MAX, help="People in the started systems' world."
        ),
        seed: int = typer.Option(1, "--seed", min=0, max=SEED_MAX, help="Population seed."),
        faults: Path | None = typer.Option(
            None,
            "--faults",
            parser=PathValue("file", must_exist=True),
            help="YAML fault plan applied to the reference systems while the product runs "
            "(docs/consumers.md); every system it touched is reset at the end.",
        ),
        write_pact: Path | None = typer.Option(
            None,
            "--write-pact",
            parser=PathValue("dir", must_exist=False),
            help="Write the Pact V4 file(s) the observed traffic implies here (check them with "
            "interop verify --role ROLE --pact FILE).",
        ),
        product_name: str | None = typer.Option(
            None, "--product", parser=TextValue("a product name"), help="The product's name, for the reports."
        ),
        product_version: str | None = typer.Option(
            None,
            "--product-version",
            parser=TextValue("a product version"),
            help="The product's version, for the reports.",
        ),
    ) -> None:
        """Judge a product's calls to the reference systems against the standard.

        Exit codes: 0 every call met the consumer duties; 1 an error finding (an invalid or
        undocumented call, an update without If-Match, a write to a merged-away nominal); 2 bad
        usage; 3 inconclusive (the product made no call with its client id).
        """
        from harness.consumer.faults import load_plan
        from harness.observe import observe

        plan = load_plan(faults) if faults is not None else None
        peers = parse_peers(peer)
        _check_peers("consumer", peers)
        if report_dir.exists() and not report_dir.is_dir():
            from harness.errors import InteropError

            raise InteropError(f"--report-dir {report_dir} exists and is not a directory")
        product = {k: v for k, v in {"name": product_name, "version": product_version}.items() if v}
        result = observe(
            report_dir=report_dir,
            home=(home or default_home()).resolve(),
            peers=peers,
            command=run,
            duration=duration,
            population=population,
            seed=seed,
            product=product,
            faults=plan,
            write_pact=write_pact,
            announce=_announce,
        )
        raise typer.Exit(EXIT_CODES[result.verdict])
