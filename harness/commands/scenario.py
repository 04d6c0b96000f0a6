"""`interop scenario list|run|validate`: cross-system scenarios (Arazzo files in `scenarios/`).

`run NAME` plays every role with a reference simulator started here, except those given with
`--target ROLE=TARGET` (a product under test: URL, cmd: or docker:) or `--peer ROLE=URL` (a
system that plays the role without being judged, e.g. a running `interop up`). Nothing is picked
up from default ports unasked. Results go through the same engine and writers as `interop verify`
(report.json, junit.xml, report.html in `--report-dir`), and each role's URL and origin is
printed. Exit codes: 0 every step passed, 1 findings, 2 bad usage, an invalid scenario or an
unreachable target or peer, 3 inconclusive (a step or scenario could not be judged: a scenario
error, test support the product does not offer).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.cli_values import TIMEOUT_MAX_S, PathValue
from harness.engine.verdict import EXIT_CODES
from harness.errors import EXIT_FINDINGS, EXIT_OK, InteropError

console = Console()
err = Console(stderr=True)


def _inputs(values: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InteropError(f"--input must look like NAME=VALUE; got {item!r}")
        try:
            out[key] = yaml.safe_load(value) if value else ""
        except yaml.YAMLError:
            raise InteropError(f"--input {key}: the value is not a YAML scalar; got {value[:80]!r}") from None
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


def _check_peers(peers: dict[str, str]) -> None:
    """Each peer a known role at an http(s) URL that answers, else bad usage (exit 2), said up front."""
    from urllib.parse import urlparse

    import requests

    from simulators.core.config import SYSTEMS

    for role, url in peers.items():
        if role not in SYSTEMS:
            raise InteropError(f"--peer: unknown role {role!r}; choose from {', '.join(SYSTEMS)}")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InteropError(f"--peer {role}: expected an http(s)://host:port URL; got {url!r}")
        try:
            requests.get(url.rstrip("/") + "/health", timeout=5)
        except requests.RequestException as exc:
            raise InteropError(
                f"--peer {role}={url} is unreachable ({type(exc).__name__}); start it or give another URL"
            ) from exc


def run_scenarios(
    files: list[Path],
    targets: dict[str, str],
    report_dir: Path,
    *,
    peers: dict[str, str] | None = None,
    inputs: dict[str, Any] | None = None,
    console_output: bool = True,
    startup_timeout: float = 60.0,
) -> Any:
    """Run scenario files with the given targets in their roles; returns the finished VerificationRun."""
    from harness.auth import TargetTokens
    from harness.engine import RunContext, VerificationRun
    from harness.reports import default_writers
    from harness.scenarios import Endpoint, scenario_environment
    from harness.scenarios.environment import GIVEN, TARGET
    from harness.suites.scenarios import ScenariosSuite
    from harness.targets import open_target

    peers = {r: u for r, u in (peers or {}).items() if r not in targets}
    _check_peers(peers)
    report_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        given: dict[str, Endpoint] = {}
        for role, raw in targets.items():
            target = stack.enter_context(
                open_target(raw, report_dir=report_dir, startup_timeout=startup_timeout)
            )
            given[role] = Endpoint(role, target.base_url, TargetTokens(target.base_url), TARGET)
        for role, url in peers.items():
            given[role] = Endpoint(role, url.rstrip("/"), TargetTokens(url), GIVEN)
        env = stack.enter_context(scenario_environment(given))
        roles = sorted(targets)
        primary = roles[0] if len(roles) == 1 else ("+".join(roles) if roles else "simulators")
        described = "; ".join(
            f"{r}={targets[r]}"
            if r in targets
            else (f"{r}=reference" if e.reference else f"{r}={e.describe()}")
            for r, e in sorted(env.endpoints.items())
        )
        first = env[roles[0]] if roles else next(iter(env.endpoints.values()))
        ctx = RunContext(
            role=primary,
            target=described,
            base_url=first.url,
            tokens=first.tokens,
            report_dir=report_dir,
            peers={r: e.url for r, e in env.endpoints.items() if e.origin == GIVEN},
        )
        if console_output:
            for role, info in env.roles().items():
                console.print(
                    f"{role}: {info['url']} ({info['origin']})", markup=False, highlight=False, soft_wrap=True
                )
        run = VerificationRun(ctx, default_writers(report_dir, console=console_output))
        run.run_suite(
            ScenariosSuite(files=files, environment=env, inputs=inputs, under_test=set(targets) or None)
        )
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
        directory: Path | None = typer.Option(
            None,
            "--dir",
            parser=PathValue("dir", must_exist=True),
            help="Scenarios folder (default scenarios/).",
        ),
    ) -> None:
        """List the scenarios in the scenarios folder."""
        from harness.scenarios import default_dir, scenario_files, validate_file
        from harness.scenarios.runner import systems_of

        table = Table(title=f"scenarios in {escape(str(directory or default_dir()))}", show_lines=False)
        table.add_column("name", no_wrap=True)
        table.add_column("key role", no_wrap=True)
        table.add_column("steps", justify="right")
        table.add_column("title")
        for path in scenario_files(directory):
            scenario, problems = validate_file(path)
            if scenario is None or problems:
                table.add_row(
                    escape(path.name),
                    "",
                    "",
                    f"[red]invalid (interop scenario validate {escape(str(path))})[/]",
                )
                continue
            table.add_row(
                escape(scenario.name),
                escape(scenario.key_role or ""),
                str(len(scenario.main["steps"])),
                f"{escape(scenario.title)} [dim]({', '.join(sorted(systems_of(scenario)))})[/]",
            )
        console.print(table)

    @scenario_app.command("validate")
    def validate(
        files: list[Path] = typer.Argument(
            ..., parser=PathValue("file", must_exist=True), help="Arazzo files to check."
        ),
    ) -> None:
        """Check scenario files against Arazzo 1.0 and the standard; explain every problem (exit 1 if any)."""
        from harness.scenarios import validate_file

        bad = 0
        for path in files:
            if not path.is_file():
                raise InteropError(f"no file {path}")
            scenario, problems = validate_file(path)
            if problems:
                bad += 1
                console.print(
                    f"[red]{escape(str(path))}[/]: {len(problems)} problem(s)",
                    highlight=False,
                    soft_wrap=True,
                )
                for problem in problems:
                    console.print(f"  - {problem}", markup=False, highlight=False, soft_wrap=True)
            else:
                assert scenario is not None
                console.print(
                    f"[green]{escape(str(path))}[/]: valid Arazzo 1.0 scenario {escape(repr(scenario.name))} "
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
        peer: list[str] | None = typer.Option(
            None,
            "--peer",
            help="ROLE=URL: a running system that plays ROLE (e.g. an `interop up` simulator, or the "
            "product's own peer); not judged. Repeatable. Roles given neither by --target nor "
            "--peer (nor INTEROP_<ROLE>_URL) are played by reference simulators started here.",
        ),
        up: bool = typer.Option(False, "--up", hidden=True),
        inputs: list[str] | None = typer.Option(
            None, "--input", help="NAME=VALUE for the scenario's inputs (repeatable)."
        ),
        report_dir: Path = typer.Option(
            Path("interop-report"),
            "--report-dir",
            parser=PathValue("dir", must_exist=False),
            help="Where reports are written.",
        ),
        directory: Path | None = typer.Option(
            None,
            "--dir",
            parser=PathValue("dir", must_exist=True),
            help="Scenarios folder (default scenarios/).",
        ),
        startup_timeout: float = typer.Option(
            60.0,
            "--startup-timeout",
            min=1,
            max=TIMEOUT_MAX_S,
            help="Seconds for cmd:/docker: targets to answer.",
        ),
    ) -> None:
        """Run scenarios; exit 0 pass, 1 findings, 2 bad usage or unreachable, 3 inconclusive."""
        from harness.commands.up import parse_pairs
        from harness.verification import parse_peers

        if up:
            raise InteropError(
                "--up is gone (it used whatever answered on the default ports): give each role of a "
                "running `interop up` with --peer, e.g. --peer records=http://127.0.0.1:8101"
            )
        files = _selected(list(names or []), all_, directory)
        targets = parse_pairs(target, "--target")
        peers = parse_peers(peer)
        both = sorted(set(targets) & set(peers))
        if both:
            raise InteropError(f"{', '.join(both)} given both as --target and as --peer; give one")
        result = run_scenarios(
            files,
            targets,
            report_dir,
            peers=peers,
            inputs=_inputs(inputs),
            startup_timeout=startup_timeout,
        )
        raise typer.Exit(EXIT_CODES[result.verdict])
