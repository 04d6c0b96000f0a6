"""The case-file builder: a downstream consumer that assembles a prosecution file.

For a charging decision or a first hearing a force sends the prosecutor one file per case: the
occurrence (what happened, where, when), each suspect (identity from records), their custody
record (arrest, detention, outcome) and the charges. The pieces live in two systems, so the
builder reads records (`GET /occurrences/{id}`, `GET /nominals/{id}`) and custody
(`GET /custody-records/{id}`, or the suspect's custody history when records holds no custody
outcome yet) with its own token (`records:read`, `custody:read`), and says what is missing instead
of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.clients.custody import CustodyClient
from simulators.clients.records import RecordsClient

SUSPECT_ROLES = ("suspect", "offender")


@dataclass
class Defendant:
    """One suspect on the file: who, their custody record, the outcome and charges."""

    nominal: dict[str, Any]
    role: str
    custody_record: dict[str, Any] | None = None
    outcome: dict[str, Any] | None = None
    charges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def charged(self) -> bool:
        return bool(self.outcome and self.outcome.get("type") == "charged")


@dataclass
class ProsecutionFile:
    occurrence: dict[str, Any]
    defendants: list[Defendant] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what could not be found, in words

    @property
    def reference(self) -> str:
        return str(self.occurrence.get("reference") or self.occurrence.get("occurrence_id"))

    @property
    def complete(self) -> bool:
        """Every suspect identified, with a custody record and an outcome."""
        return (
            bool(self.defendants)
            and not self.missing
            and all(d.custody_record is not None and d.outcome is not None for d in self.defendants)
        )


class CaseFileBuilder:
    def __init__(self, records: RecordsClient, custody: CustodyClient) -> None:
        self.records = records
        self.custody = custody

    def build(self, occurrence_id: str) -> ProsecutionFile | None:
        """The file for one occurrence, or None when records has no such occurrence."""
        occurrence = self.records.get_occurrence(occurrence_id)
        if occurrence is None:
            return None
        file = ProsecutionFile(occurrence=occurrence)
        outcomes = {
            str(o.get("nominal_id")): o
            for o in occurrence.get("custody_outcomes") or []
            if isinstance(o, dict)
        }
        for link in occurrence.get("links") or []:
            if (
                not isinstance(link, dict)
                or link.get("role") not in SUSPECT_ROLES
                or not link.get("nominal_id")
            ):
                continue
            defendant = self._defendant(str(link["nominal_id"]), str(link["role"]), outcomes, file)
            if defendant is not None:
                file.defendants.append(defendant)
        if not file.defendants:
            file.missing.append("no suspect is linked to the occurrence")
        return file

    def _defendant(
        self, nominal_id: str, role: str, outcomes: dict[str, dict[str, Any]], file: ProsecutionFile
    ) -> Defendant | None:
        nominal = self.records.get_nominal(nominal_id)
        if nominal is None:
            file.missing.append(f"records has no nominal {nominal_id}")
            return None
        defendant = Defendant(nominal=nominal, role=role)
        recorded = outcomes.get(nominal_id) or outcomes.get(str(nominal.get("nominal_id")))
        record = None
        if recorded and recorded.get("custody_id"):
            record = self.custody.get_custody_record(str(recorded["custody_id"]))
            if record is None:
                file.missing.append(
                    f"custody has no record {recorded.get('custody_number') or recorded['custody_id']}"
                )
        else:
            history = self.custody.custody_history(str(nominal.get("nominal_id") or nominal_id))
            record = max(history, key=lambda r: str(r.get("arrived_at") or ""), default=None)
            if record is None:
                file.missing.append(f"no custody record for {_name(nominal)}")
        defendant.custody_record = record
        defendant.outcome = (record or {}).get("outcome") or (recorded or {}).get("outcome")
        if defendant.outcome is None and record is not None:
            file.missing.append(f"no outcome yet for {_name(nominal)}")
        defendant.charges = list((defendant.outcome or {}).get("charges") or [])
        return defendant


def _name(nominal: dict[str, Any]) -> str:
    return " ".join([*(nominal.get("forenames") or []), str(nominal.get("surname") or "")]).strip()
