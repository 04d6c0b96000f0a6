"""An export's NDJSON files read into entities by key, and judged against the standard's schemas."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness.portability.client import Export
from harness.portability.entities import kind_for
from simulators.core.schemas import CompiledSchemas, field_errors


@dataclass(frozen=True)
class Problem:
    """One defect of an export or an import; `group` gathers the same defect on many records."""

    group: tuple[str, ...]
    title: str
    detail: str
    operation: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    """Each type's lines as documents by key (first line of a key wins), and the lines' defects."""

    docs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, type_name: str, key: str) -> dict[str, Any] | None:
        return self.docs.get(type_name, {}).get(key)


def parse(role: str, export: Export) -> Parsed:
    out = Parsed()
    for type_name in export.files:
        kind = kind_for(role, type_name)
        docs = out.docs.setdefault(type_name, {})
        for n, raw in enumerate(export.lines(type_name), 1):
            try:
                doc = json.loads(raw)
            except ValueError:
                out.problems.append(
                    Problem(
                        (type_name, "not-json"),
                        f"line {n} of the {type_name} file is not JSON",
                        raw[:200].decode("utf-8", "replace"),
                    )
                )
                continue
            key = kind.key_of(doc)
            if key is None:
                out.problems.append(
                    Problem(
                        (type_name, "no-key"),
                        f"line {n} of the {type_name} file has no {'/'.join(kind.key)}",
                        "",
                    )
                )
            elif key in docs:
                out.problems.append(
                    Problem(
                        (type_name, "twice"),
                        f"{kind.noun} {key} is in the export twice",
                        f"Lines with the same key: the second is line {n}.",
                    )
                )
            else:
                docs[key] = doc
    return out


def manifest_problems(role: str, export: Export, expected_types: list[str]) -> list[Problem]:
    """The manifest against the files: one entry per type asked for, counts and SHA-256 right."""
    out: list[Problem] = []
    manifest = export.manifest
    for type_name in expected_types:
        if type_name not in export.files:
            out.append(
                Problem(
                    ("manifest", "missing-type"),
                    f"no {type_name} file in the export",
                    f"The manifest lists no output of type {type_name}; "
                    f"the standard exports every type of the {role} role.",
                )
            )
    for type_name in export.files:
        if type_name not in expected_types:
            out.append(
                Problem(
                    ("manifest", "unknown-type"),
                    f"the export has a {type_name} file, a type the standard does not have",
                    "",
                )
            )
    for type_name, files in export.fetched.items():
        for f in files:
            entry = f["entry"]
            if entry.get("count") != f["count"]:
                out.append(
                    Problem(
                        ("manifest", "count"),
                        f"the manifest's count for {type_name} is wrong",
                        f"Manifest: {entry.get('count')!r}; lines in {entry.get('url')}: {f['count']}.",
                    )
                )
            if entry.get("sha256") != f["sha256"]:
                out.append(
                    Problem(
                        ("manifest", "sha256"),
                        f"the manifest's SHA-256 for {type_name} is wrong",
                        f"Manifest: {entry.get('sha256')!r}; of the file's bytes: {f['sha256']}.",
                    )
                )
            if "bytes" in entry and entry.get("bytes") != f["bytes"]:
                out.append(
                    Problem(
                        ("manifest", "bytes"),
                        f"the manifest's byte count for {type_name} is wrong",
                        f"Manifest: {entry.get('bytes')!r}; file: {f['bytes']}.",
                    )
                )
    if manifest.get("state") != "completed":
        out.append(
            Problem(
                ("manifest", "state"),
                "the finished export's state is not completed",
                f"state: {manifest.get('state')!r}",
            )
        )
    return out


def schema_problems(role: str, export: Export, spec: dict[str, Any]) -> list[Problem]:
    """Every line against its type's `Bulk*` schema in the role's document."""
    schemas = CompiledSchemas(spec)
    names = spec.get("components", {}).get("schemas", {})
    out: list[Problem] = []
    for type_name in export.files:
        kind = kind_for(role, type_name)
        if kind.schema not in names:
            continue  # a type the standard does not have: manifest_problems names it
        validator = schemas.validator(("bulk", kind.schema), {"$ref": f"#/components/schemas/{kind.schema}"})
        for n, raw in enumerate(export.lines(type_name), 1):
            try:
                doc = json.loads(raw)
            except ValueError:
                continue  # parse() names it
            for path, message in field_errors("", validator, doc, limit=5):
                key = kind.key_of(doc) or f"line {n}"
                out.append(
                    Problem(
                        (type_name, "schema", path),
                        f"{type_name} line {n} ({key}) breaks {kind.schema} at {path or 'the line'}",
                        message,
                    )
                )
    return out
