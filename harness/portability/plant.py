"""A small, known set of data put into a product through the standard API before it is exported.

The portability suite needs to know what an export must hold: records the harness made itself,
with every feature a migration can lose (docs/portability.md, "The portability suite"): nominals
with aliases, warning markers and identifiers (PNC ID, CRO number), one changed after creation
(version 2), a merge (its history, and a merged-away nominal that points at its survivor), an
occurrence with person, object and location links, changed once. Custody: a detainee booked in
(the record and its timeline). Intelligence: a report regraded once (its superseded version is
history). Same seed, same data; a PNC ID or CRO number the product already holds moves on to the
next serial, so a product that is not reset between runs still takes the set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from harness.errors import InteropError
from harness.reports.safe import one_line
from simulators.domain.identifiers import make_cro_number, make_pnc_id

RECORDS_W = ["records:read", "records:write"]
CUSTODY_W = ["custody:read", "custody:write"]
INTEL_W = ["intelligence:read", "intelligence:write"]
INTEL_ORIGINAL = ["intelligence:read:restricted"]  # the read that shows what an export holds
ATTEMPTS = 12  # serials tried for an identifier the product already holds
PNC_YEAR, CRO_YEAR = 2001, 2001


class PlantError(InteropError):
    """The product refused the known data: nothing it exports can be judged against it."""


@dataclass
class Planted:
    """What the harness put in: each entity's key by type, the product's own read of each after
    the last change, and the facts an export must keep (merges, changed versions)."""

    keys: dict[str, list[str]] = field(default_factory=dict)
    reads: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)  # duplicate id -> survivor id
    changed: dict[tuple[str, str], int] = field(default_factory=dict)  # changed entity -> its version
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # entity -> how the report names it

    def add(self, type_name: str, key: str, name: str, read: dict[str, Any] | None = None) -> None:
        self.keys.setdefault(type_name, []).append(key)
        self.names[(type_name, key)] = name
        if read is not None:
            self.reads[(type_name, key)] = read


class _Api:
    """Calls of the standard API with the harness's tokens, each refusal one PlantError."""

    def __init__(self, base_url: str, tokens: Any, scopes: list[str] = RECORDS_W) -> None:
        self.base = base_url.rstrip("/")
        self.scopes = scopes
        self.tokens = tokens
        self.http = requests.Session()
        self.extra = dict(getattr(tokens, "headers", {}) or {})

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        etag: str = "",
        ok: tuple[int, ...] = (200, 201),
        scopes: list[str] | None = None,
    ) -> requests.Response:
        scopes = scopes or self.scopes
        token = self.tokens.token(scopes)
        if not token:
            raise PlantError(f"no access token with scopes {' '.join(scopes)}")
        headers = {**self.extra, "Authorization": f"Bearer {token}"}
        kw: dict[str, Any] = {}
        if body is not None and method == "PATCH":
            headers.update({"Content-Type": "application/merge-patch+json", "If-Match": etag})
            kw["data"] = json.dumps(body)
        elif body is not None:
            kw["json"] = body
        try:
            resp = self.http.request(method, self.base + path, headers=headers, timeout=30, **kw)
        except requests.RequestException as exc:
            raise PlantError(f"{method} {path}: no answer ({type(exc).__name__})") from None
        if resp.status_code not in ok:
            raise PlantError(f"{method} {path} answered {resp.status_code}: {one_line(resp.text, 300)}")
        return resp

    def json(self, method: str, path: str, body: Any = None, **kw: Any) -> dict[str, Any]:
        doc = self.call(method, path, body, **kw).json()
        if not isinstance(doc, dict):
            raise PlantError(f"{method} {path} answered without a JSON object")
        return doc

    def now(self) -> datetime:
        return product_now(self.http, self.base) or datetime.now(UTC)


def product_now(http: requests.Session, base_url: str) -> datetime | None:
    """The product's own time (`/health`'s `time`: a simulator's clock may be simulated), or None."""
    try:
        raw = http.get(base_url.rstrip("/") + "/health", timeout=10).json().get("time")
        return datetime.fromisoformat(str(raw).replace("Z", "+00:00")).astimezone(UTC)
    except (requests.RequestException, ValueError, AttributeError, TypeError):
        return None


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat()


def plant(role: str, base_url: str, tokens: Any, seed: int = 0) -> Planted:
    """Put the known set for `role` into the product; PlantError if it refuses any of it."""
    if role == "custody":
        return _custody(_Api(base_url, tokens, CUSTODY_W))
    if role == "intelligence":
        return _intelligence(_Api(base_url, tokens, INTEL_W))
    return _records(_Api(base_url, tokens), seed)


def _create_with_free_ids(
    api: _Api, body: dict[str, Any], serial: int, ids: tuple[str, ...]
) -> dict[str, Any]:
    """POST a nominal, moving to the next serial while the product says an identifier is held."""
    for attempt in range(ATTEMPTS):
        n = serial + attempt * 101
        doc = dict(body)
        if "pnc_id" in ids:
            doc["pnc_id"] = make_pnc_id(PNC_YEAR, 1_000_000 + n % 8_999_999)
        if "cro_number" in ids:
            doc["cro_number"] = make_cro_number(100_000 + n % 899_999, CRO_YEAR)
        resp = api.call("POST", "/nominals", doc, ok=(201, 409))
        if resp.status_code == 201:
            return dict(resp.json())
    raise PlantError(f"POST /nominals: every identifier tried ({ATTEMPTS}) is already held by the product")


def _records(api: _Api, seed: int) -> Planted:
    out = Planted()
    now = api.now()
    serial = (seed * 7919 + 424_242) % 8_000_000
    address = {"line1": "14 Portland Row", "town": "Leeds", "postcode": "LS2 7HA"}
    first = _create_with_free_ids(
        api,
        {
            "surname": "Portable",
            "forenames": ["Alia", "Mae"],
            "sex": "female",
            "date_of_birth": "1979-04-12",
            "ethnicity": "W1",
            "address": address,
            "aliases": [
                {"surname": "Portabel", "forenames": ["Alia"], "date_of_birth": "1979"},
                {"surname": "Porter", "forenames": ["Mae"]},
            ],
            "warning_markers": [{"code": "VI", "added_on": "2020-01-02"}],
        },
        serial,
        ("pnc_id", "cro_number"),
    )
    a = first["nominal_id"]
    etag = api.call("GET", f"/nominals/{a}").headers.get("ETag", "")
    api.call(
        "PATCH", f"/nominals/{a}", {"address": {"line1": "7 Mill Lane", "postcode": "LS1 4AB"}}, etag=etag
    )
    second = _create_with_free_ids(
        api,
        {
            "surname": "Exporter",
            "forenames": ["Ivan"],
            "sex": "male",
            "date_of_birth": "1988-11-02",
            "address": {"line1": "3 Kirkgate", "town": "Wakefield", "postcode": "WF1 1HX"},
            "aliases": [{"surname": "Exportar", "forenames": ["Ivan"], "date_of_birth": "1988-11-02"}],
        },
        serial + 1,
        ("pnc_id",),
    )
    b = second["nominal_id"]
    dup = api.json(
        "POST",
        "/nominals",
        {
            "surname": "Exportter",
            "forenames": ["Ivan", "John"],
            "sex": "male",
            "date_of_birth": "1988-11",
            "address": {"line1": "3 Kirkgate", "town": "Wakefield", "postcode": "WF1 1HX"},
        },
    )["nominal_id"]
    api.call(
        "POST", f"/nominals/{b}/merges", {"duplicate_id": dup, "reason": "Same person; surname keyed twice"}
    )
    out.merged[dup] = b
    occurred = now - timedelta(days=2)
    occ = api.json(
        "POST",
        "/occurrences",
        {
            "type": "crime",
            "classification": {"code": "8N"},
            "summary": "Portability check: assault outside a takeaway",
            "occurred_from": _iso(occurred),
            "occurred_to": _iso(occurred + timedelta(minutes=10)),
            "reported_at": _iso(occurred + timedelta(hours=1)),
            "location": {"line1": "3 High Street", "town": "Leeds", "postcode": "LS1 1AA"},
            "links": [{"nominal_id": a, "role": "suspect"}, {"nominal_id": b, "role": "victim"}],
        },
    )["occurrence_id"]
    api.call(
        "POST",
        f"/occurrences/{occ}/links",
        {"object": {"kind": "telephone", "identifier": "07700 900123"}, "role": "used_in_offence"},
    )
    etag = api.call("GET", f"/occurrences/{occ}").headers.get("ETag", "")
    api.call("PATCH", f"/occurrences/{occ}", {"status": "under_investigation"}, etag=etag)
    for nid in (a, b):
        read = api.json("GET", f"/nominals/{nid}")
        out.add("nominal", nid, f"nominal {nid} ({read.get('surname')})", read)
    out.add("nominal", dup, f"merged-away nominal {dup} (Exportter)")
    read = api.json("GET", f"/occurrences/{occ}")
    out.add("occurrence", occ, f"occurrence {occ} ({read.get('reference')})", read)
    for key in ((("nominal", a)), ("occurrence", occ)):
        out.changed[key] = int(out.reads[key].get("version") or 0)
    return out


def _custody(api: _Api) -> Planted:
    from harness.oracle.custody_probes import booking

    out = Planted()
    now = api.now()
    body = booking(now - timedelta(hours=2), now - timedelta(hours=1, minutes=30), "Portable")
    cid = api.json("POST", "/custody-records", body)["custody_id"]
    read = api.json("GET", f"/custody-records/{cid}")
    out.add("custody_record", cid, f"custody record {cid} ({read.get('custody_number')})", read)
    items = api.json("GET", f"/custody-records/{cid}/timeline?limit=200").get("items") or []
    for entry in items:
        if isinstance(entry, dict) and entry.get("entry_id") is not None:
            key = f"{cid}/{entry['entry_id']}"
            out.add(
                "custody_event",
                key,
                f"timeline entry {key} ({entry.get('type')})",
                {**entry, "custody_id": cid},
            )
    return out


def _intelligence(api: _Api) -> Planted:
    from harness.oracle.intelligence_probes import report

    out = Planted()
    body = report(
        {"source_evaluation": "2", "intelligence_assessment": "B", "handling_code": "P"},
        original_text="Portability check: PC 4512 saw SUBJECT leave 3 High Street, Leeds at 22:10.",
        sanitised_text="SUBJECT was seen in the High Street area of Leeds in the evening.",
    )
    rid = api.json("POST", "/reports", body)["report_id"]
    etag = api.call("GET", f"/reports/{rid}", scopes=INTEL_ORIGINAL).headers.get("ETag", "")
    regrade = {
        "grading": {
            "scheme": "3x5x2",
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "handling_code": "P",
        }
    }
    api.call("PATCH", f"/reports/{rid}", regrade, etag=etag)
    read = api.json("GET", f"/reports/{rid}", scopes=INTEL_ORIGINAL)
    out.add("report", rid, f"intelligence report {rid}", read)
    out.add("report_version", f"{rid}/1", f"version 1 of intelligence report {rid} (its first grading)")
    out.changed[("report", rid)] = int(read.get("version") or 0)
    return out
