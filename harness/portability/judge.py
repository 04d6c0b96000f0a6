"""The portability suite's judgement (docs/portability.md, "The portability suite").

In order: put the known data in (harness/portability/plant.py); export everything through the
standard's bulk API; judge the manifest and every line (PORT-EXPORT); look for every entity put
in, and ask the product's own read API about a sample of what was exported (PORT-EXPORT-COMPLETE,
nothing missing, nothing invented; PORT-EXPORT-FIDELITY, field by field); export again with
`since` (PORT-EXPORT-INCREMENTAL); import a small file into the product in both modes
(PORT-IMPORT); then import the export into a fresh reference system and compare what it holds
with the export, field by field (PORT-ROUNDTRIP). Every request to the product goes through the tap.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests

from harness.engine.events import CheckResult, Event, Status
from harness.portability.client import BulkClient, BulkError, Export
from harness.portability.compare import ProductReader, against_reads, change_problems, name_of, sample
from harness.portability.entities import entities, kind_for
from harness.portability.lines import Parsed, Problem, manifest_problems, parse, schema_problems
from harness.portability.plant import Planted, PlantError, plant, product_now
from harness.portability.verdicts import FindingSink

SUITE = "portability"
EXPORT, COMPLETE, FIDELITY = "PORT-EXPORT", "PORT-EXPORT-COMPLETE", "PORT-EXPORT-FIDELITY"
INCREMENTAL, IMPORT, ROUNDTRIP = "PORT-EXPORT-INCREMENTAL", "PORT-IMPORT", "PORT-ROUNDTRIP"
SAMPLE = 20  # exported entities of each readable type also read one by one through the standard API
BULK_OPERATION = "POST /bulk/exports"
IMPORT_OPERATION = "POST /bulk/imports"
NAMESPACE = uuid.UUID("7b0c8a52-5a3e-4f53-9d1e-2c7f0e4b9a61")  # ids of the harness's import probes


class PortabilityJudge:
    """Runs the checks of one portability run and emits their results and findings."""

    def __init__(
        self, ctx: Any, emit: Callable[[Event], None], reference: Callable[[str], Any] | None = None
    ):
        self.ctx = ctx
        self.role = ctx.role
        self.emit = emit
        self.sink = FindingSink(SUITE, emit)
        self.counts = {"passed": 0, "failed": 0, "skipped": 0}
        self.stats: dict[str, Any] = {"role": ctx.role}
        self.reference = reference  # role -> context manager yielding a fresh reference URL
        self.client = BulkClient(ctx.base_url, ctx.tokens, ctx.role, public_url=ctx.target_url)
        self.http = requests.Session()
        self._read = ProductReader(ctx.base_url, ctx.tokens)
        self.seed = int(ctx.options.get("seed") or 0)

    # --- results ----------------------------------------------------------------------------------

    def check(
        self, name: str, requirement: str, problems: list[Problem], operation: str = "", ok: str = ""
    ) -> bool:
        status: Status = "failed" if problems else "passed"
        self.counts[status] += 1
        message = f"{len(problems)} defects" if problems else ok
        self.emit(
            CheckResult(
                SUITE,
                name,
                status,
                group=requirement,
                operation=operation,
                message=message,
                requirement=requirement,
            )
        )
        for p in problems:
            self.sink.add(
                (requirement, *p.group),
                _check_id(requirement),
                p.title,
                p.detail,
                requirement,
                operation=p.operation or operation,
                extra=p.extra,
            )
        self.sink.close(lambda g: _check_id(g[0]))
        return not problems

    def skip(self, name: str, requirement: str, why: str, operation: str = "") -> None:
        self.counts["skipped"] += 1
        self.emit(
            CheckResult(
                SUITE,
                name,
                "skipped",
                group=requirement,
                operation=operation,
                message=f"not judged: {why}",
                requirement=requirement,
            )
        )

    # --- the run ----------------------------------------------------------------------------------

    def run(self) -> None:
        started = time.monotonic()
        since = self._now()
        planted: Planted | None = None
        try:
            planted = plant(self.role, self.ctx.base_url, self.ctx.tokens, self.seed)
        except PlantError as exc:
            self.stats["plant_error"] = str(exc)
        try:
            export = self.client.export()
        except BulkError as exc:
            self._no_export(exc)
            self.stats["duration_s"] = round(time.monotonic() - started, 1)
            return
        parsed = parse(self.role, export)
        self.stats["exported"] = {t: len(d) for t, d in parsed.docs.items()}
        self._judge_format(export, parsed)
        self._judge_complete_and_faithful(parsed, planted)
        self._judge_incremental(parsed, planted, since)
        self._judge_import(parsed)
        self._judge_roundtrip(export, parsed)
        self.stats["duration_s"] = round(time.monotonic() - started, 1)

    def _no_export(self, exc: BulkError) -> None:
        if exc.no_token:  # the harness's credentials, not the product, stopped it: not judged
            for name, req in (("export: kick-off, status, manifest and files", EXPORT), *self._dependent()):
                self.skip(name, req, f"{exc}; give credentials with that scope in --auth (docs/vendors.md)")
            return
        missing = (
            "the product has no bulk export (the standard's POST /bulk/exports)" if exc.missing else str(exc)
        )
        self.check(
            "export: kick-off, status, manifest and files",
            EXPORT,
            [
                Problem(
                    ("export",),
                    "The product could not export its data through the standard's bulk API",
                    f"{missing}. Without a standard export a force cannot take its data to another product.",
                )
            ],
            operation=BULK_OPERATION,
        )
        for name, req in self._dependent():
            self.skip(name, req, f"no export: {missing}")

    @staticmethod
    def _dependent() -> tuple[tuple[str, str], ...]:
        """The checks that need an export."""
        return (
            ("export: holds every entity put in, nothing invented", COMPLETE),
            ("export: identifiers, links, versions and history as the product reads them", FIDELITY),
            ("incremental export (since) holds what changed after it", INCREMENTAL),
            ("bulk import: refusals and all-or-nothing", IMPORT),
            ("round trip into a fresh reference system", ROUNDTRIP),
        )

    def _judge_format(self, export: Export, parsed: Parsed) -> None:
        from simulators.core.spec import load_spec

        names = entities(self.role).names
        self.check(
            "export: manifest, counts and SHA-256",
            EXPORT,
            manifest_problems(self.role, export, names) + parsed.problems,
            BULK_OPERATION,
            ok=", ".join(f"{t}: {n}" for t, n in self.stats["exported"].items()),
        )
        self.check(
            "export: every line validates against the standard's Bulk schema",
            EXPORT,
            schema_problems(self.role, export, load_spec(self.role)),
            BULK_OPERATION,
        )

    def _judge_complete_and_faithful(self, parsed: Parsed, planted: Planted | None) -> None:
        missing: list[Problem] = []
        changed: list[Problem] = []
        if planted is not None:
            for type_name, keys in planted.keys.items():
                kind = kind_for(self.role, type_name)
                for key in keys:
                    doc = parsed.get(type_name, key)
                    if doc is None:
                        missing.append(
                            Problem(
                                ("missing", type_name),
                                f"{planted.names[(type_name, key)]} missing from export",
                                "The harness put it in through the standard API; the export lacks it.",
                                extra={"type": type_name, "key": key},
                            )
                        )
                    elif (type_name, key) in planted.reads:
                        changed += change_problems(
                            kind, key, planted.reads[(type_name, key)], doc, "in export", "changed", read=True
                        )
            changed += self._history(parsed, planted)
        invented: list[Problem] = []
        reads = 0
        for kind in entities(self.role).kinds:
            if not kind.read:
                continue
            exported = parsed.docs.get(kind.name, {})
            planted_keys = set(planted.keys.get(kind.name, [])) if planted else set()
            keys = [k for k in sample(list(exported), SAMPLE) if k not in planted_keys]
            bad, diff, done = against_reads(kind, keys, exported, self._read)
            invented += bad
            changed += diff
            reads += done
        self.stats["read_back"] = reads
        if planted is None or not planted.keys:
            why = (
                self.stats.get("plant_error")
                or f"the harness puts no known data into a {self.role} product yet"
            )
            if reads:
                self.check(
                    "export: nothing invented (a sample read through the standard API)", COMPLETE, invented
                )
            else:
                self.skip("export: holds every entity put in, nothing invented", COMPLETE, why)
        else:
            self.check(
                "export: holds every entity put in, nothing invented",
                COMPLETE,
                missing + invented,
                ok=f"{sum(len(k) for k in planted.keys.values())} entities put in, {reads} more read back",
            )
        if reads or (planted and planted.reads):
            self.check(
                "export: identifiers, links, versions and history as the product reads them",
                FIDELITY,
                changed,
            )
        else:
            self.skip(
                "export: identifiers, links, versions and history as the product reads them",
                FIDELITY,
                self.stats.get("plant_error") or "nothing was read back from the product",
            )

    def _history(self, parsed: Parsed, planted: Planted) -> list[Problem]:
        """Merges and versions: the merge record, the merged-away nominal pointing at its survivor."""
        out: list[Problem] = []
        merges = parsed.docs.get("merge", {}).values()
        for dup, survivor in planted.merged.items():
            if not any(m.get("duplicate_id") == dup and m.get("survivor_id") == survivor for m in merges):
                out.append(
                    Problem(
                        ("history", "merge"),
                        f"the merge of nominal {dup} into {survivor} missing from export",
                        "The export's merge file has no line for it: the merge history is lost.",
                    )
                )
            doc = parsed.get("nominal", dup)
            if doc is not None and doc.get("merged_into") != survivor:
                out.append(
                    Problem(
                        ("history", "merged_into"),
                        f"merged_into of merged-away nominal {dup} dropped in export"
                        if not doc.get("merged_into")
                        else f"merged_into of merged-away nominal {dup} changed in export",
                        f"Expected {survivor}; the export says {doc.get('merged_into')!r}.",
                    )
                )
        for (type_name, key), version in planted.changed.items():
            doc = parsed.get(type_name, key)
            if doc is not None and doc.get("version") != version:
                out.append(
                    Problem(
                        ("history", "version"),
                        f"version of {type_name} {key} changed in export",
                        f"The product reads version {version}; the export says {doc.get('version')!r}.",
                    )
                )
        return out

    def _judge_incremental(self, parsed: Parsed, planted: Planted | None, since: str | None) -> None:
        name = "incremental export (since) holds what changed after it"
        if not planted or not planted.keys or since is None:
            self.skip(name, INCREMENTAL, self.stats.get("plant_error") or "no known change to look for")
            return
        try:
            export = self.client.export(since=since)
        except BulkError as exc:
            self.check(
                name,
                INCREMENTAL,
                [Problem(("since",), "An export with since was refused", str(exc))],
                BULK_OPERATION,
            )
            return
        later = parse(self.role, export)
        after = datetime.fromisoformat(since)
        problems: list[Problem] = []
        for type_name, keys in planted.keys.items():
            for key in keys:
                if later.get(type_name, key) is None:
                    problems.append(
                        Problem(
                            ("since", "missing"),
                            f"{planted.names[(type_name, key)]} missing from the export since {since}",
                            "It was put in after that time.",
                            extra={"type": type_name, "key": key},
                        )
                    )
        for type_name, docs in later.docs.items():
            kind = kind_for(self.role, type_name)
            for key, doc in docs.items():
                latest = latest_instant(doc)
                if parsed.get(type_name, key) == doc and latest is not None and latest < after:
                    problems.append(
                        Problem(
                            ("since", "unchanged", type_name),
                            f"{kind.noun} {key} is in the export since {since} but did not change after it",
                            f"Its latest time is {latest.isoformat()}.",
                        )
                    )
        self.stats["incremental"] = {t: len(d) for t, d in later.docs.items()}
        self.check(name, INCREMENTAL, problems, BULK_OPERATION)

    def _judge_import(self, parsed: Parsed) -> None:
        """The product's own import: a bad line is refused with a rule id; all-or-nothing writes nothing."""
        kind = entities(self.role).kinds[0]
        template = next(iter(parsed.docs.get(kind.name, {}).values()), None)
        if template is None:
            self.skip(
                "bulk import: refusals and all-or-nothing",
                IMPORT,
                f"the export has no {kind.name} to model a line on",
                IMPORT_OPERATION,
            )
            return
        good = dict(template)
        good[kind.key[0]] = str(uuid.uuid5(NAMESPACE, f"{self.role}-{self.seed}-{time.time_ns()}"))
        bad = {"line": "not a record of the standard"}
        problems: list[Problem] = []
        for mode, lines in (("all-or-nothing", [good, bad]), ("per-record", [bad])):
            try:
                outcome = self.client.import_export(_export_of(kind.name, lines), mode=mode)
            except BulkError as exc:
                what = "the product has no bulk import (POST /bulk/imports)" if exc.missing else str(exc)
                problems.append(
                    Problem(("import", mode), f"A {mode} import could not be run", what, IMPORT_OPERATION)
                )
                break
            refused = [r for r in outcome.results if r.get("outcome") == "refused"]
            if not any(r.get("line") == len(lines) and r.get("rule") for r in refused):
                problems.append(
                    Problem(
                        ("import", mode, "rule"),
                        f"A {mode} import did not refuse a line that is not a record with a rule id",
                        f"Result file: {outcome.results[:3]!r}",
                        IMPORT_OPERATION,
                    )
                )
            if mode == "all-or-nothing":
                if outcome.job.get("imported") not in (0, None) or any(
                    r.get("outcome") == "imported" for r in outcome.results
                ):
                    problems.append(
                        Problem(
                            ("import", "atomic"),
                            "An all-or-nothing import wrote records although one line was refused",
                            f"Job: imported {outcome.job.get('imported')!r}.",
                            IMPORT_OPERATION,
                        )
                    )
                elif kind.read:
                    status, _ = self._read(kind, good[kind.key[0]])
                    if status == 200:
                        problems.append(
                            Problem(
                                ("import", "atomic"),
                                f"An all-or-nothing import wrote {kind.noun} {good[kind.key[0]]} "
                                "although another line was refused",
                                "The product reads it back.",
                                IMPORT_OPERATION,
                            )
                        )
        self.check("bulk import: refusals and all-or-nothing", IMPORT, problems, IMPORT_OPERATION)

    def _judge_roundtrip(self, export: Export, parsed: Parsed) -> None:
        name = "round trip into a fresh reference system"
        if self.reference is None:
            self.skip(name, ROUNDTRIP, "no reference system to import into")
            return
        from harness.auth import TargetTokens

        problems: list[Problem] = []
        with self.reference(self.role) as ref_url:
            ref = BulkClient(ref_url, TargetTokens(ref_url), self.role)
            try:
                outcome = ref.import_export(export, mode="per-record")
                back = parse(self.role, ref.export())
            except BulkError as exc:  # the export as a whole could not be imported
                why = Problem(
                    ("import",), "The export could not be imported into a fresh reference system", str(exc)
                )
                self.check(name, ROUNDTRIP, [why], IMPORT_OPERATION)
                return
            for r in outcome.results:
                if r.get("outcome") == "refused":
                    kind = kind_for(self.role, str(r.get("type")))
                    key = str(r.get("id") or f"line {r.get('line')}")
                    problems.append(
                        Problem(
                            ("refused", kind.name, str(r.get("rule"))),
                            f"{name_of(kind, key, parsed.get(kind.name, key))} refused by the "
                            f"reference system (rule {r.get('rule')})",
                            str(r.get("detail") or ""),
                            extra={"type": kind.name, "key": key, "rule": r.get("rule")},
                        )
                    )
        refused_keys = {p.extra.get("key") for p in problems}
        self.stats["round_trip"] = {t: len(d) for t, d in back.docs.items()}
        for type_name, docs in parsed.docs.items():
            kind = kind_for(self.role, type_name)
            for key, doc in docs.items():
                again = back.get(type_name, key)
                if again is None and key in refused_keys:
                    continue  # already named as refused
                if again is None:
                    problems.append(
                        Problem(
                            ("lost", type_name),
                            f"{name_of(kind, key, doc)} lost in the round trip",
                            "Imported into a fresh reference system, it is not there afterwards.",
                            extra={"type": type_name, "key": key},
                        )
                    )
                else:
                    problems += change_problems(kind, key, doc, again, "in the round trip", "round-trip")
        self.check(
            name,
            ROUNDTRIP,
            problems,
            IMPORT_OPERATION,
            ok=f"{sum(len(d) for d in back.docs.values())} entities reproduced",
        )

    # --- the product's read API -------------------------------------------------------------------

    def _now(self) -> str | None:
        now = product_now(self.http, self.ctx.base_url)
        return now.isoformat() if now else None


def latest_instant(doc: Any) -> datetime | None:
    """The latest time anywhere in a line (`*_at`, `at`); None if it has none."""
    found: list[datetime] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if isinstance(value, str) and (name == "at" or name.endswith("_at")):
                    with contextlib.suppress(ValueError):
                        found.append(datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return max(found) if found else None


def _check_id(requirement: str) -> str:
    return requirement.lower().replace("port-", "portability-")


def _export_of(type_name: str, docs: list[dict[str, Any]]) -> Export:
    """A one-type export holding `docs`, for an import probe."""
    import json

    from harness.portability.client import sha256

    data = b"".join(json.dumps(d, separators=(",", ":")).encode() + b"\n" for d in docs)
    return Export(
        {"output": []},
        {type_name: data},
        {type_name: [{"count": len(docs), "sha256": sha256(data), "bytes": len(data), "entry": {}}]},
    )
