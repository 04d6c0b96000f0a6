"""No input makes a simulator answer 5xx (issue 26): a corpus of hostile inputs against every operation.

Operations are read from each system's OpenAPI document (`load_spec`), so a new operation is
covered without editing this file. Each gets hostile path values, hostile values in every query
parameter (huge and negative numbers, forged cursors holding huge integers, invalid UTF-8, NUL,
lone surrogates, very long strings) and, when it takes a body, hostile bodies (deep nesting,
invalid UTF-8, NUL, lone surrogates, duplicate keys, huge numbers in its example body, wrong and
missing content types) and hostile values in its header parameters (If-Match). The `/_sim/`
endpoints get hostile bodies too, and `/events` hostile bearer tokens. Every answer must be
below 500, and every 4xx an RFC 9457 problem with type, title and status (the token endpoint
answers RFC 6749 errors instead). One set of real servers serves the whole module.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from simulators.core.schemas import resolve
from simulators.core.spec import load_spec
from tests.simkit import RunningSim, start_system

SYSTEMS = ("records", "custody", "intelligence")
METHODS = ("get", "post", "put", "patch", "delete")
ALL_SCOPES = {
    "records": "records:read records:write records:export records:import",
    "custody": "custody:read custody:write custody:export custody:import",
    "intelligence": "intelligence:read intelligence:read:restricted intelligence:write "
    "intelligence:audit intelligence:indicator intelligence:export intelligence:import",
}
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
HUGE_INTEGER = "9" * 40
ENORMOUS_INTEGER = "9" * 5000  # past Python's int-from-string digit limit
LONG = "A" * 20000


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# Values for any path or query parameter: percent-encoded as written (requests keeps `%XX`).
HOSTILE_VALUES = {
    "huge integer": HUGE_INTEGER,
    "huge negative integer": "-" + HUGE_INTEGER,
    "enormous integer": ENORMOUS_INTEGER,
    "overflowing float": "1e400",
    "invalid UTF-8": "%FF%FE%FD",
    "NUL": "a%00b",
    "lone surrogate (UTF-8 bytes)": "%ED%A0%80",
    "very long": LONG,
}
# Forged cursors (`cursor=`, `after=`): base64url JSON as the simulators issue them, and worse.
HOSTILE_CURSORS = {
    "cursor with a huge integer": _cursor(f"[{HUGE_INTEGER}]"),
    "cursor with a huge negative integer": _cursor(f"[-{HUGE_INTEGER}]"),
    "cursor with an enormous integer": _cursor(f"[{'9' * 300}]"),
    "cursor with a huge float": _cursor("[1e400]"),
    "cursor with NaN": _cursor("[NaN]"),
    "cursor with a search key of huge numbers": _cursor(f"[[{HUGE_INTEGER}, {HUGE_INTEGER}]]"),
    "cursor nested deep": _cursor("[" * 200 + "]" * 200),
    "cursor with a boolean": _cursor("[true]"),
    "cursor that is not base64": "!!!",
    "cursor of invalid UTF-8": base64.urlsafe_b64encode(b"[\xff\xfe]").decode().rstrip("="),
}
# Header values (and bearer tokens): what an HTTP client will send, so no CR, LF or NUL.
HOSTILE_HEADERS = {
    "very long": "W/" + "A" * 8000,
    "many tags": ", ".join(f'"v{i}"' for i in range(2000)),
    "non-ASCII bytes": "\u00ff\u00fe".encode().decode("latin-1"),
    "only a comma": ",",
    "only a star and junk": '*, "',
}
HOSTILE_TOKENS = {
    "very long token": "Bearer " + "A" * 8000,
    "three dots": "Bearer a.b.c",
    "unsigned JWT": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    "huge exp claim": "Bearer eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjFlNDAwfQ.AAAA",
    "no scheme": "A" * 100,
    "basic scheme": "Basic " + "A" * 100,
}
HOSTILE_LIMITS = {
    "huge limit": HUGE_INTEGER,
    "negative limit": "-5",
    "zero limit": "0",
    "float limit": "1e400",
}


def _deep(n: int, open_: str = "[", close: str = "]") -> bytes:
    return (open_ * n + close * n).encode()


# Bodies: (bytes, content type or None for none at all).
HOSTILE_BODIES: dict[str, tuple[bytes, str | None]] = {
    "400 nested arrays": (_deep(400), "application/json"),
    "200000 nested arrays": (_deep(200000), "application/json"),
    "400 nested objects": (b'{"a":' * 400 + b"1" + b"}" * 400, "application/json"),
    "invalid UTF-8": (b'{"surname": "\xff\xfe"}', "application/json"),
    "NUL in a string": (b'{"surname": "a\\u0000b"}', "application/json"),
    "raw NUL byte": (b'{"surname": "a\x00b"}', "application/json"),
    "lone surrogate escape": (b'{"surname": "\\ud800"}', "application/json"),
    "lone surrogate bytes": (b'{"surname": "\xed\xa0\x80"}', "application/json"),
    "very long string": (json.dumps({"surname": "A" * 500000}).encode(), "application/json"),
    "duplicate keys": (b'{"surname": "A", "surname": {"x": 1}}', "application/json"),
    "huge number": (b'{"seconds": 1e400, "n": ' + HUGE_INTEGER.encode() + b"}", "application/json"),
    "enormous integer": (b'{"n": ' + ENORMOUS_INTEGER.encode() + b"}", "application/json"),
    "NaN and Infinity": (b'{"a": NaN, "b": Infinity, "c": -Infinity}', "application/json"),
    "not JSON": (b"{surname: ", "application/json"),
    "JSON null": (b"null", "application/json"),
    "JSON string": (b'"x"', "application/json"),
    "empty with JSON type": (b"", "application/json"),
    "wrong content type": (b'{"surname": "A"}', "text/plain"),
    "form-encoded": (b"surname=A", "application/x-www-form-urlencoded"),
    "no content type": (b'{"surname": "A"}', None),
    "XML": (b"<surname>A</surname>", "application/xml"),
}
# The test-support endpoints, each with its own hostile bodies besides HOSTILE_BODIES.
SIM_BODIES: dict[tuple[str, str], list[Any]] = {
    ("POST", "/_sim/clock/advance"): [
        {"seconds": 1e20},
        {"days": 1e300},
        {"hours": -1e308},
        {"minutes": 10**30},
        {"seconds": "nan"},
        {"seconds": "inf"},
        {"seconds": [1]},
        {"days": 2_000_000_000},
    ],
    ("PUT", "/_sim/clock"): [
        {"now": "0001-01-01T00:00:00+01:00"},
        {"now": "9999-12-31T23:59:59-01:00"},
        {"now": "9999-12-31T23:00:00Z", "frozen": False},
        {"now": "1000-01-01T00:00:00Z"},
        {"now": 10**30},
        {"now": None},
        {"now": "2025-01-01T09:00:00"},
    ],
    ("PUT", "/_sim/faults"): [
        {"latency_ms": 10**30},
        {"latency_ms": True},
        {"error_rate": 1e400},
        {"operations": 5},
        {"operations": [[1]]},
        {"down": "yes"},
        {"nonsense": 1},
    ],
    ("PUT", "/_sim/quirks"): [
        {"active": [[]]},
        {"active": "x"},
        {"active": ["no-such-quirk"]},
        {"active": None},
    ],
}


@dataclass(frozen=True)
class Probe:
    method: str
    path: str  # with its query string, already encoded
    body: bytes | None = None
    content_type: str | None = None
    what: str = ""
    headers: dict[str, str] | None = None  # besides the bearer token (which they may replace)


def _example_body(spec: dict[str, Any], op: dict[str, Any]) -> tuple[str, Any] | None:
    """The operation's first documented example body and its media type, if it has one."""
    body = resolve(spec, op.get("requestBody") or {})
    for media, content in (body.get("content") or {}).items():
        if "example" in content:
            return media, content["example"]
        for example in (content.get("examples") or {}).values():
            example = resolve(spec, example)
            if isinstance(example, dict) and "value" in example:
                return media, example["value"]
        schema = resolve(spec, content.get("schema") or {})
        if schema.get("examples"):
            return media, schema["examples"][0]
    return None


def _numbers_replaced(value: Any, by: int | float) -> Any:
    """`value` with every number (not boolean) in it replaced by `by`."""
    if isinstance(value, dict):
        return {k: _numbers_replaced(v, by) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_replaced(v, by) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return by
    return value


def probes(spec: dict[str, Any], ids: dict[str, str]) -> Iterator[Probe]:
    """Every hostile request for every operation of `spec`; `ids` fills path parameters with real ids."""
    for template, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            params = [resolve(spec, p) for p in [*item.get("parameters", []), *op.get("parameters", [])]]
            path_names = [p["name"] for p in params if p["in"] == "path"]
            base = template
            for name in path_names:
                base = base.replace("{" + name + "}", ids.get(name, UNKNOWN_ID))
            verb = method.upper()
            for name in path_names:
                for what, value in HOSTILE_VALUES.items():
                    path = _fill(template, name, value, path_names, ids)
                    yield Probe(verb, path, what=f"path {name}: {what}")
            for p in params:
                if p["in"] == "header":
                    for what, value in HOSTILE_HEADERS.items():
                        yield Probe(
                            verb, base, headers={p["name"]: value}, what=f"header {p['name']}: {what}"
                        )
                if p["in"] != "query":
                    continue
                values = dict(HOSTILE_VALUES)
                if p["name"] in ("cursor", "after"):
                    values.update(HOSTILE_CURSORS)
                if p["name"] == "limit":
                    values.update(HOSTILE_LIMITS)
                for what, value in values.items():
                    yield Probe(verb, f"{base}?{p['name']}={value}", what=f"query {p['name']}: {what}")
            if op.get("requestBody") is None:
                continue
            for what, (body, content_type) in HOSTILE_BODIES.items():
                yield Probe(verb, base, body, content_type, f"body: {what}")
            example = _example_body(spec, op)
            if example is not None:
                media, value = example
                for by in (10**40, -(10**40), 1e308):
                    body = json.dumps(_numbers_replaced(copy.deepcopy(value), by)).encode()
                    yield Probe(verb, base, body, media, f"example body with every number {by:g}")


def _fill(template: str, hostile: str, value: str, names: list[str], ids: dict[str, str]) -> str:
    path = template
    for name in names:
        path = path.replace("{" + name + "}", value if name == hostile else ids.get(name, UNKNOWN_ID))
    return path


def sim_probes() -> Iterator[Probe]:
    for (method, path), bodies in SIM_BODIES.items():
        for body in bodies:
            yield Probe(method, path, json.dumps(body).encode(), "application/json", f"{body!r}"[:80])
        for what, (raw, content_type) in HOSTILE_BODIES.items():
            yield Probe(method, path, raw, content_type, f"body: {what}")
    for what, value in HOSTILE_TOKENS.items():
        yield Probe("GET", "/events", headers={"Authorization": value}, what=f"Authorization: {what}")
    for what, value in {**HOSTILE_CURSORS, **HOSTILE_VALUES}.items():
        yield Probe("GET", f"/_sim/traffic?cursor={value}", what=f"traffic cursor: {what}")
        yield Probe("GET", f"/_sim/traffic?limit={value}", what=f"traffic limit: {what}")


def _send(session: requests.Session, url: str, probe: Probe, token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", **(probe.headers or {})}
    if probe.content_type is not None:
        headers["Content-Type"] = probe.content_type
    request = requests.Request(probe.method, url + probe.path, headers=headers, data=probe.body)
    prepared = session.prepare_request(request)
    if probe.content_type is None:
        prepared.headers.pop("Content-Type", None)
    return session.send(prepared, timeout=30)


def _fault(probe: Probe, response: requests.Response, problems_expected: bool) -> str | None:
    """Why `response` breaks the rule (None when it keeps it)."""
    status = response.status_code
    if status >= 500:
        return f"{status}: {response.text[:200]}"
    if 400 <= status < 500 and problems_expected:
        if response.headers.get("Content-Type", "").split(";")[0] != "application/problem+json":
            return f"{status} as {response.headers.get('Content-Type')}, not application/problem+json"
        try:
            body = response.json()
        except ValueError:
            return f"{status} with a body that is not JSON"
        missing = [k for k in ("type", "title", "status") if k not in body]
        if missing or body.get("status") != status:
            return f"{status} problem without {missing or 'a matching status'}: {response.text[:200]}"
    return None


@pytest.fixture(scope="module")
def ecosystem(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningSim]]:
    base = tmp_path_factory.mktemp("bad-input")
    records = start_system("records", base / "records", population=20)
    custody = start_system("custody", base / "custody", population=20, peers={"records": records.url})
    intelligence = start_system(
        "intelligence", base / "intelligence", population=20, peers={"records": records.url}
    )
    sims = {"records": records, "custody": custody, "intelligence": intelligence}
    yield sims
    for sim in sims.values():
        # The corpus breaks the standard on purpose; what is checked is that no answer did.
        sim.stop()


def _first_id(sim: RunningSim, path: str, key: str, scopes: str) -> str:
    items = sim.get(path + "?limit=1", scopes).json()["items"]
    return items[0][key] if items else UNKNOWN_ID


@pytest.fixture(scope="module")
def real_ids(ecosystem: dict[str, RunningSim]) -> dict[str, str]:
    """A real id for each path parameter, so hostile bodies reach the handlers too."""
    records, custody, intelligence = ecosystem["records"], ecosystem["custody"], ecosystem["intelligence"]
    return {
        "nominal_id": _first_id(records, "/nominals", "nominal_id", "records:read"),
        "occurrence_id": _first_id(records, "/occurrences", "occurrence_id", "records:read"),
        "custody_id": _first_id(custody, "/custody-records", "custody_id", "custody:read"),
        "report_id": _first_id(intelligence, "/reports", "report_id", ALL_SCOPES["intelligence"]),
    }


@pytest.mark.parametrize("system", SYSTEMS)
def test_no_hostile_input_gets_a_server_error(
    system: str, ecosystem: dict[str, RunningSim], real_ids: dict[str, str]
) -> None:
    sim = ecosystem[system]
    spec = load_spec(system)
    token = sim.token(ALL_SCOPES[system])
    rfc6749 = {
        template
        for template, item in spec["paths"].items()
        for op in item.values()
        if isinstance(op, dict) and op.get("x-interop-rfc6749-errors")
    }
    faults: list[str] = []
    sent = 0
    with requests.Session() as session:
        for probe in probes(spec, real_ids):
            response = _send(session, sim.url, probe, token)
            sent += 1
            fault = _fault(probe, response, problems_expected=probe.path.split("?")[0] not in rfc6749)
            if fault:
                faults.append(f"{probe.method} {probe.path[:100]} ({probe.what}): {fault}")
    assert sent > 100
    assert not faults, f"{len(faults)} of {sent} hostile requests:\n" + "\n".join(faults[:40])


@pytest.mark.parametrize("system", SYSTEMS)
def test_no_hostile_sim_body_gets_a_server_error(system: str, ecosystem: dict[str, RunningSim]) -> None:
    sim = ecosystem[system]
    faults: list[str] = []
    with requests.Session() as session:
        for probe in sim_probes():
            response = _send(session, sim.url, probe, sim.token(ALL_SCOPES[system]))
            fault = _fault(probe, response, problems_expected=True)
            if fault:
                faults.append(f"{probe.method} {probe.path[:100]} ({probe.what}): {fault}")
        # Nothing hostile may have been stored: the system still answers, on a sane clock.
        assert sim.get("/health").status_code == 200
        assert sim.sim("POST", "/clock/reset").status_code == 200
        assert sim.sim("PUT", "/faults", json={}).status_code == 200
    assert not faults, f"{len(faults)} hostile /_sim requests:\n" + "\n".join(faults[:40])
