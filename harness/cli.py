"""The `interop` command line: one Typer app, one module per verb group."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from harness import __version__
from harness.errors import EXIT_USAGE, InteropError, one_line
from simulators.core import registry
from simulators.core.registry import RegistryError

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

EXIT_CODES_HELP = (
    "Exit codes of every command: 0 conforms / succeeded; 1 findings (does not conform); "
    "2 bad usage, a bad option value, or a target that cannot be reached or started (one line on "
    "standard error, never a traceback); 3 inconclusive (the harness could not judge what the role "
    "requires; the report says why)."
)

app = typer.Typer(
    name="interop",
    help="Open test range for police IT interoperability: run the simulators, verify products.\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

err_console = Console(stderr=True)

try:  # Typer >= 0.20 vendors its own copy of Click; its exceptions are the ones raised.
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older Typer uses Click itself
    from click import ClickException  # type: ignore[assignment]  # the class older Typer raises: a twin


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
    """Open test range for police IT interoperability: run the simulators, verify products."""


_registered = False


def _register_commands() -> None:
    """Import each command module; each registers its verbs on `app` (once per process)."""
    global _registered
    if _registered:
        return
    # The systems first: a module INTEROP_SYSTEM_MODULES names that fails to import stops the run
    # here, before any command is half registered.
    registry.systems()
    from harness.commands import register_all

    register_all(app)
    _registered = True


@functools.cache
def _command() -> Any:
    """The Click command tree of `app`, built once (building it costs more than most runs)."""
    _register_commands()
    return typer.main.get_command(app)


def print_error(message: str) -> None:
    """One line on standard error; `message` is data (never read as markup, controls escaped)."""
    err_console.print(
        Text.assemble(("interop: error:", "bold red"), " ", one_line(message)),
        highlight=False,
        soft_wrap=True,
    )


def _usage_message(exc: ClickException) -> str:
    # Typer reports a parser's ValueError through pydantic, which prefixes "Value error, ".
    return exc.format_message().replace("Value error, ", "")


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and turns every user-fixable error into one line and exit 2."""
    if argv is None:
        argv = sys.argv[1:]
    if not argv:
        argv = ["--help"]
    try:
        rv = _command().main(args=argv, standalone_mode=False, prog_name="interop")
    except InteropError as exc:
        print_error(str(exc))
        sys.exit(exc.exit_code)
    except RegistryError as exc:  # a module INTEROP_SYSTEM_MODULES names cannot be imported
        print_error(str(exc))
        sys.exit(EXIT_USAGE)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("interop: aborted")
        sys.exit(130)
    except ClickException as exc:
        print_error(f"{_usage_message(exc)} (see 'interop --help')")
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        if exc.filename is None:  # not about a path the user gave: a bug, keep its traceback
            raise
        print_error(f"cannot use {exc.filename}: {exc.strerror or exc}")
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        err_console.print("interop: interrupted")
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()
