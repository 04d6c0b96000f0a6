"""The Pact V4 file the observed traffic implies (`interop observe --write-pact DIR`).

One interaction per operation (and query names) the product called successfully, with the first
such exchange's request and the shape of its answer: types for everything, regular expressions for
dates, times and identifiers. Reads of one record get the provider state that makes it exist
(harness/contracts/state_*.py: "a nominal exists", "a detainee has been booked into custody", ...)
with the record's id injected from the state (`ProviderState` generators), so the pact verifies
against any provider, not only one holding the reference world's ids; reads of a record that
does not exist get the "no ... exists" state. Other reads and creates on a collection replay as
they were; updates depend on the run's own state and are left out, and the file says how many.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from harness.consumer.traffic import Exchange
from simulators.core.spec import load_spec, operation

TRUNCATED = "…[truncated]"
_ID_VALUE = re.compile(r'"[a-z_]*_id"\s*:\s*"([^"]+)"')


def write_pacts(exchanges: list[Exchange], directory: Path, consumer: str) -> list[Path]:
    """Write one pact per system the product called; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    created = _created_ids(exchanges)
    by_system: dict[str, list[dict[str, Any]]] = {}
    left_out: dict[str, int] = {}
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for e in exchanges:
        if e.is_token_request or not e.operation or e.request_valid is False or not 200 <= e.status < 300:
            continue
        stated = provider_state(e) is not None
        replayable = e.method == "GET" or (e.method == "POST" and "{" not in e.operation)
        if not replayable or (not stated and any(i in e.path for i in created)):
            left_out[e.system] = left_out.get(e.system, 0) + 1
            continue
        key = (e.system, e.operation, tuple(sorted(e.params)))
        if key in seen:
            continue
        seen.add(key)
        by_system.setdefault(e.system, []).append(_interaction(e))
    written = []
    for system, interactions in by_system.items():
        path = directory / f"{_slug(consumer)}-{system}.json"
        document = {
            "consumer": {"name": consumer},
            "provider": {"name": system},
            "interactions": interactions,
            "metadata": {
                "pactSpecification": {"version": "4.0"},
                "interop": {"source": "interop observe", "left_out_exchanges": left_out.get(system, 0)},
            },
        }
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def _created_ids(exchanges: list[Exchange]) -> set[str]:
    """Ids the product's own creates returned: absent from a fresh reference system."""
    out: set[str] = set()
    for e in exchanges:
        if e.method == "POST" and e.status == 201 and e.response_body:
            out.update(_ID_VALUE.findall(e.response_body[:400]))
    return out


@dataclass(frozen=True)
class ItemRead:
    """A read of one record whose existence a provider state can set up."""

    id_param: str  # the path parameter, and the value the state returns
    found: Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]  # answer -> state name, params
    missing: str  # the state of a record that does not exist, with {id}


def _person(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: answer[k] for k in ("surname", "forenames", "date_of_birth", "sex") if answer.get(k)}


def _nominal_state(answer: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if answer.get("pnc_id"):
        return f"a nominal with PNC ID {answer['pnc_id']} exists", {
            **_person(answer),
            "pnc_id": answer["pnc_id"],
        }
    return "a nominal exists", _person(answer)


def _custody_state(answer: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    detainee = answer.get("detainee") if isinstance(answer.get("detainee"), dict) else {}
    return "a detainee has been booked into custody", _person(detainee or {})


def _report_state(answer: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    marking = str(
        answer.get("classification") or answer.get("handling", {}).get("classification") or "OFFICIAL"
    )
    return f"an intelligence report marked {marking.upper()} exists", {}


ITEM_READS: dict[tuple[str, str], ItemRead] = {
    ("records", "GET /nominals/{nominal_id}"): ItemRead(
        "nominal_id", _nominal_state, "no nominal with id {id} exists"
    ),
    ("custody", "GET /custody-records/{custody_id}"): ItemRead(
        "custody_id", _custody_state, "no custody record with id {id} exists"
    ),
    ("intelligence", "GET /reports/{report_id}"): ItemRead(
        "report_id", _report_state, "no intelligence report with id {id} exists"
    ),
}
_MERGED = "a nominal has been merged into another"


def guaranteed(e: Exchange, answer: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The part of an answer any provider gives for a record its state made: the fields the
    standard's response schema requires and never lets be null (nested objects likewise), the id,
    and what the state was given. Optional or nullable fields the observed record happened to hold
    (aliases, a county, an ethnicity) would fail against a record made from the state alone."""
    spec = load_spec(e.system)
    method, template = (e.operation or " ").split(" ", 1)
    op = operation(spec, template, method.lower()) or {}
    schema = (
        op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema")
    )
    pruned = _prune(answer, schema, spec, set(params))
    return pruned if isinstance(pruned, dict) else {}


def _prune(
    value: Any, schema: Any, spec: dict[str, Any], keep: frozenset[str] | set[str] = frozenset()
) -> Any:
    schema = _deref(schema, spec)
    if not isinstance(value, dict) or not isinstance(schema, dict) or "properties" not in schema:
        return value
    required = set(schema.get("required", []))
    out = {}
    for key, item in value.items():
        prop = _deref(schema["properties"].get(key), spec)
        if key in keep or (key in required and not _nullable(prop, spec)):
            out[key] = _prune(item, prop, spec)
    return out


def _deref(schema: Any, spec: dict[str, Any]) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = _resolve(spec, schema["$ref"])
    return schema


def _nullable(schema: Any, spec: dict[str, Any]) -> bool:
    if not isinstance(schema, dict):
        return True
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_nullable(_deref(s, spec), spec) for s in schema.get("oneOf", []) + schema.get("anyOf", []))


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


def provider_state(e: Exchange) -> dict[str, Any] | None:
    """The provider state (name, params, and the id generators) behind a read of one record."""
    read = ITEM_READS.get((e.system, e.operation or ""))
    if read is None or e.method != "GET":
        return None
    wanted = e.path.rstrip("/").rsplit("/", 1)[-1]
    if e.status == 404:
        return {"name": read.missing.format(id=wanted), "params": {}, "generators": {}}
    answer = e.json_body()
    if e.status != 200 or not isinstance(answer, dict):
        return None
    if answer.get("resolved_from"):
        return {  # a merged-away id, answered with its survivor
            "name": _MERGED,
            "params": {},
            "generators": {
                "path": read.id_param,
                "$.resolved_from": "nominal_id",
                "$.nominal_id": "survivor_id",
            },
        }
    name, params = read.found(answer)
    answer = guaranteed(e, answer, params)
    generators = {"path": read.id_param}
    if read.id_param in answer:
        generators[f"$.{read.id_param}"] = read.id_param
    return {"name": name, "params": params, "generators": generators, "content": answer}


DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
PNC_ID = r"^\d{2}(\d{2})?/\d{1,7}[A-HJ-NP-RT-Z]$"
CRO_NUMBER = r"^(\d{1,6}/\d{2}|SF\d{2}/\d{1,6})[A-HJ-NP-RT-Z]$"
_SHAPES = (
    (DATE_TIME, re.compile(DATE_TIME)),
    (DATE, re.compile(DATE)),
    (UUID, re.compile(UUID)),
)


def body_rules(content: Any, path: str = "$") -> dict[str, Any]:
    """Matching rules for an answer: its type throughout, a regular expression for every date,
    time, UUID, PNC ID and CRO number in it (the values differ from one provider to the next)."""
    rules: dict[str, Any] = {}
    if path == "$":
        rules["$"] = {"combine": "AND", "matchers": [{"match": "type"}]}
    if isinstance(content, dict):
        for key, value in content.items():
            here = f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f"{path}['{key}']"
            if isinstance(value, str):
                regex = PNC_ID if key == "pnc_id" else CRO_NUMBER if key == "cro_number" else _shape(value)
                if regex and re.fullmatch(regex, value):
                    rules[here] = {"combine": "AND", "matchers": [{"match": "regex", "regex": regex}]}
            else:
                rules.update(body_rules(value, here))
    elif isinstance(content, list) and content:
        rules[path] = {"combine": "AND", "matchers": [{"match": "type", "min": 0}]}
        rules.update(body_rules(content[0], f"{path}[*]"))
    return rules


def _shape(value: str) -> str | None:
    return next((regex for regex, compiled in _SHAPES if compiled.fullmatch(value)), None)


def _interaction(e: Exchange) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": e.method,
        "path": e.path,
        "headers": {"Authorization": ["Bearer token"]},
    }
    if e.query:
        request["query"] = parse_qs(e.query, keep_blank_values=True)
    body = e.json_body("request")
    if e.method == "POST" and body is not None:
        request["headers"]["Content-Type"] = ["application/json"]
        request["body"] = {"contentType": "application/json", "encoded": False, "content": body}
    response: dict[str, Any] = {"status": e.status}
    answer = e.json_body() if not (e.response_body or "").endswith(TRUNCATED) else None
    state = provider_state(e)
    if state is not None and "content" in state:
        answer = state["content"]
    if isinstance(answer, dict):
        response["body"] = {"contentType": "application/json", "encoded": False, "content": answer}
        response["matchingRules"] = {"body": body_rules(answer)}
    interaction: dict[str, Any] = {
        "type": "Synchronous/HTTP",
        "description": f"{e.label} as the product called it",
        "request": request,
        "response": response,
    }
    if state is not None:
        interaction["providerStates"] = [{"name": state["name"], "params": state["params"]}]
        generated = dict(state["generators"])
        id_param = generated.pop("path", None)
        if id_param:
            template = (e.operation or "").split(" ", 1)[1]
            request["generators"] = {
                "path": {"type": "ProviderState", "expression": template.replace("{", "${")}
            }
            request["matchingRules"] = {
                "path": {"combine": "AND", "matchers": [{"match": "regex", "regex": _path_regex(template)}]}
            }
        if generated and "body" in response:
            response["generators"] = {
                "body": {
                    at: {"type": "ProviderState", "expression": f"${{{value}}}"}
                    for at, value in generated.items()
                }
            }
    return interaction


def _path_regex(template: str) -> str:
    return "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "product"
