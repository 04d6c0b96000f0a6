"""`interop evidence verify PACK` and `interop evidence diff PACK_A PACK_B`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from harness.cli_values import PathValue
from harness.errors import EXIT_FINDINGS, EXIT_OK
from harness.evidence.diff import diff_results, render_diff
from harness.evidence.pack import read_pack, verify_pack
from harness.reports.safe import one_line

console = Console(stderr=True)
out_console = Console(highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    evidence = typer.Typer(
        help="Check and compare evidence packs written by `interop accept`.", no_args_is_help=True
    )
    app.add_typer(evidence, name="evidence")

    @evidence.command("verify")
    def verify(
        pack: Path = typer.Argument(
            ..., parser=PathValue("path", must_exist=True), help="An evidence pack: its folder or its .zip."
        ),
        public_key: Path | None = typer.Option(
            None,
            "--public-key",
            parser=PathValue("file", must_exist=True),
            help="The public key (PEM) the pack must be signed with; without it, the key in the pack.",
        ),
    ) -> None:
        """Check the pack's signature and every file's hash. Exit 0 untouched, 1 changed (named)."""
        result = verify_pack(read_pack(pack), public_key.read_bytes() if public_key else None)
        if result.ok:
            out_console.print(
                f"verified: {escape(str(pack))} is as the harness wrote it (signed by {result.fingerprint})"
            )
            raise typer.Exit(EXIT_OK)
        named = [*(f"{n} (changed)" for n in result.changed), *(f"{n} (missing)" for n in result.missing)]
        named += [f"{n} (not in the manifest)" for n in result.extra]
        out_console.print(
            escape(
                one_line(f"NOT VERIFIED: {pack}: {result.reason}: {', '.join(named) or 'see above'}", 2000)
            )
        )
        raise typer.Exit(EXIT_FINDINGS)

    @evidence.command("diff")
    def diff(
        pack_a: Path = typer.Argument(
            ..., parser=PathValue("path", must_exist=True), help="The earlier pack (folder or .zip)."
        ),
        pack_b: Path = typer.Argument(
            ..., parser=PathValue("path", must_exist=True), help="The later pack (folder or .zip)."
        ),
        out: Path | None = typer.Option(
            None,
            "--out",
            parser=PathValue("file", must_exist=False),
            help="Also write the diff as HTML here.",
        ),
    ) -> None:
        """What changed between two packs: requirements met / not met, new and gone problems."""
        packs = [read_pack(pack_a), read_pack(pack_b)]
        d = diff_results(packs[0].json("results.json"), packs[1].json("results.json"))
        for path, p in zip((pack_a, pack_b), packs, strict=True):
            if not verify_pack(p).ok:
                console.print(f"warning: {escape(str(path))} does not verify (interop evidence verify)")
        out_console.print(f"Requirements whose result changed: {len(d['requirements'])}")
        for c in d["requirements"]:
            statement = escape(one_line(c["statement"], 160))
            change = f"{c['before']} -> {c['after']}"
            out_console.print(f"  {c['level']} {escape(c['id'])}: {change}  ({statement})")
        for title, items in (("New problems", d["new_problems"]), ("Problems gone", d["gone_problems"])):
            out_console.print(f"{title}: {len(items)}")
            for p in items:
                req = p.get("requirement") or "no requirement"
                out_console.print(f"  {p['role']}: {escape(one_line(p['title'], 160))} ({escape(req)})")
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(render_diff(d, str(pack_a), str(pack_b)), encoding="utf-8")
            console.print(f"Diff page: {escape(str(out))}")
        raise typer.Exit(EXIT_OK)
