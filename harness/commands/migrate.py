"""`interop migrate`: rehearse moving a force's data from one product to another (docs/portability.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from harness.cli_values import ChoiceValue, PathValue, UrlValue
from harness.errors import InteropError
from simulators.core.config import SYSTEMS

if TYPE_CHECKING:  # imported when the command runs (a quick `interop --help`)
    from harness.auth import AuthConfig
    from harness.portability.migration import Side

REFERENCE = "reference"
REFERENCE_POPULATION = 200  # people in a seeded reference source (the default world of `interop up`, smaller)


@dataclass(frozen=True)
class SideValue:
    """`reference` or an http(s) URL."""

    what: str

    def __call__(self, raw: str) -> str:
        return raw if raw == REFERENCE else UrlValue(f"{self.what} (or 'reference')")(raw).rstrip("/")


@contextmanager
def _reference(role: str, population: int) -> Iterator[str]:
    from harness.embedded import embedded_ecosystem

    with embedded_ecosystem((role,), population=population) as eco:
        yield eco.urls[role]


def _side(stack: ExitStack, role: str, given: str, config: AuthConfig | None, *, source: bool) -> Side:
    from harness.auth import TargetTokens
    from harness.portability.migration import Side

    if given == REFERENCE:
        url = stack.enter_context(_reference(role, REFERENCE_POPULATION if source else 0))
        label = "the seeded reference system" if source else "a fresh reference system"
        tokens = TargetTokens(url, auth=config)
        return Side(label, url, tokens, origin="reference")
    tokens = TargetTokens(given, auth=config)
    tokens.require()  # unreachable, or refusing the credentials: one line, exit 2
    return Side(given, given, tokens)


def register(app: typer.Typer) -> None:
    @app.command("migrate")
    def migrate(
        source: str = typer.Option(
            ...,
            "--from",
            parser=SideValue("--from"),
            help="The product the data leaves: its http(s) URL, or 'reference' (a seeded reference system).",
        ),
        target: str = typer.Option(
            ...,
            "--to",
            parser=SideValue("--to"),
            help="The product the data goes to: its http(s) URL, or 'reference' (a fresh, empty "
            "reference system).",
        ),
        role: str = typer.Option(
            "records",
            "--role",
            parser=ChoiceValue(SYSTEMS),
            help=f"The role both products play: {', '.join(SYSTEMS)} (default records).",
        ),
        from_auth: Path | None = typer.Option(
            None,
            "--from-auth",
            parser=PathValue("file", must_exist=True),
            help="YAML auth file for the source, as verify's --auth (docs/vendors.md).",
        ),
        to_auth: Path | None = typer.Option(
            None,
            "--to-auth",
            parser=PathValue("file", must_exist=True),
            help="YAML auth file for the target, as verify's --auth.",
        ),
        out: Path = typer.Option(
            Path("interop-migration"),
            "--out",
            parser=PathValue("dir", must_exist=False),
            help="Where report.html and report.json are written.",
        ),
    ) -> None:
        """Export everything from --from, import it into --to, and write a migration rehearsal report.

        The report (report.html for a data-migration lead, report.json for tools) gives the records
        exported, imported and refused per type, why each refusal happened (rule ids), what changed
        on the way and what was lost. Exit codes: 0 nothing lost or refused; 1 something lost or
        refused; 2 bad usage, a product that cannot be reached or refuses the credentials.
        """
        from harness.portability.migration import rehearse
        from harness.portability.report import write_rehearsal

        if source == target and source != REFERENCE:
            raise InteropError("--from and --to are the same product; a migration needs two")
        if out.exists() and not out.is_dir():
            raise InteropError(f"--out {out} exists and is not a directory")
        from harness.auth import AuthConfig

        configs = [AuthConfig.load(p) if p is not None else None for p in (from_auth, to_auth)]
        with ExitStack() as stack:  # both auth files are read before anything starts
            src = _side(stack, role, source, configs[0], source=True)
            dst = _side(stack, role, target, configs[1], source=False)
            rehearsal = rehearse(role, src, dst)
        summary = rehearsal.to_dict()
        _, page = write_rehearsal(summary, out)
        t = summary["totals"]
        Console(stderr=True, soft_wrap=True).print(
            f"migration rehearsal: {t['exported']} exported, {t['imported']} imported, "
            f"{t['refused']} refused, "
            f"{len(summary['lost'])} missing, {t['fields_lost']} values lost -> {escape(str(page))}",
            highlight=False,
        )
        raise typer.Exit(0 if rehearsal.clean else 1)
