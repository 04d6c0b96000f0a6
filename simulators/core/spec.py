"""The published standard: `contracts/bundled/<system>.json`, one self-contained document per system.

The bundled document is what a simulator serves at `/openapi.json` and validates against, and
what the harness fuzzes, so all of them read exactly one thing. It is generated from the split
sources (`contracts/openapi/<system>.yaml` + `common.yaml`) by `make standard`
(`harness/standard/bundled.py`); a test checks the checked-in file is current. A contracts folder
without a `bundled/` document (a toy standard in tests) is bundled from its sources on load.

Why a small hand-written bundler: the standard keeps shared POLE schemas in `common.yaml`,
referenced as `common.yaml#/components/...`. Served documents must be self-contained (a vendor
fetching `/openapi.json` has no `common.yaml` beside it). The maintained bundlers either target
OpenAPI 3.0 / Swagger (prance) or are Node tools; OpenAPI 3.1 allows plain JSON Schema `$ref`s,
so rewriting the external references to local ones and copying the shared components is all
that is needed, and it keeps the output byte-stable.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path
from typing import Any

import yaml

from simulators.core import registry

COMMON_FILE = "common.yaml"


def contracts_dir() -> Path:
    """Where the standard lives: `INTEROP_CONTRACTS_DIR`, else the repository's `contracts/`."""
    env = os.environ.get("INTEROP_CONTRACTS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "contracts"


def openapi_path(system: str) -> Path:
    """The source document of `system`: its registry entry's own document, else the standard's."""
    entry = registry.find(system)
    if entry is not None and entry.document is not None:
        return entry.document
    return contracts_dir() / "openapi" / f"{system}.yaml"


def common_path(source: Path) -> Path:
    """The shared components a source document refers to: `common.yaml` beside it, else the standard's
    (a system registered from outside the contracts folder shares the standard's components)."""
    beside = source.with_name(COMMON_FILE)
    return beside if beside.exists() else contracts_dir() / "openapi" / COMMON_FILE


def _own_document(system: str) -> bool:
    entry = registry.find(system)
    return entry is not None and entry.document is not None


def bundled_path(system: str) -> Path:
    """Where the generated, self-contained document of `system` is kept."""
    return contracts_dir() / "bundled" / f"{system}.json"


def bundle_sources(system: str) -> dict[str, Any]:
    """Bundle `system` from its split sources (what `make standard` writes to `bundled_path`)."""
    path = openapi_path(system)
    if not path.exists():
        raise FileNotFoundError(f"no OpenAPI document for {system!r} at {path}")
    common_file = common_path(path)
    common = yaml.safe_load(common_file.read_text()) if common_file.exists() else {}
    return bundle(yaml.safe_load(path.read_text()), common)


def render_bundled(document: dict[str, Any]) -> str:
    """The byte-stable text of a bundled document (what is checked in and served)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(prefix):
                out[key] = "#" + value[len(prefix) :]
            else:
                out[key] = _rewrite_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, prefix) for v in node]
    return node


def bundle(document: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    """Inline `common.yaml` components into `document` and make every `$ref` local."""
    doc: dict[str, Any] = _rewrite_refs(copy.deepcopy(document), COMMON_FILE + "#")
    components = doc.setdefault("components", {})
    for section, entries in (common.get("components") or {}).items():
        target = components.setdefault(section, {})
        for name, value in entries.items():
            if name in target and target[name] != value:
                raise ValueError(
                    f"components/{section}/{name} is defined in both the system document and common.yaml"
                )
            target.setdefault(name, copy.deepcopy(value))
    # Inline path-item references: some tools still resolve `$ref` only below operations.
    for path, item in list(doc.get("paths", {}).items()):
        ref = item.get("$ref") if isinstance(item, dict) else None
        if ref and ref.startswith("#/components/pathItems/"):
            doc["paths"][path] = copy.deepcopy(components["pathItems"][ref.rsplit("/", 1)[1]])
    components.pop("pathItems", None)
    _drop_unused_shared(doc, own=document.get("components") or {})
    return doc


def _local_refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _local_refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_local_refs(v) for v in node)) if node else set()
    return set()


def _drop_unused_shared(doc: dict[str, Any], own: dict[str, Any]) -> None:
    """Remove the shared (common.yaml) components this document never reaches: a vendor's tools
    report unused components, and a system document should not offer shapes it does not use.
    The system's own components and the security schemes (named, not referenced) stay."""
    components = doc["components"]
    reached: set[str] = set()
    todo = _local_refs({k: v for k, v in doc.items() if k != "components"})
    while todo:
        ref = todo.pop()
        if ref in reached or not ref.startswith("#/components/"):
            continue
        reached.add(ref)
        _, _, section, name = ref.split("/", 3)
        todo |= _local_refs((components.get(section) or {}).get(name))
    for section, entries in components.items():
        if section == "securitySchemes":
            continue
        for name in list(entries):
            if name not in (own.get(section) or {}) and f"#/components/{section}/{name}" not in reached:
                del entries[name]


@functools.lru_cache(maxsize=16)
def _read_bundled(path: str, mtime: float) -> str:
    return Path(path).read_text()


@functools.lru_cache(maxsize=16)
def _bundle_sources_text(system: str, contracts: str, mtimes: tuple[float, float]) -> str:
    return json.dumps(bundle_sources(system))


def load_spec(system: str) -> dict[str, Any]:
    """The bundled OpenAPI document of `system` (a fresh copy each call)."""
    path = bundled_path(system)
    doc: dict[str, Any]
    if path.exists() and not _own_document(system):
        doc = json.loads(_read_bundled(str(path), path.stat().st_mtime))
        return doc
    source = openapi_path(system)
    if not source.exists():
        raise FileNotFoundError(f"no OpenAPI document for {system!r} at {path} or {source}")
    # No generated document (a toy standard in tests): bundle the sources on load.
    common = common_path(source)
    mtimes = (source.stat().st_mtime, common.stat().st_mtime if common.exists() else 0.0)
    doc = json.loads(_bundle_sources_text(system, str(contracts_dir()), mtimes))
    return doc


def flask_rule_to_template(rule: str) -> str:
    """`/nominals/<nominal_id>` or `/x/<uuid:id>` -> `/nominals/{nominal_id}` (OpenAPI path template)."""
    out, i = [], 0
    while i < len(rule):
        if rule[i] == "<":
            j = rule.index(">", i)
            name = rule[i + 1 : j].split(":")[-1]
            out.append("{" + name + "}")
            i = j + 1
        else:
            out.append(rule[i])
            i += 1
    return "".join(out)


def operation(spec: dict[str, Any], template: str, method: str) -> dict[str, Any] | None:
    """The operation object for a path template and method, or None if the spec has none."""
    item = spec.get("paths", {}).get(template)
    if not item:
        return None
    op: dict[str, Any] | None = item.get(method.lower())
    return op


def security_alternatives(spec: dict[str, Any], op: dict[str, Any]) -> list[list[str]] | None:
    """The scope alternatives an operation needs; None when it is public (`security: []`)."""
    requirements = op.get("security", spec.get("security", []))
    if not requirements:
        return None
    alternatives: list[list[str]] = []
    for requirement in requirements:
        if not requirement:  # {} means "anonymous allowed"
            return None
        scopes: list[str] = []
        for _scheme, needed in requirement.items():
            scopes.extend(needed)
        alternatives.append(scopes)
    return alternatives


def operation_label(method: str, template: str) -> str:
    return f"{method.upper()} {template}"
