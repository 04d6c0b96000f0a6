"""The national index: a downstream consumer that follows every system's change feed.

A force's systems feed a national index (the PND of this range) that knows, for each person, custody
episode and piece of (sanitised) intelligence, that it exists and where to read it. It never writes
anything back. It reads each system's `GET /events` from the last cursor it saw, and for every
event about a resource it indexes it fetches that resource with its own token (scopes
`records:read`, `custody:read`, `intelligence:read`: sanitised intelligence only), so the index
holds the system's current answer, not the event's summary. A resource that has gone (404), a
report raised above what the index may read (`report.withdrawn`, or 404) and a nominal merged away
(answered with its survivor) are removed from the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.clients.custody import CustodyClient
from simulators.clients.intelligence import IntelligenceClient
from simulators.clients.records import RecordsClient

FEED_LIMIT = 100
MAX_PAGES = 1000


@dataclass
class IndexEntry:
    """What the index keeps about one resource: enough to find it, never restricted content."""

    system: str
    kind: str  # nominal | custody_record | report
    id: str
    summary: dict[str, Any]


@dataclass
class NationalIndex:
    """Follows the change feeds of the systems it is given clients for."""

    records: RecordsClient | None = None
    custody: CustodyClient | None = None
    intelligence: IntelligenceClient | None = None
    cursors: dict[str, str | None] = field(default_factory=dict)
    entries: dict[tuple[str, str], IndexEntry] = field(default_factory=dict)

    def client(self, system: str) -> Any:
        client = {"records": self.records, "custody": self.custody, "intelligence": self.intelligence}[system]
        if client is None:
            raise ValueError(f"the national index has no client for {system}")
        return client

    def poll(self, system: str, limit: int = FEED_LIMIT) -> int:
        """Read one page of `system`'s feed after the last cursor and index it; returns events read."""
        page = self.client(system).events(after=self.cursors.get(system), limit=limit)
        items = page["items"]
        for event in items:
            if isinstance(event, dict):
                self.apply(system, event)
        if items:
            self.cursors[system] = page.get("next_cursor") or items[-1].get("cursor")
        return len(items)

    def catch_up(self, system: str, limit: int = FEED_LIMIT) -> int:
        """Read `system`'s feed until it has nothing new; returns events read."""
        total = 0
        for _ in range(MAX_PAGES):
            read = self.poll(system, limit)
            total += read
            if read < limit:
                return total
        return total

    def apply(self, system: str, event: dict[str, Any]) -> None:
        """Index the resource one event is about (fetching its current state)."""
        resource = event.get("resource") or {}
        kind, rid = resource.get("type"), resource.get("id")
        if not isinstance(rid, str):
            return
        if system == "records" and kind == "nominal":
            self._nominal(rid)
        elif system == "custody" and kind == "custody_record":
            self._custody_record(rid)
        elif system == "intelligence" and kind == "report":
            if event.get("type") == "report.withdrawn":
                self.entries.pop(("report", rid), None)
            else:
                self._report(rid)

    def find(self, kind: str, rid: str) -> IndexEntry | None:
        return self.entries.get((kind, rid))

    def of_kind(self, kind: str) -> list[IndexEntry]:
        return [e for (k, _), e in sorted(self.entries.items()) if k == kind]

    def _nominal(self, nominal_id: str) -> None:
        nominal = self.client("records").get_nominal(nominal_id)
        if nominal is None:
            self.entries.pop(("nominal", nominal_id), None)
            return
        survivor = str(nominal.get("nominal_id") or nominal_id)
        # Merged away ids (the one asked for, or those the survivor lists) are replaced by the survivor.
        for old in {nominal_id, *(str(i) for i in nominal.get("merged_ids") or [])} - {survivor}:
            self.entries.pop(("nominal", old), None)
        self.entries[("nominal", survivor)] = IndexEntry(
            "records",
            "nominal",
            survivor,
            {
                "pnc_id": nominal.get("pnc_id"),
                "surname": nominal.get("surname"),
                "forenames": list(nominal.get("forenames") or []),
                "date_of_birth": nominal.get("date_of_birth"),
            },
        )

    def _custody_record(self, custody_id: str) -> None:
        record = self.client("custody").get_custody_record(custody_id)
        if record is None:
            self.entries.pop(("custody_record", custody_id), None)
            return
        station = record.get("station") or {}
        self.entries[("custody_record", custody_id)] = IndexEntry(
            "custody",
            "custody_record",
            custody_id,
            {
                "custody_number": record.get("custody_number"),
                "nominal_id": record.get("nominal_id"),
                "status": record.get("status"),
                "station": station.get("code"),
                "arrived_at": record.get("arrived_at"),
            },
        )

    def _report(self, report_id: str) -> None:
        report = self.client("intelligence").get_report(report_id)
        if report is None:  # gone, or above what the index may read: drop any copy
            self.entries.pop(("report", report_id), None)
            return
        grading = report.get("grading") or {}
        self.entries[("report", report_id)] = IndexEntry(
            "intelligence",
            "report",
            report_id,
            {
                "reference": report.get("reference"),
                "classification": report.get("classification"),
                "grading": "".join(
                    str(grading.get(k, ""))
                    for k in ("source_evaluation", "intelligence_assessment", "handling_code")
                ),
                "subjects": [
                    s.get("nominal_id") for s in report.get("subjects") or [] if isinstance(s, dict)
                ],
                "text_version": report.get("text_version"),
            },
        )
