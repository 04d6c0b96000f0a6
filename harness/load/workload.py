"""The workload of each role: which operations of the standard, in what mix, with what data.

The mixes follow what officers and other systems do most: records is mostly name searches (with
the spelling variants the seeded population carries) and reads by id or PNC ID, with occurrences
created now and then; custody is mostly reads of detention records with their clock and
timelines, with book-ins; intelligence is mostly searches and reads of the sanitised view (no
`intelligence:read:restricted`), with reports submitted now and then.

`prepare()` runs in the harness process before the load, through the tap: it creates the records
the load reads (so reads by id hit data on any product, not only on our seeded simulators) and
draws names from the seeded population (`simulators/population`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

import requests

from harness.errors import InteropError
from simulators.domain.identifiers import make_pnc_id
from simulators.population import PopulationSpec, generate
from simulators.population.variants import surname_variant

SETUP_RECORDS = 12  # records created before the load, read during it
POPULATION_PEOPLE = 200


@dataclass(frozen=True)
class LoadOperation:
    name: str  # the workload's name for it ("search by name"), unique within a role
    method: str
    template: str  # the standard's path template: its schemas judge the sampled answers
    weight: int
    scopes: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"


RECORDS_R, RECORDS_W = ("records:read",), ("records:read", "records:write")
CUSTODY_R, CUSTODY_W = ("custody:read",), ("custody:read", "custody:write")
INTEL_R, INTEL_W = ("intelligence:read",), ("intelligence:read", "intelligence:write")

WORKLOADS: dict[str, tuple[LoadOperation, ...]] = {
    "records": (
        LoadOperation("search by name", "GET", "/nominals", 5, RECORDS_R),
        LoadOperation("read by id", "GET", "/nominals/{nominal_id}", 3, RECORDS_R),
        LoadOperation("read by PNC ID", "GET", "/nominals", 2, RECORDS_R),
        LoadOperation("create occurrence", "POST", "/occurrences", 1, RECORDS_W),
    ),
    "custody": (
        LoadOperation("read with the clock", "GET", "/custody-records/{custody_id}", 5, CUSTODY_R),
        LoadOperation("timeline", "GET", "/custody-records/{custody_id}/timeline", 3, CUSTODY_R),
        LoadOperation("book in", "POST", "/custody-records", 1, CUSTODY_W),
    ),
    "intelligence": (
        LoadOperation("search", "GET", "/reports", 3, INTEL_R),
        LoadOperation("read sanitised", "GET", "/reports/{report_id}", 4, INTEL_R),
        LoadOperation("submit report", "POST", "/reports", 1, INTEL_W),
    ),
}


def operations(role: str) -> tuple[LoadOperation, ...]:
    return WORKLOADS[role]


def population_data(seed: int) -> dict[str, Any]:
    """Names (with spelling variants), people and occurrence codes from the seeded population."""
    rng = Random(seed)
    people: list[dict[str, Any]] = []
    codes: set[str] = set()
    for kind, rec in generate(PopulationSpec(seed=seed, people=POPULATION_PEOPLE)):
        if kind == "nominals" and rec.get("date_of_birth") and rec.get("forenames"):
            people.append(rec)
        elif kind == "occurrences" and rec.get("type") == "crime":
            codes.add(rec["classification"]["code"])
    names = sorted({p["surname"] for p in people})
    variants = sorted({surname_variant(n, rng)[0] for n in names})
    return {
        "surnames": names + variants,
        "people": [
            {k: p[k] for k in ("surname", "forenames", "sex", "date_of_birth", "address") if p.get(k)}
            for p in people[:SETUP_RECORDS]
        ],
        "crime_codes": sorted(codes)[:20] or ["TH68001"],
    }


class Setup:
    """Creates what the load reads, through the standard API (and the tap)."""

    def __init__(self, base_url: str, tokens: Any, role: str, seed: int) -> None:
        self.base = base_url.rstrip("/")
        self.tokens = tokens
        self.role = role
        self.seed = seed
        self.http = requests.Session()

    def token(self, scopes: tuple[str, ...]) -> str:
        tok = self.tokens.token(list(scopes))
        if not tok:
            raise InteropError(f"no access token for scopes '{' '.join(scopes)}' at the target")
        return str(tok)

    def post(self, path: str, body: dict[str, Any], scopes: tuple[str, ...]) -> dict[str, Any]:
        resp = self.http.post(
            self.base + path, json=body, headers={"Authorization": f"Bearer {self.token(scopes)}"}, timeout=30
        )
        if resp.status_code != 201:
            raise SetupError(
                f"POST {path} answered {resp.status_code} while preparing the load: {resp.text[:300]}"
            )
        return dict(resp.json())

    def now(self) -> datetime:
        try:
            raw = self.http.get(self.base + "/health", timeout=10).json().get("time")
            return datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except (requests.RequestException, ValueError, AttributeError, TypeError):
            return datetime.now(UTC)

    def run(self) -> dict[str, Any]:
        data = population_data(self.seed)
        made = getattr(self, f"_{self.role}")(data)
        return {**data, **made, "tokens": self._tokens()}

    def _tokens(self) -> dict[str, str]:
        return {" ".join(op.scopes): self.token(op.scopes) for op in operations(self.role)}

    def _records(self, data: dict[str, Any]) -> dict[str, Any]:
        made = []
        for i, person in enumerate(data["people"]):
            pnc = make_pnc_id(2003, 700000 + (self.seed * 1000 + i * 7919 + _stamp()) % 290000)
            rec = self.post("/nominals", {**person, "pnc_id": pnc}, RECORDS_W)
            made.append({"nominal_id": rec["nominal_id"], "pnc_id": rec.get("pnc_id") or pnc})
        return {"nominals": made}

    def _custody(self, data: dict[str, Any]) -> dict[str, Any]:
        from harness.oracle.custody_probes import booking

        now = self.now()
        made = []
        for i in range(SETUP_RECORDS):
            rec = self.post("/custody-records", book_in(now, i, booking), CUSTODY_W)
            made.append(rec["custody_id"])
        return {"custody_ids": made, "now": now.isoformat()}

    def _intelligence(self, data: dict[str, Any]) -> dict[str, Any]:
        from harness.oracle.intelligence_probes import report

        made = []
        for i in range(SETUP_RECORDS):
            body = report(
                {"source_evaluation": "2", "intelligence_assessment": "B", "handling_code": "P"},
                original_text=f"Load set-up report {i}: PC 4512 saw SUBJECT near Elm Road at 22:10.",
            )
            made.append(self.post("/reports", body, INTEL_W)["report_id"])
        return {"report_ids": made, "words": ["Elm", "Road", "SUBJECT", "evening", "seen"]}


class SetupError(InteropError):
    """The product refused what the load needs to start: the load cannot be judged."""


def book_in(now: datetime, i: int, booking: Any) -> dict[str, Any]:
    arrived = now - timedelta(hours=1, minutes=i % 50)
    body: dict[str, Any] = booking(arrived - timedelta(minutes=30), arrived, "Load" + _letters(i))
    return body


def _letters(i: int) -> str:
    """`i` written in letters (names may hold no digits): 0 -> "a", 27 -> "ab"."""
    out = chr(97 + i % 26)
    while i >= 26:
        i = i // 26 - 1
        out = chr(97 + i % 26) + out
    return out


def _stamp() -> int:
    return int(datetime.now(UTC).timestamp()) % 100000
