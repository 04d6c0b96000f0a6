"""`interop accept --profile force.yaml --out DIR`: a force's acceptance run, ending in an evidence pack."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from harness.cli_values import PathValue
from harness.engine.verdict import EXIT_CODES, LABELS
from harness.evidence.accept import rerun_command, run_acceptance
from harness.evidence.catalogue import load_catalogue
from harness.evidence.profile import load_profile

console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    @app.command("accept")
    def accept(
        profile: Path = typer.Option(
            ...,
            "--profile",
            parser=PathValue("file", must_exist=True),
            help="The acceptance profile (YAML; docs/examples/force.yaml, docs/evidence.md).",
        ),
        out: Path = typer.Option(
            Path("evidence-pack"),
            "--out",
            parser=PathValue("dir", must_exist=False),
            help="Folder for the evidence pack; the same files also go to OUT.zip.",
        ),
        key: Path | None = typer.Option(
            None,
            "--key",
            parser=PathValue("file", must_exist=True),
            help="Ed25519 private key (PEM) to sign the pack (default INTEROP_HOME/evidence-key.pem, "
            "created on first use).",
        ),
    ) -> None:
        """Run everything an acceptance profile asks for and write a signed evidence pack.

        Exit codes follow the profile's verdict: 0 accepted (every MUST requirement met), 1 not
        accepted, 2 bad profile or usage, unreachable target (one line), 3 inconclusive (MUST
        requirements could not be judged; the summary says which and why).
        """
        catalogue = load_catalogue()
        loaded = load_profile(profile, catalogue)
        done = run_acceptance(
            loaded,
            catalogue,
            out,
            key_path=key,
            rerun=rerun_command(str(profile), str(out), str(key) if key else None),
        )
        verdict = done.results["verdict"]
        colour = {"pass": "green", "fail": "red"}.get(verdict, "yellow")
        console.print(f"Acceptance verdict: [{colour}]{LABELS.get(verdict, verdict)}[/]")
        for reason in done.results["verdict_reasons"]:
            console.print(f"  - {escape(reason)}")
        console.print(f"Evidence pack: {escape(str(done.folder))} and {escape(str(done.archive))}")
        console.print(f"Board summary: {escape(str(done.folder / 'summary.html'))}")
        if done.pdf_note:
            console.print(escape(done.pdf_note))
        raise typer.Exit(EXIT_CODES[verdict])
