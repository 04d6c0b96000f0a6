"""Request bodies and small steps shared by the custody API tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import requests

RW = "custody:read custody:write"
T0 = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
SERGEANT = {"name": "PS Rob Hart", "collar_number": "2210", "rank": "sergeant"}
INSPECTOR = {"name": "Insp Kate Lowe", "collar_number": "1001", "rank": "inspector"}
SUPERINTENDENT = {"name": "Supt Jo Marsh", "collar_number": "42", "rank": "superintendent"}
CONSTABLE = {"name": "PC Amy Walsh", "collar_number": "4512", "rank": "constable"}


def z(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def booking(
    arrived_at: datetime = T0, detainee: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    body = {
        "station": {"code": "LS", "name": "Leeds District Custody Suite"},
        "arrest": {
            "arrested_at": z(arrived_at - timedelta(minutes=30)),
            "location": "Briggate, Leeds",
            "reason": "Suspected theft; necessary for a prompt and effective investigation",
            "officer": CONSTABLE,
        },
        "arrived_at": z(arrived_at),
        "offences": [{"cjs_code": "TH68010", "title": "Theft from a shop"}],
        "detainee": detainee or {"surname": "Nobody", "forenames": ["Nemo"], "date_of_birth": "1991-01-01"},
        "booked_in_by": SERGEANT,
    }
    body.update(extra)
    return body


class Custody:
    """Thin helpers over a running custody simulator."""

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        self.h = sim.headers(RW)

    def freeze(self, at: datetime) -> None:
        r = self.sim.sim("PUT", "/clock", json={"now": z(at), "frozen": True})
        assert r.status_code == 200, r.text

    def advance(self, **delta: float) -> None:
        r = self.sim.sim("POST", "/clock/advance", json=delta)
        assert r.status_code == 200, r.text

    def get(self, path: str, **kw: Any) -> requests.Response:
        return requests.get(self.sim.url + path, headers=self.h, timeout=10, **kw)

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> requests.Response:
        return requests.post(
            self.sim.url + path, json=body, headers={**self.h, **(headers or {})}, timeout=10
        )

    def book(self, body: dict[str, Any] | None = None, status: int = 201) -> dict[str, Any]:
        r = self.post("/custody-records", body or booking())
        assert r.status_code == status, r.text
        return r.json()

    def act(self, custody_id: str, action: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        r = self.post(f"/custody-records/{custody_id}/{action}", body)
        assert r.status_code == status, r.text
        return r.json()

    def authorise(
        self, custody_id: str, at: datetime, by: dict[str, Any] = SERGEANT, status: int = 200
    ) -> dict:
        return self.act(
            custody_id,
            "authorisation",
            {"authorised_at": z(at), "authorised_by": by, "grounds": "To obtain evidence by questioning"},
            status,
        )

    def review(
        self, custody_id: str, at: datetime, by: dict[str, Any] = INSPECTOR, status: int = 200, **extra: Any
    ) -> dict:
        return self.act(
            custody_id,
            "reviews",
            {"reviewed_at": z(at), "reviewer": by, "decision": "continue_detention", **extra},
            status,
        )

    def extend(
        self,
        custody_id: str,
        at: datetime,
        until: datetime,
        by: dict[str, Any] = SUPERINTENDENT,
        status: int = 200,
        indictable: bool = True,
    ) -> dict:
        return self.act(
            custody_id,
            "extensions",
            {
                "authorised_at": z(at),
                "until": z(until),
                "authorised_by": by,
                "grounds": "Evidence to secure",
                "offence_indictable": indictable,
            },
            status,
        )

    def warrant(
        self,
        custody_id: str,
        applied: datetime,
        issued: datetime,
        until: datetime,
        status: int = 200,
        **extra: Any,
    ) -> dict:
        return self.act(
            custody_id,
            "warrants",
            {
                "applied_at": z(applied),
                "issued_at": z(issued),
                "until": z(until),
                "court": {"name": "Leeds Magistrates' Court"},
                "applied_by": INSPECTOR,
                **extra,
            },
            status,
        )

    def outcome(
        self, custody_id: str, at: datetime, type_: str = "no_further_action", status: int = 200, **extra: Any
    ) -> dict:
        return self.act(
            custody_id,
            "outcome",
            {"type": type_, "decided_at": z(at), "decided_by": SERGEANT, **extra},
            status,
        )

    def record(self, custody_id: str) -> dict[str, Any]:
        r = self.get(f"/custody-records/{custody_id}")
        assert r.status_code == 200, r.text
        return r.json()
