"""The typed client of the records (RMS) API, as custody, intelligence or a vendor product use it.

Merged nominals are transparent: `get_nominal` of a merged-away id returns the surviving nominal
(the records system answers 200 with the survivor; compare `nominal_id` with the id you asked for,
or read `resolved_from`, to notice the merge and update your own reference).
"""

from __future__ import annotations

from typing import Any

from simulators.clients.base import ServiceClient, UpstreamError

MAX_LIMIT = 200


class RecordsClient(ServiceClient):
    """Nominal look-up, search and creation; occurrence links and custody outcomes."""

    system = "records"

    def _object(self, resp: Any, what: str) -> dict[str, Any]:
        body = self.json_or_none(resp)
        if not isinstance(body, dict):
            raise UpstreamError(
                self.system,
                f"{what} answered without a JSON object",
                resp.status_code if resp is not None else None,
            )
        return body

    def get_nominal(self, nominal_id: str) -> dict[str, Any] | None:
        """The nominal (the survivor for a merged-away id), or None when records has no such nominal."""
        resp = self.request("GET", f"/nominals/{nominal_id}", allow_404=True)
        return None if resp is None else self._object(resp, "GET /nominals/{id}")

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
        """The best `limit` matches (each with its `match` explanation), best first."""
        params = {
            "pnc_id": pnc_id,
            "cro_number": cro_number,
            "surname": surname,
            "forename": forename,
            "date_of_birth": date_of_birth,
            "limit": max(1, min(int(limit), MAX_LIMIT)),
        }
        body = self._object(self.request("GET", "/nominals", params=params), "GET /nominals")
        items = body.get("items")
        if not isinstance(items, list):
            raise UpstreamError(self.system, "GET /nominals answered without a page of items")
        return items

    def create_nominal(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Create a nominal; a PNC ID already held raises UpstreamError with status 409 and the problem."""
        return self._object(self.request("POST", "/nominals", json=payload, expect=(201,)), "POST /nominals")

    def update_nominal(self, nominal_id: str, patch: dict[str, Any], etag: str) -> dict[str, Any]:
        """Merge-patch a nominal at the version `etag` names (412 -> UpstreamError with status 412)."""
        resp = self.request(
            "PATCH",
            f"/nominals/{nominal_id}",
            json=patch,
            headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"},
        )
        return self._object(resp, "PATCH /nominals/{id}")

    def merge_nominals(
        self, survivor_id: str, duplicate_id: str, reason: str | None = None
    ) -> dict[str, Any]:
        """Merge `duplicate_id` into `survivor_id`; returns the survivor."""
        body: dict[str, Any] = {"duplicate_id": duplicate_id}
        if reason:
            body["reason"] = reason
        return self._object(
            self.request("POST", f"/nominals/{survivor_id}/merges", json=body), "POST /nominals/{id}/merges"
        )

    def get_occurrence(self, occurrence_id: str) -> dict[str, Any] | None:
        """The occurrence with its links and custody outcomes, or None when there is none."""
        resp = self.request("GET", f"/occurrences/{occurrence_id}", allow_404=True)
        return None if resp is None else self._object(resp, "GET /occurrences/{id}")

    def add_occurrence_link(self, occurrence_id: str, nominal_id: str, role: str) -> dict[str, Any]:
        """Link a person with a role (idempotent: an existing link is returned as it is)."""
        resp = self.request(
            "POST",
            f"/occurrences/{occurrence_id}/links",
            json={"nominal_id": nominal_id, "role": role},
            expect=(200, 201),
        )
        return self._object(resp, "POST /occurrences/{id}/links")

    def record_custody_outcome(self, occurrence_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Record a custody outcome on an occurrence (idempotent on `custody_id`)."""
        resp = self.request(
            "POST", f"/occurrences/{occurrence_id}/custody-outcomes", json=payload, expect=(200, 201)
        )
        return self._object(resp, "POST /occurrences/{id}/custody-outcomes")

    def events(self, after: str | None = None, limit: int = 100, types: str | None = None) -> dict[str, Any]:
        """One page of the change feed after the cursor `after` (the feed never ends: resume from
        the page's `next_cursor`, which stays put while nothing new has happened); `types` keeps
        only those event types (comma-separated, e.g. `nominal.merged`)."""
        resp = self.request("GET", "/events", params={"after": after, "limit": limit, "type": types})
        body = self._object(resp, "GET /events")
        if not isinstance(body.get("items"), list):
            raise UpstreamError(self.system, "GET /events answered without a page of items")
        return body
