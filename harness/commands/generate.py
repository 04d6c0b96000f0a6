"""`interop generate`: write the seeded synthetic population to JSON Lines files, or in the
standard's bulk format (`--format bulk`, harness/bulk_world.py)."""

from __future__ import annotations

import math
import time
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.cli_values import POPULATION_MAX, SEED_MAX, ChoiceValue, PathValue
from harness.errors import InteropError

err_console = Console(stderr=True)
FORMATS = ("jsonl", "bulk")


def _reference_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InteropError(f"--reference-time must be ISO 8601 with an offset, got {value!r}") from exc
    if parsed.tzinfo is None:
        raise InteropError(
            f"--reference-time needs a UTC offset (e.g. 2026-06-01T00:00:00+00:00), got {value!r}"
        )
    return parsed


def check_options(population: int, defect_rate: float | None, out: Path) -> None:
    """Reject bad input with one clear line (the CLI turns InteropError into exit 2)."""
    if population < 0:
        raise InteropError(f"--population must be 0 or more, got {population}")
    if defect_rate is not None and (math.isnan(defect_rate) or not 0.0 <= defect_rate <= 1.0):
        raise InteropError(f"--defect-rate must be between 0 and 1, got {defect_rate}")
    if out.exists() and not out.is_dir():
        raise InteropError(f"--out {str(out)!r} is a file; give a directory")


def _write_bulk(seed: int, population: int, defect_rate: float | None, out: Path) -> None:
    """The seeded world in the bulk export format of each system (harness/bulk_world.py)."""
    from harness.bulk_world import write_bulk_world

    started = time.perf_counter()
    try:
        manifests = write_bulk_world(
            seed, population, defect_rate, out, on_system=lambda s: err_console.print(f"exporting {s}...")
        )
    except OSError as exc:
        raise InteropError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    table = Table(title=f"Bulk format: seed {seed}, {population} people", title_justify="left")
    table.add_column("system")
    table.add_column("type")
    table.add_column("lines", justify="right")
    for system, manifest in manifests.items():
        for entry in manifest["output"]:
            table.add_row(system, entry["type"], str(entry["count"]))
    Console().print(table)
    typer.echo(f"wrote {out} in {time.perf_counter() - started:.1f} s")


def register(app: typer.Typer) -> None:
    @app.command("generate")
    def generate(
        seed: int = typer.Option(
            1, "--seed", min=0, max=SEED_MAX, help="Population seed (same seed, same files)."
        ),
        population: int = typer.Option(
            2000, "--population", min=0, max=POPULATION_MAX, help="Number of people to generate."
        ),
        out: Path = typer.Option(
            ...,
            "--out",
            parser=PathValue("dir", must_exist=False),
            help="Directory to write <kind>.jsonl and manifest.json into.",
        ),
        defect_rate: float | None = typer.Option(
            None,
            "--defect-rate",
            min=0.0,
            max=1.0,
            help="Data-quality defect rate 0..1 for every defect kind (default: realistic rates; 0: clean).",
        ),
        reference_time: str | None = typer.Option(
            None,
            "--reference-time",
            help="The population's 'now' (ISO 8601 with offset; default 2026-06-01Z).",
        ),
        output_format: str = typer.Option(
            "jsonl",
            "--format",
            parser=ChoiceValue(FORMATS),
            help="jsonl: the generator's own files; bulk: the standard's bulk export format per system "
            "(<system>/<type>.ndjson and manifest.json), for a product's bulk import (docs/portability.md).",
        ),
    ) -> None:
        """Write the synthetic population (nominals, occurrences, custody, intelligence, defects) to files."""
        from simulators.population import KINDS, PopulationSpec, write_population

        check_options(population, defect_rate, out)
        if output_format == "bulk":
            if reference_time is not None:
                raise InteropError(
                    "--reference-time cannot be used with --format bulk "
                    "(the simulators' seeded world has the default)"
                )
            _write_bulk(seed, population, defect_rate, out)
            return
        ref = _reference_time(reference_time)
        try:
            spec = (
                PopulationSpec(seed=seed, people=population, defect_rate=defect_rate, reference_time=ref)
                if ref is not None
                else PopulationSpec(seed=seed, people=population, defect_rate=defect_rate)
            )
        except ValueError as exc:
            raise InteropError(str(exc)) from exc

        started = time.perf_counter()
        try:
            with Progress(
                TextColumn("[bold]generating[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("people"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            ) as bar:
                task = bar.add_task("people", total=population)
                manifest = write_population(spec, out, progress=lambda n: bar.update(task, completed=n))
        except OSError as exc:
            raise InteropError(f"cannot write to {out}: {exc.strerror or exc}") from exc
        elapsed = time.perf_counter() - started

        table = Table(title=f"Population: seed {seed}, {population} people", title_justify="left")
        table.add_column("kind")
        table.add_column("records", justify="right")
        for kind in KINDS:
            table.add_row(kind, str(manifest["counts"][kind]))
        Console().print(table)
        rate = population / elapsed if elapsed > 0 else float("inf")
        typer.echo(f"wrote {out} in {elapsed:.1f} s ({rate:,.0f} people/s)")
