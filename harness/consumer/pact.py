"""The Pact V4 file the observed traffic implies (`interop observe --write-pact DIR`).

One interaction per operation (and query names) the product called successfully, with the first
such exchange's request and the shape (types, not values) of its answer. Only reads, and creates
on a collection, whose paths name no record the product itself created during the run: those
replay against the reference systems with the same seeded population (`interop verify --pact`);
updates depend on the run's own state and are left out, and the file says how many.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from harness.consumer.traffic import Exchange

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
        replayable = e.method == "GET" or (e.method == "POST" and "{" not in e.operation)
        if not replayable or any(i in e.path for i in created):
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
    if isinstance(answer, dict):
        response["body"] = {"contentType": "application/json", "encoded": False, "content": answer}
        response["matchingRules"] = {"body": {"$": {"combine": "AND", "matchers": [{"match": "type"}]}}}
    return {
        "type": "Synchronous/HTTP",
        "description": f"{e.label} as the product called it",
        "request": request,
        "response": response,
    }


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "product"
