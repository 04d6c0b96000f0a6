"""`interop demo`: the whole story in one command, on embedded defaults.

Starts the simulated force (real servers), verifies each simulator against the standard (they
must conform), verifies a deliberately defective stand-in vendor product (a custody simulator
with a quirk profile: it must not), writes the reports and a comparison page, prints a summary.
Exit 0 when every result was the expected one.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.cli_values import POPULATION_MAX, SEED_MAX, PathValue
from harness.ecosystem import Ecosystem, EcosystemSpec
from harness.engine.run import VerificationRun
from harness.errors import EXIT_FINDINGS, EXIT_OK
from harness.evidence.accept import demo_pack
from harness.reports.compare import write_comparison
from harness.suites import available_suites
from harness.verification import run_verification
from simulators.core.config import SYSTEMS
from simulators.core.server import free_port

VENDOR_QUIRKS = "dates-dmy,html-errors,review-every-10h"
console = Console(stderr=True)


@dataclass
class DemoResult:
    product: str
    role: str
    target: str
    expected: str
    verdict: str
    errors: int
    report_dir: Path

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.expected


def _ports() -> dict[str, int]:
    return {s: free_port() for s in SYSTEMS}


def run_demo(
    report_dir: Path, population: int, seed: int, fuzz_examples: int, home: Path
) -> list[DemoResult]:
    suites: list[str] = [s for s in ("contracts", "fuzz", "scenarios") if s in available_suites()]
    options = {"max_examples": fuzz_examples, "seed": seed}
    results: list[DemoResult] = []
    spec = EcosystemSpec(ports=_ports(), seed=seed, population=population, home=home / "force")
    with console.status(f"starting records, custody and intelligence ({population} people)..."):
        eco = Ecosystem(spec)
        eco.start()
    try:
        for role in SYSTEMS:
            console.rule(f"reference {role} simulator")
            run = run_verification(
                role,
                spec.url(role),
                suites,
                report_dir / role,
                options=options,
                peers={s: spec.url(s) for s in SYSTEMS if s != role},
            )
            results.append(_result(f"reference {role}", role, spec.url(role), "pass", run, report_dir / role))
        vendor_spec = EcosystemSpec(
            systems=("custody",),
            ports={**_ports()},
            seed=seed,
            population=population,
            home=home / "vendor",
            external={s: spec.url(s) for s in SYSTEMS if s != "custody"},
            extra_env={"INTEROP_CUSTODY_QUIRKS": VENDOR_QUIRKS},
        )
        with console.status("starting the stand-in vendor custody product..."):
            vendor = Ecosystem(vendor_spec)
            vendor.start()
        try:
            console.rule(f"stand-in vendor custody product (quirks: {VENDOR_QUIRKS})")
            url = vendor_spec.url("custody")
            run = run_verification(
                "custody",
                url,
                suites,
                report_dir / "vendor-custody",
                options=options,
                peers={s: spec.url(s) for s in SYSTEMS if s != "custody"},
            )
            results.append(
                _result("vendor custody (quirky)", "custody", url, "fail", run, report_dir / "vendor-custody")
            )
        finally:
            vendor.stop()
    finally:
        eco.stop()
    return results


def _result(
    product: str, role: str, target: str, expected: str, run: VerificationRun, folder: Path
) -> DemoResult:
    errors = sum(f.severity == "error" for f in run.findings)
    return DemoResult(product, role, target, expected, run.verdict, errors, folder)


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        report_dir: Path = typer.Option(
            Path("interop-report"),
            "--report-dir",
            parser=PathValue("dir", must_exist=False),
            help="Where the reports go.",
        ),
        population: int = typer.Option(
            2000, "--population", min=10, max=POPULATION_MAX, help="People in the simulated force."
        ),
        seed: int = typer.Option(1, "--seed", min=0, max=SEED_MAX, help="Population and fuzzing seed."),
        fuzz_examples: int = typer.Option(
            10, "--fuzz-examples", min=1, max=10_000, help="Fuzz examples per operation."
        ),
    ) -> None:
        """Start the ecosystem, verify each simulator and a defective sample product, print a summary."""
        with tempfile.TemporaryDirectory(prefix="interop-demo-") as tmp:
            results = run_demo(report_dir.resolve(), population, seed, fuzz_examples, Path(tmp))
        write_comparison(
            [report_dir / "custody", report_dir / "vendor-custody"], report_dir / "compare-custody.html"
        )
        table = Table(title="interop demo")
        for col in ("product", "role", "expected", "verdict", "errors", "as expected", "report"):
            table.add_column(col)
        for r in results:
            ok = "[green]yes[/]" if r.as_expected else "[red]NO[/]"
            colour = "green" if r.verdict == "pass" else "red"
            table.add_row(
                r.product,
                r.role,
                r.expected,
                f"[{colour}]{r.verdict}[/]",
                str(r.errors),
                ok,
                escape(str(r.report_dir / "report.html")),
            )
        console.print(table)
        console.print(f"Side-by-side comparison: {escape(str(report_dir / 'compare-custody.html'))}")
        rerun = (
            f"interop demo --report-dir {report_dir} --population {population} --seed {seed} "
            f"--fuzz-examples {fuzz_examples}"
        )
        pack = demo_pack(report_dir, "vendor-custody", VENDOR_QUIRKS, seed, rerun)
        console.print(
            f"Evidence pack for the vendor product (signed; interop evidence verify): "
            f"{escape(str(pack.folder))} and {escape(str(pack.archive))}; "
            f"board summary {escape(str(pack.folder / 'summary.html'))}"
        )
        all_ok = all(r.as_expected for r in results)
        console.print(
            "[green]Every result was the expected one.[/]"
            if all_ok
            else "[red]Some results were not the expected ones.[/]"
        )
        raise typer.Exit(EXIT_OK if all_ok else EXIT_FINDINGS)
