"""An in-process stand-in for RecordsClient: the fixed interface, with a switch to make records 'down'."""

from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

from simulators.clients.base import UpstreamError


class FakeRecords:
    """Implements the RecordsClient interface over dicts; `down=True` fails every call like a dead peer."""

    def __init__(self) -> None:
        self.nominals: dict[str, dict[str, Any]] = {}
        self.merged: dict[str, str] = {}
        self.occurrences: dict[str, dict[str, Any]] = {}
        self.links: list[tuple[str, str, str]] = []
        self.outcomes: list[tuple[str, dict[str, Any]]] = []
        self.created: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.down = False
        self.refuse_outcomes_with: int | None = None
        self._lock = threading.Lock()

    def _call(self, name: str) -> None:
        with self._lock:
            self.calls.append(name)
        if self.down:
            raise UpstreamError("records", f"{name} failed: ConnectionError")

    def add_nominal(self, **fields: Any) -> dict[str, Any]:
        n = {
            "nominal_id": str(uuid.uuid4()),
            "pnc_id": None,
            "forenames": ["John"],
            "surname": "Smith",
            "date_of_birth": "1990-05-01",
            "sex": "male",
            **fields,
        }
        self.nominals[n["nominal_id"]] = n
        return n

    def add_occurrence(self) -> str:
        oid = str(uuid.uuid4())
        self.occurrences[oid] = {"occurrence_id": oid, "links": []}
        return oid

    def get_nominal(self, nominal_id: str) -> dict[str, Any] | None:
        self._call("get_nominal")
        nominal_id = self.merged.get(nominal_id, nominal_id)
        n = self.nominals.get(nominal_id)
        return copy.deepcopy(n) if n else None

    def search_nominals(
        self,
        *,
        pnc_id: str | None = None,
        cro_number: str | None = None,
        surname: str | None = None,
        forename: str | None = None,
        date_of_birth: str | None = None,
        limit: int = 20,
    ) -> list[dict[str, Any]]:
        self._call("search_nominals")
        out = []
        for n in self.nominals.values():
            if pnc_id and n.get("pnc_id") != pnc_id:
                continue
            if surname and n["surname"].casefold() != surname.casefold():
                continue
            if forename and n["forenames"][0].casefold() != forename.casefold():
                continue
            if date_of_birth and n["date_of_birth"] != date_of_birth:
                continue
            out.append(copy.deepcopy(n))
        return out[:limit]

    def create_nominal(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._call("create_nominal")
        n = {"nominal_id": str(uuid.uuid4()), "pnc_id": None, **payload}
        self.nominals[n["nominal_id"]] = n
        self.created.append(n)
        return copy.deepcopy(n)

    def get_occurrence(self, occurrence_id: str) -> dict[str, Any] | None:
        self._call("get_occurrence")
        return copy.deepcopy(self.occurrences.get(occurrence_id))

    def add_occurrence_link(self, occurrence_id: str, nominal_id: str, role: str) -> dict[str, Any]:
        self._call("add_occurrence_link")
        link = (occurrence_id, nominal_id, role)
        if link not in self.links:
            self.links.append(link)
        return {"nominal_id": nominal_id, "role": role}

    def record_custody_outcome(self, occurrence_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        self._call("record_custody_outcome")
        if self.refuse_outcomes_with:
            raise UpstreamError(
                "records", f"POST answered {self.refuse_outcomes_with}", self.refuse_outcomes_with
            )
        self.outcomes.append((occurrence_id, copy.deepcopy(payload)))
        return {"occurrence_id": occurrence_id, **payload}
