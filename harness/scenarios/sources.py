"""Source descriptions: the OpenAPI documents a scenario's steps call, and which system each is.

A source is one of the standard's documents (`contracts/openapi/<system>.yaml`, its name or
`x-interop-system` saying which system serves it) or the simulators' test-support document
(`scenarios/support/sim-support.yaml`), one source per system it is used on. Files are read
offline, relative to the scenario file; `$ref`s to other files (the standard's `common.yaml`) are
followed where an operation's method, path, parameters, body and scopes are read.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.errors import BadInput
from simulators.core.config import SYSTEMS
from simulators.core.spec import COMMON_FILE, common_path

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SourceError(BadInput):
    """A source description that cannot be used."""


@dataclass(frozen=True)
class Operation:
    """One operation a step can call."""

    source: str
    system: str
    operation_id: str | None
    method: str  # upper case
    path: str  # template, e.g. /custody-records/{custody_id}
    pointer: str  # JSON pointer of the operation in its document (#/paths/~1x/get)
    scopes: tuple[str, ...] | None  # first security alternative; None: no token needed
    parameters: tuple[tuple[str, str, bool], ...] = ()  # (in, name, required)
    body_types: tuple[str, ...] = ()
    body_required: bool = False
    probe: str | None = None  # x-interop-probe: GET this to learn whether the system offers it

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def name(self) -> str:
        return self.operation_id or self.label

    @property
    def path_params(self) -> list[str]:
        import re

        return re.findall(r"\{([^{}]+)\}", self.path)

    def declares(self, where: str, name: str) -> bool:
        return any(
            w == where and (n == name or (where == "header" and n.lower() == name.lower()))
            for w, n, _ in self.parameters
        )


@dataclass
class Source:
    name: str
    url: str
    path: Path
    system: str
    operations: list[Operation] = field(default_factory=list)

    @property
    def support(self) -> bool:
        """Test-support (not the standard): its operations name a probe."""
        return any(op.probe for op in self.operations)

    def by_id(self, operation_id: str) -> Operation | None:
        return next((op for op in self.operations if op.operation_id == operation_id), None)

    def by_pointer(self, pointer: str) -> Operation | None:
        return next((op for op in self.operations if op.pointer == pointer), None)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


@functools.lru_cache(maxsize=64)
def _read(path: str, mtime: float) -> Any:
    return yaml.safe_load(Path(path).read_text())


def read_document(path: Path) -> Any:
    try:
        return _read(str(path), path.stat().st_mtime)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(f"{path} is not valid YAML{where}: {problem}") from exc


def _deref(node: Any, doc: Any, path: Path, depth: int = 0) -> tuple[Any, Any, Path]:
    """Follow `$ref` (local or to another file beside `path`) until a real node is reached."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        if depth > 20:
            raise SourceError(f"{path}: $ref chain too deep at {node['$ref']}")
        ref = node["$ref"]
        target, _, pointer = ref.partition("#")
        if target:
            # A system's document outside contracts/ shares the standard's common.yaml.
            path = common_path(path) if target == COMMON_FILE else (path.parent / target).resolve()
            doc = read_document(path)
        node = doc
        for token in [t for t in pointer.split("/") if t]:
            key = _unescape(token)
            if isinstance(node, list):
                node = node[int(key)]
            elif isinstance(node, dict) and key in node:
                node = node[key]
            else:
                raise SourceError(f"{path}: $ref {ref!r} points at nothing")
        depth += 1
    return node, doc, path


def _scopes(op: dict[str, Any], doc: dict[str, Any]) -> tuple[str, ...] | None:
    requirements = op.get("security", doc.get("security", []))
    if not requirements or any(not r for r in requirements):
        return None
    first = requirements[0]
    return tuple(s for needed in first.values() for s in needed)


def _operations(name: str, system: str, doc: dict[str, Any], path: Path) -> list[Operation]:
    out: list[Operation] = []
    for template, raw_item in (doc.get("paths") or {}).items():
        item, item_doc, item_path = _deref(raw_item, doc, path)
        if not isinstance(item, dict):
            continue
        shared = item.get("parameters") or []
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            params: dict[tuple[str, str], bool] = {}
            for raw in [*shared, *(op.get("parameters") or [])]:
                p, _, _ = _deref(raw, item_doc, item_path)
                if isinstance(p, dict) and "in" in p and "name" in p:
                    params[(p["in"], p["name"])] = bool(p.get("required"))
            body, _, _ = (
                _deref(op.get("requestBody"), item_doc, item_path)
                if op.get("requestBody")
                else ({}, None, None)
            )
            out.append(
                Operation(
                    source=name,
                    system=system,
                    operation_id=op.get("operationId"),
                    method=method.upper(),
                    path=template,
                    pointer=f"#/paths/{_escape(template)}/{method}",
                    scopes=_scopes(op, doc),
                    parameters=tuple((w, n, r) for (w, n), r in params.items()),
                    body_types=tuple((body or {}).get("content", {}) or ()),
                    body_required=bool((body or {}).get("required")),
                    probe=op.get("x-interop-probe"),
                )
            )
    return out


def system_of(description: dict[str, Any]) -> str:
    """Which system serves a source: `x-interop-system`, else the source's name."""
    system = description.get("x-interop-system", description.get("name"))
    if system not in SYSTEMS:
        raise SourceError(
            f"source {description.get('name')!r} is served by no known system: name it after one "
            f"({', '.join(SYSTEMS)}) or give x-interop-system"
        )
    return str(system)


def load_source(description: dict[str, Any], base: Path) -> Source:
    """Load one Source Description Object relative to the scenario file's folder `base`."""
    name, url = description["name"], description["url"]
    if description.get("type", "openapi") != "openapi":
        raise SourceError(f"source {name!r}: only OpenAPI source descriptions are supported here")
    if url.startswith(("http://", "https://")):
        raise SourceError(f"source {name!r}: give a file path (scenarios run offline), not {url}")
    system = system_of(description)
    path = (base / url).resolve()
    if not path.is_file():
        raise SourceError(f"source {name!r}: no file at {url} (looked for {path})")
    doc = read_document(path)
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3."):
        raise SourceError(f"source {name!r}: {url} is not an OpenAPI 3 document")
    return Source(name, url, path, system, _operations(name, system, doc, path))
