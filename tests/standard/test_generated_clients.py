"""Clients generated from the bundled documents by tools vendors use work (issue 18, item 3).

- Python: openapi-python-client (PyPI; in its own venv .ci/pytools, as it pins an older typer
  than the project's; the generated code runs on httpx and attrs, [dev] dependencies) generates a
  client from each `contracts/bundled/<system>.json` with no warning (a warning means it dropped
  a schema or a response), with every operation of the document. Through it, a write per system
  and every read of the seeded world's resources (the default world the examples name) parse
  into typed objects: each collection's page and each of its items is a generated model, never a
  dict, None or Unset, and no member the server sent is left untyped.
- TypeScript: openapi-typescript generates the types, a check file uses them with openapi-fetch
  and asserts every operation is there and every collection's items are typed, and `tsc --noEmit`
  (strict) accepts it. These tools are installed by `bash .ci/run` (npm ones into .ci/node):
  skipped with the reason outside CI when absent, a failure in CI.
Generated code goes into a temporary folder, never the repository.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

import attrs
import pytest

from harness.embedded import EmbeddedEcosystem
from simulators.core.config import SYSTEMS
from tests.standard.vendor_tools import REPO, node_package, node_tool, python_tool

BUNDLED = REPO / "contracts" / "bundled"
# No post-generation hooks (the default runs ruff over the output: slow, and not what is judged).
GENERATOR_CONFIG = (
    "post_hooks: []\ncontent_type_overrides:\n  application/x-ndjson: application/octet-stream\n"
)
SCOPES = [
    "records:read",
    "records:write",
    "custody:read",
    "custody:write",
    "intelligence:read",
    "intelligence:write",
    "intelligence:audit",
    "intelligence:indicator",
]
# One write per system through the generated client (its document's first request example), so
# that each change feed has an entry to parse. The examples are true in the default world
# (tests/standard/test_examples.py).
WRITES = {"records": "createNominal", "custody": "bookInDetainee", "intelligence": "submitReport"}
MISSING = "00000000-0000-4000-8000-000000000000"  # an id no seeded resource has
# The resource id each collection's items give the reads that need it.
IDS = ("nominal_id", "occurrence_id", "custody_id", "report_id")


def document(system: str) -> dict[str, Any]:
    return json.loads((BUNDLED / f"{system}.json").read_text(encoding="utf-8"))


def snake(operation_id: str) -> str:
    """The module name openapi-python-client gives an operation (its operationId in snake_case)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) of every operation of `doc`."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                yield method.upper(), path, op


def resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref.rsplit("/", 1)[1] if isinstance(ref, str) else None


def success_schema(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, Any] | None:
    response = resolve(doc, op["responses"].get("200") or {})
    media = (response.get("content") or {}).get("application/json")
    return None if media is None else media.get("schema")


def class_names(doc: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """The generated model names a value of `schema` may have (its alternatives for a oneOf)."""
    target = resolve(doc, schema)
    alternatives = target.get("oneOf") or target.get("anyOf")
    if alternatives:
        return {n for n in map(ref_name, alternatives) if n}
    name = ref_name(schema)
    return {name} if name else set()


def page_items(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any] | None:
    """The items schema of a collection (`allOf [Page, {items}]`), or None for other schemas."""
    for part in resolve(doc, schema).get("allOf") or []:
        items = (resolve(doc, part).get("properties") or {}).get("items")
        if items:
            return items["items"]
    return None


# -- the Python client -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def python_clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[ModuleType, str]]]:
    """Each system's generated package (imported from a temporary folder) and the generator's output."""
    generator = python_tool("openapi-python-client", "openapi-python-client")
    out = tmp_path_factory.mktemp("generated-python")
    config = out / "config.yaml"
    config.write_text(GENERATOR_CONFIG)
    clients = {}
    for system in SYSTEMS:
        package = f"{system}_generated_client"
        done = subprocess.run(
            [
                str(generator),
                "generate",
                "--path",
                str(BUNDLED / f"{system}.json"),
                "--output-path",
                str(out / package),
                "--meta",
                "none",
                "--config",
                str(config),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=out,
        )
        assert done.returncode == 0, f"{system}: openapi-python-client failed: {done.stdout}{done.stderr}"
        clients[system] = (package, done.stdout + done.stderr)
    sys.path.insert(0, str(out))
    try:
        yield {
            system: (importlib.import_module(package), said) for system, (package, said) in clients.items()
        }
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0].endswith("_generated_client")]:
            del sys.modules[name]


@pytest.mark.parametrize("system", SYSTEMS)
def test_openapi_python_client_drops_nothing(python_clients: dict, system: str) -> None:
    _, said = python_clients[system]
    assert "Warning" not in said and "Unable to process" not in said, (
        f"openapi-python-client dropped part of {system}.json:\n{said[-3000:]}"
    )


def generated_operations(package: ModuleType) -> dict[str, ModuleType]:
    """Module name -> module of every endpoint function of a generated package."""
    api = Path(package.__file__).parent / "api"
    found = {}
    for module in sorted(api.glob("*/*.py")):
        if module.stem != "__init__":
            found[module.stem] = importlib.import_module(
                f"{package.__name__}.api.{module.parent.name}.{module.stem}"
            )
    return found


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_operation_is_in_the_python_client(python_clients: dict, system: str) -> None:
    package, _ = python_clients[system]
    expected = {snake(op["operationId"]) for _, _, op in operations(document(system))}
    found = generated_operations(package)
    assert expected - set(found) == set(), f"{system}: operations missing from the generated client"
    assert set(found) - expected == set(), (
        f"{system}: the generated client has operations the document has not"
    )
    for name in expected:
        assert callable(getattr(found[name], "sync_detailed", None)), f"{system}.{name} has no sync_detailed"


def open_schemas(doc: dict[str, Any]) -> set[str]:
    """Schemas that say members beyond their properties are expected (`additionalProperties` given,
    e.g. records' CustodyHistoryEntry: a custody record as the custody standard describes it)."""
    schemas = doc["components"]["schemas"]
    return {name for name, s in schemas.items() if s.get("additionalProperties", False) is not False}


def typed_problems(
    value: Any, package: ModuleType, where: str, open_: frozenset[str] = frozenset()
) -> list[str]:
    """Where `value` (a parsed answer) is not made of the generated models: a dict, or a member the
    server sent that no typed attribute holds (unless its schema is one of `open_`)."""
    unset = importlib.import_module(f"{package.__name__}.types").Unset
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in typed_problems(v, package, f"{where}[{i}]", open_)]
    if isinstance(value, dict):
        return [f"{where}: a dict, not a generated model"]
    if isinstance(value, unset):
        return []
    if not attrs.has(type(value)):
        return []
    problems = []
    declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
    extra = getattr(value, "additional_properties", {})
    if declared and extra and type(value).__name__ not in open_:
        problems.append(f"{where}: members {sorted(extra)} not typed by {type(value).__name__}")
    for name in declared:
        problems += typed_problems(getattr(value, name), package, f"{where}.{name}", open_)
    return problems


def collect_ids(value: Any, ids: dict[str, list[str]]) -> None:
    """Every id of each kind (IDS) anywhere in a parsed answer, for the reads that need one."""
    if isinstance(value, list):
        for v in value:
            collect_ids(v, ids)
    elif attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            member = getattr(value, f.name)
            if f.name in IDS and isinstance(member, str | UUID):
                if str(member) not in ids.setdefault(f.name, []):
                    ids[f.name].append(str(member))
            elif f.name != "additional_properties":
                collect_ids(member, ids)


def candidates(names: list[str], ids: dict[str, list[str]], tries: int = 60) -> Iterator[dict[str, str]]:
    """Path parameters for a read: the ids the earlier answers gave, at most `tries` of them."""
    missing = [n for n in names if not ids.get(n)]
    assert not missing, f"no {missing} from the earlier answers"
    for i in range(min(tries, max((len(ids[n]) for n in names), default=1))):
        yield {n: ids[n][min(i, len(ids[n]) - 1)] for n in names}


def call(module: ModuleType, client: Any, **kwargs: Any) -> Any:
    answer = module.sync_detailed(client=client, **kwargs)
    assert answer.status_code < 300, f"{module.__name__}: {answer.status_code} {answer.content[:300]!r}"
    return answer.parsed


def request_example(op: dict[str, Any]) -> Any:
    """The operation's first JSON request example."""
    media = op["requestBody"]["content"]["application/json"]
    return next(iter(media["examples"].values()))["value"]


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_read_parses_into_typed_objects(
    python_clients: dict, default_world: EmbeddedEcosystem, system: str
) -> None:
    """Every GET of a seeded resource answers through the generated client with generated models; each
    collection is a typed page whose items are typed (a nominal search gives NominalSearchResult
    objects, not dicts)."""
    package, _ = python_clients[system]
    doc = document(system)
    found = generated_operations(package)
    token = default_world.app(system).extensions["interop"].issuer.issue("generated-client", SCOPES)
    client = package.AuthenticatedClient(
        base_url=default_world.urls[system], token=token, raise_on_unexpected_status=True
    )

    ids: dict[str, list[str]] = {}
    by_id = {op["operationId"]: op for _, _, op in operations(doc)}
    module = found[snake(WRITES[system])]
    body_type = typing.get_type_hints(module.sync_detailed)["body"]
    example = request_example(by_id[WRITES[system]])
    created = call(module, client, body=body_type.from_dict(example))  # true: test_examples.py
    open_ = frozenset(open_schemas(doc))
    assert typed_problems(created, package, WRITES[system], open_) == []

    # Every read of the seeded world's resources: collections, and reads of one resource named by
    # an id a collection gives (job resources such as bulk exports are only checked to be present).
    reads = [
        (path, op)
        for method, path, op in operations(doc)
        if method == "GET" and set(re.findall(r"{(\w+)}", path)) <= set(IDS)
    ]
    pages = 0
    # Collections first: their items give the ids the other reads need.
    for path, op in sorted(reads, key=lambda r: "{" in r[0]):
        name = op["operationId"]
        schema = success_schema(doc, op)
        items_schema = page_items(doc, schema) if schema else None
        parsed = None
        for params in candidates(re.findall(r"{(\w+)}", path), ids):
            parsed = call(found[snake(name)], client, **params)
            if items_schema is None or parsed.items:
                break  # a collection is read for the first id that has entries to judge
        assert parsed is not None, f"{system} {name}: the generated client parsed nothing"
        assert typed_problems(parsed, package, name, open_) == []
        collect_ids(parsed, ids)
        expected = class_names(doc, schema) if schema else set()
        if expected:
            assert type(parsed).__name__ in expected, f"{name}: a {type(parsed).__name__}, not {expected}"
        if items_schema is None:
            continue
        pages += 1
        assert isinstance(parsed.items, list) and parsed.items, f"{name}: no entries to judge"
        for item in parsed.items:
            assert type(item).__name__ in class_names(doc, items_schema), (
                f"{name}: an item is a {type(item).__name__}, not one of {class_names(doc, items_schema)}"
            )
    assert pages >= 2, f"{system}: only {pages} collections read"

    # A refusal parses too: the problem details of a missing resource, every member typed.
    path, op = next((p, o) for p, o in reads if len(re.findall(r"{(\w+)}", p)) == 1)
    answer = found[snake(op["operationId"])].sync_detailed(
        client=client, **{re.findall(r"{(\w+)}", path)[0]: MISSING}
    )
    assert answer.status_code == 404 and type(answer.parsed).__name__ == "Problem", answer.content[:300]
    assert answer.parsed.additional_properties == {}, "problem members the Problem schema does not type"
    assert typed_problems(answer.parsed, package, "problem") == []


# -- the TypeScript client -------------------------------------------------------------------------

# Type-level checks (TypeScript 5): tsc refuses `Assert<false>`.
TS_PRELUDE = """\
import createClient from "openapi-fetch";
type Assert<T extends true> = T;
type Typed<T> = [T] extends [never] ? false : unknown extends T ? false : true;
type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
type Ok<Op> = Op extends { responses: { 200: infer R } } ? Json<R> : never;
type ItemsOf<Op> = Ok<Op> extends { items: (infer I)[] } ? I : never;
"""


def typescript_checks(system: str, doc: dict[str, Any]) -> str:
    """A TypeScript module that compiles only if every operation of `doc` is in the generated
    types and every collection's items are typed (not unknown/any), used through openapi-fetch."""
    lines = [
        f'import type {{ paths as {system}Paths, operations as {system}Ops }} from "./{system}";',
        f'export const {system}Client = createClient<{system}Paths>({{ baseUrl: "http://127.0.0.1:8101" }});',
    ]
    for method, path, op in operations(doc):
        name = op["operationId"]
        lines.append(f'export type {system}_{name} = Assert<Typed<{system}Ops["{name}"]>>;')
        lines.append(
            f'export type {system}_{name}_path = Assert<Typed<{system}Paths["{path}"]["{method.lower()}"]>>;'
        )
        schema = success_schema(doc, op)
        if schema is not None and page_items(doc, schema) is not None:
            lines.append(
                f'export type {system}_{name}_items = Assert<Typed<ItemsOf<{system}Ops["{name}"]>>>;'
            )
    return "\n".join(lines) + "\n"


def run_tsc(folder: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    fetch = node_package("openapi-fetch")
    (folder / "tsconfig.json").write_text(
        json.dumps(
            {
                "compilerOptions": {
                    "strict": True,
                    "noEmit": True,
                    "target": "ES2022",
                    "module": "ESNext",
                    "moduleResolution": "Bundler",
                    "skipLibCheck": True,
                    "types": [],
                    "lib": ["ES2022", "DOM"],
                    "paths": {"openapi-fetch": [str(fetch)]},
                },
                "files": files,
            }
        )
    )
    tsc = node_tool("tsc", "typescript")
    return subprocess.run(
        [str(tsc), "-p", str(folder / "tsconfig.json"), "--pretty", "false"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
    )


@pytest.fixture(scope="module")
def typescript_types(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """openapi-typescript's types of each bundled document, in a temporary folder."""
    generator = node_tool("openapi-typescript", "openapi-typescript")
    out = tmp_path_factory.mktemp("generated-typescript")
    for system in SYSTEMS:
        done = subprocess.run(
            [str(generator), str(BUNDLED / f"{system}.json"), "-o", str(out / f"{system}.ts")],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=out,
        )
        assert done.returncode == 0, f"{system}: openapi-typescript failed: {done.stdout}{done.stderr}"
    return out


def test_typescript_client_type_checks_with_every_operation_typed(typescript_types: Path) -> None:
    """tsc --noEmit (strict) accepts the generated types used through openapi-fetch, with every
    operation present and every collection's items typed; a check naming an operation the
    documents lack (canary.ts) is refused, so the checks can fail."""
    files = []
    for system in SYSTEMS:
        (typescript_types / f"check_{system}.ts").write_text(
            TS_PRELUDE + typescript_checks(system, document(system))
        )
        files.append(f"check_{system}.ts")
    (typescript_types / "canary.ts").write_text(
        TS_PRELUDE
        + 'import type { operations } from "./records";\n'
        + 'export type Missing = Assert<Typed<operations["noSuchOperation"]>>;\n'
        + "export type Untyped = Assert<Typed<unknown>>;\n"
    )
    done = run_tsc(typescript_types, [*files, "canary.ts"])
    errors = [line for line in done.stdout.splitlines() if ": error TS" in line]
    assert [e for e in errors if not e.startswith("canary.ts")] == [], "\n".join(errors[:20])
    assert len([e for e in errors if e.startswith("canary.ts")]) == 2, done.stdout[-2000:]
