"""`interop standard bundle|diff`: the standard as a product (docs/standard.md).

`bundle` writes one self-contained OpenAPI document per system into `contracts/bundled/` (or
`--out`) from the split sources; `--check` only says whether the checked-in ones are current.
`site` builds the reference site (static HTML, readable offline) into `build/site` (or `--out`).
`diff OLD NEW` classifies every change between two releases (files, or folders of
`<system>.json`) as breaking or not and checks `info.version` follows semantic versioning;
`--corrections` names changes that the rules call breaking but that correct a defect.
Exit codes: 0 no breaking change and versions right (or current), 1 breaking changes or a wrong
version (or stale), 2 bad usage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
import yaml

from harness.cli_values import PathValue
from harness.errors import EXIT_FINDINGS, InteropError


def _printable(text: str) -> str:
    """Text from a document, safe to print on a terminal (control characters escaped)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InteropError(f"{path}: not a readable JSON or YAML document ({type(exc).__name__})") from None
    if not isinstance(document, dict) or "paths" not in document:
        raise InteropError(f"{path}: not an OpenAPI document (no paths)")
    return document


def _pairs(old: Path, new: Path) -> list[tuple[str, Path | None, Path | None]]:
    if old.is_dir() != new.is_dir():
        raise InteropError("give two files or two folders of <system>.json documents")
    if not old.is_dir():
        return [(new.stem, old, new)]
    olds = {p.stem: p for p in sorted(old.glob("*.json"))}
    news = {p.stem: p for p in sorted(new.glob("*.json"))}
    if not olds:
        raise InteropError(f"{old}: no <system>.json documents in this folder")
    return [(name, olds.get(name), news.get(name)) for name in sorted(set(olds) | set(news))]


def _corrections(path: Path | None) -> list[Any]:
    from harness.standard.diff import load_corrections

    if path is None:
        return []
    try:
        return load_corrections(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InteropError(f"{path}: not a readable YAML file ({type(exc).__name__})") from None
    except ValueError as exc:
        raise InteropError(f"{path}: {exc}") from None


def register(app: typer.Typer) -> None:
    standard_app = typer.Typer(help="The standard as a product: bundle, version and compare it.")
    app.add_typer(standard_app, name="standard")

    @standard_app.command("bundle")
    def bundle_cmd(
        out: Path | None = typer.Option(
            None,
            "--out",
            parser=PathValue("dir", must_exist=False),
            help="Folder to write <system>.json into (default: contracts/bundled).",
        ),
        check: bool = typer.Option(
            False, "--check", help="Write nothing; exit 1 if a bundled document is stale."
        ),
    ) -> None:
        """Bundle contracts/openapi/<system>.yaml + common.yaml into one self-contained document each."""
        from harness.standard.bundled import expected, stale, write_all
        from simulators.core.config import SYSTEMS

        if check:
            old = stale()
            if old:
                typer.echo(f"stale bundled documents: {', '.join(old)} (run `make standard`)", err=True)
                raise typer.Exit(EXIT_FINDINGS)
            typer.echo("bundled documents are current")
            return
        if out is None:
            for path in write_all():
                typer.echo(f"wrote {path}")
            return
        out.mkdir(parents=True, exist_ok=True)
        for system in SYSTEMS:
            (out / f"{system}.json").write_text(expected(system), encoding="utf-8")
            typer.echo(f"wrote {out / f'{system}.json'}")

    @standard_app.command("diff")
    def diff_cmd(
        old: Path = typer.Argument(
            ..., parser=PathValue("path", must_exist=True), help="The released document (or folder)."
        ),
        new: Path = typer.Argument(
            ..., parser=PathValue("path", must_exist=True), help="The candidate (or folder)."
        ),
        corrections: Path | None = typer.Option(
            None,
            "--corrections",
            parser=PathValue("file", must_exist=True),
            help="YAML list of changes the rules call breaking that correct a defect "
            "(contracts/released/corrections.yaml).",
        ),
    ) -> None:
        """Classify every change from OLD to NEW as breaking or not (exit 1 if any uncorrected one is)."""
        from harness.standard.diff import diff, uncorrected, version_problem

        known = _corrections(corrections)

        breaking = False
        for name, old_path, new_path in _pairs(old, new):
            if new_path is None:
                typer.echo(f"BREAKING  {_printable(name)}: document removed")
                breaking = True
                continue
            if old_path is None:
                typer.echo(f"ok        {_printable(name)}: document added")
                continue
            before, after = _load(old_path), _load(new_path)
            changes = diff(before, after)
            counted = uncorrected(name, after, changes, known)
            for change in changes:
                line = change.line()
                if change.breaking and change not in counted:
                    line = "CORRECTS" + line[len("BREAKING") :]
                typer.echo(_printable(f"{name}  {line}"))
            problem = version_problem(before, after, changes, counted)
            if problem:
                typer.echo(_printable(f"{name}  VERSION   {problem}"))
            count = sum(c.breaking for c in changes)
            corrected = count - len(counted)
            typer.echo(
                _printable(f"{name}: {len(changes)} changes, {count} breaking ({corrected} corrections)")
            )
            breaking = breaking or bool(counted) or problem is not None
        if breaking:
            raise typer.Exit(EXIT_FINDINGS)

    @standard_app.command("site")
    def site_cmd(
        out: Path | None = typer.Option(
            None,
            "--out",
            parser=PathValue("dir", must_exist=False),
            help="Folder to write the site into (default: build/site); an empty one or a site built before.",
        ),
        references: bool = typer.Option(
            True,
            "--references/--no-references",
            help="Render the API reference pages with Redocly's CLI (from .ci/node or $INTEROP_REDOCLY).",
        ),
    ) -> None:
        """Build the reference site: static HTML readable offline (API references, conventions,
        scenarios, requirements, code lists, quirk profiles)."""
        from harness.standard import site

        site.check_out(out or site.DEFAULT_OUT)
        built = site.build_site(out or site.DEFAULT_OUT, references=references)
        typer.echo(f"wrote {len(built.pages) + len(built.references)} pages into {built.out}")
        if built.references_missing and references:
            typer.echo(f"API reference pages not built: {_printable(built.references_missing)}", err=True)
