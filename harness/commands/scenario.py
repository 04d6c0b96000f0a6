"""`interop scenario list|run|validate`: cross-system scenarios (Arazzo files in `scenarios/`).

`run NAME` plays every role with a reference simulator started here, except those given with
`--target ROLE=TARGET` (a product under test: URL, cmd: or docker:) or, with `--up`, those of a
running `interop up`. Results go through the same engine and writers as `interop verify`
(report.json, junit.xml, report.html in `--report-dir`). Exit codes: 0 every step passed (or
was skipped with a reason), 1 findings, 2 bad usage, an invalid scenario or an unreachable target.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from harness.errors import EXIT_FINDINGS, EXIT_OK, InteropError

console = Console()
err = Console(stderr=True)


def _inputs(values: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InteropError(f"--input must look like NAME=VALUE; got {item!r}")
        out[key] = yaml.safe_load(value) if value else ""
    return out


def _selected(names: list[str], all_: bool, directory: Path | None) -> list[Path]:
    from harness.scenarios import find, scenario_files, validate_file

    if all_ and names:
        raise InteropError("give scenario names or --all, not both")
    if not all_ and not names:
        raise InteropError("give a scenario name (see `interop scenario list`) or --all")
    files = scenario_files(directory) if all_ else [find(n, directory) for n in names]
    for path in files:
        _, problems = validate_file(path)
        if problems:
            raise InteropError(
                f"{path} is not a valid scenario: {problems[0]}"
                + (
                    f" (and {len(problems) - 1} more; see `interop scenario validate {path}`)"
                    if len(problems) > 1
                    else ""
                )
            )
    return files


def run_scenarios(
    files: list[Path],
    targets: dict[str, str],
    report_dir: Path,
    *,
    use_running: bool = False,
    inputs: dict[str, Any] | None = None,
    console_output: bool = True,
    startup_timeout: float = 60.0,
) -> Any:
    """Run scenario files with the given targets in their roles; returns the finished VerificationRun."""
    from harness.auth import TargetTokens
    from harness.engine import RunContext, VerificationRun
    from harness.reports import default_writers
    from harness.scenarios import Endpoint, scenario_environment
    from harness.suites.scenarios import ScenariosSuite
    from harness.targets import open_target

    report_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        given: dict[str, Endpoint] = {}
        for role, raw in targets.items():
            target = stack.enter_context(
                open_target(raw, report_dir=report_dir, startup_timeout=startup_timeout)
            )
            given[role] = Endpoint(role, target.base_url, TargetTokens(target.base_url), "target")
        env = stack.enter_context(scenario_environment(given, use_running=use_running))
        roles = sorted(targets)
        primary = roles[0] if len(roles) == 1 else ("+".join(roles) if roles else "simulators")
        described = "; ".join(
            f"{r}={targets[r]}" if r in targets else f"{r}={e.describe()}"
            for r, e in sorted(env.endpoints.items())
        )
        first = env[roles[0]] if roles else next(iter(env.endpoints.values()))
        ctx = RunContext(
            role=primary,
            target=described,
            base_url=first.url,
            tokens=first.tokens,
            report_dir=report_dir,
            peers={r: e.url for r, e in env.endpoints.items()},
        )
        run = VerificationRun(ctx, default_writers(report_dir, console=console_output))
        run.run_suite(ScenariosSuite(files=files, environment=env, inputs=inputs))
        run.finish()
    return run


def register(app: typer.Typer) -> None:
    scenario_app = typer.Typer(
        help="Cross-system scenarios: Arazzo workflows across records, custody and intelligence.",
        no_args_is_help=True,
    )
    app.add_typer(scenario_app, name="scenario")

    @scenario_app.command("list")
    def list_(
        directory: Path | None = typer.Option(None, "--dir", help="Scenarios folder (default scenarios/)."),
    ) -> None:
        """List the scenarios in the scenarios folder."""
        from harness.scenarios import default_dir, scenario_files, validate_file
        from harness.scenarios.runner import systems_of

        table = Table(title=f"scenarios in {directory or default_dir()}", show_lines=False)
        table.add_column("name", no_wrap=True)
        table.add_column("key role", no_wrap=True)
        table.add_column("steps", justify="right")
        table.add_column("title")
        for path in scenario_files(directory):
            scenario, problems = validate_file(path)
            if scenario is None or problems:
                table.add_row(path.name, "", "", f"[red]invalid (interop scenario validate {path})[/]")
                continue
            table.add_row(
                scenario.name,
                scenario.key_role or "",
                str(len(scenario.main["steps"])),
                f"{scenario.title} [dim]({', '.join(sorted(systems_of(scenario)))})[/]",
            )
        console.print(table)

    @scenario_app.command("validate")
    def validate(files: list[Path] = typer.Argument(..., help="Arazzo files to check.")) -> None:
        """Check scenario files against Arazzo 1.0 and the standard; explain every problem (exit 1 if any)."""
        from harness.scenarios import validate_file

        bad = 0
        for path in files:
            if not path.is_file():
                raise InteropError(f"no file {path}")
            scenario, problems = validate_file(path)
            if problems:
                bad += 1
                console.print(f"[red]{path}[/]: {len(problems)} problem(s)", highlight=False, soft_wrap=True)
                for problem in problems:
                    console.print(f"  - {problem}", highlight=False, soft_wrap=True)
            else:
                assert scenario is not None
                console.print(
                    f"[green]{path}[/]: valid Arazzo 1.0 scenario {scenario.name!r} "
                    f"({len(scenario.main['steps'])} steps)",
                    highlight=False,
                    soft_wrap=True,
                )
        raise typer.Exit(EXIT_FINDINGS if bad else EXIT_OK)

    @scenario_app.command("run")
    def run(
        names: list[str] | None = typer.Argument(None, help="Scenario names (or files)."),
        all_: bool = typer.Option(False, "--all", help="Run every scenario in the folder."),
        target: list[str] | None = typer.Option(
            None,
            "--target",
            help="ROLE=TARGET: the product under test in "
            "ROLE (http(s)://..., cmd:..., docker:...). Repeatable.",
        ),
        up: bool = typer.Option(
            False,
            "--up",
            help="Roles not given by --target use a running `interop up` "
            "(default ports or INTEROP_<ROLE>_URL) instead of simulators started here.",
        ),
        inputs: list[str] | None = typer.Option(
            None, "--input", help="NAME=VALUE for the scenario's inputs (repeatable)."
        ),
        report_dir: Path = typer.Option(
            Path("interop-report"), "--report-dir", help="Where reports are written."
        ),
        directory: Path | None = typer.Option(None, "--dir", help="Scenarios folder (default scenarios/)."),
        startup_timeout: float = typer.Option(
            60.0, "--startup-timeout", help="Seconds for cmd:/docker: targets to answer."
        ),
    ) -> None:
        """Run scenarios; exit 0 all passed (or skipped), 1 findings, 2 bad usage or unreachable target."""
        from harness.commands.up import parse_pairs

        files = _selected(list(names or []), all_, directory)
        targets = parse_pairs(target, "--target")
        result = run_scenarios(
            files,
            targets,
            report_dir,
            use_running=up,
            inputs=_inputs(inputs),
            startup_timeout=startup_timeout,
        )
        raise typer.Exit(EXIT_OK if result.verdict == "pass" else EXIT_FINDINGS)
