"""The `interop` command line: one Typer app, one module per verb group."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from harness import __version__
from harness.errors import EXIT_USAGE, InteropError

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

app = typer.Typer(
    name="interop",
    help="Open test range for police IT interoperability: run the simulators, verify products.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

err_console = Console(stderr=True)

try:  # Typer >= 0.20 vendors its own copy of Click; its exceptions are the ones raised.
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older Typer uses Click itself
    from click import ClickException


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"interop {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Open test range for police IT interoperability."""


def _register_commands() -> None:
    """Import each command module; each registers its verbs on `app`."""
    from harness.commands import register_all

    register_all(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and turns every user-fixable error into one line and exit 2."""
    _register_commands()
    if argv is None:
        argv = sys.argv[1:]
    if not argv:
        argv = ["--help"]
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="interop")
    except InteropError as exc:
        err_console.print(f"[bold red]interop: error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("interop: aborted")
        sys.exit(130)
    except ClickException as exc:
        msg = exc.format_message().replace("\n", " ")
        err_console.print(
            f"[bold red]interop: error:[/] {msg} (see 'interop --help')", highlight=False, soft_wrap=True
        )
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        err_console.print("interop: interrupted")
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()
