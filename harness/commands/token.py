"""`interop token`: print an access token from the local issuer (for curl and products under test)."""

from __future__ import annotations

from pathlib import Path

import typer

from harness.cli_values import PathValue, TextValue
from harness.errors import InteropError
from simulators.core.auth import SCOPES, Issuer
from simulators.core.config import default_home


def register(app: typer.Typer) -> None:
    @app.command("token")
    def token(
        scopes: str = typer.Option(
            "records:read custody:read intelligence:read",
            "--scopes",
            "-s",
            help='Space-separated scopes, e.g. "records:read custody:write".',
        ),
        client_id: str = typer.Option(
            "interop-cli",
            "--client-id",
            parser=TextValue("a client id"),
            help="Client id recorded in the token.",
        ),
        ttl: int = typer.Option(3600, "--ttl", min=1, max=7 * 24 * 3600, help="Lifetime in seconds."),
        home: Path | None = typer.Option(
            None,
            "--home",
            parser=PathValue("dir", must_exist=False),
            help="State folder holding the issuer key (INTEROP_HOME).",
        ),
    ) -> None:
        """Print an access token that every simulator accepts (just the token, on standard output)."""
        wanted = scopes.replace(",", " ").split()
        unknown = [s for s in wanted if s not in SCOPES]
        if unknown:
            raise InteropError(f"unknown scope {unknown[0]!r}; known scopes: {', '.join(SCOPES)}")
        if not wanted:
            raise InteropError("give at least one scope with --scopes")
        key_file = (home.resolve() if home else default_home()) / "issuer-key.json"
        issuer = Issuer.from_key_file(key_file, ttl_seconds=ttl)
        typer.echo(issuer.issue(client_id, wanted))
