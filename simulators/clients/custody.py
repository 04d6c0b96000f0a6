"""The typed client of the custody system, as records, intelligence or a case-file builder use it."""

from __future__ import annotations

from typing import Any

from simulators.clients.base import ServiceClient, UpstreamError

PAGE_LIMIT = 200
MAX_PAGES = 1000


class CustodyClient(ServiceClient):
    """Reads custody records: a detainee's custody history and single records (with their clocks)."""

    system = "custody"

    def custody_history(self, nominal_id: str) -> list[dict[str, Any]]:
        """Every custody record of a nominal (all pages), oldest custody number first."""
        records: list[dict[str, Any]] = []
        params: dict[str, Any] = {"nominal_id": nominal_id, "limit": PAGE_LIMIT}
        for _ in range(MAX_PAGES):
            body = self.json_or_none(self.request("GET", "/custody-records", params=params))
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise UpstreamError(self.system, "GET /custody-records answered without a page of items")
            records.extend(body["items"])
            cursor = body.get("next_cursor")
            if not cursor:
                return records
            params = {"nominal_id": nominal_id, "limit": PAGE_LIMIT, "cursor": cursor}
        raise UpstreamError(
            self.system, f"custody history of {nominal_id} did not end after {MAX_PAGES} pages"
        )

    def get_custody_record(self, custody_id: str) -> dict[str, Any] | None:
        """One custody record, or None when custody has no such record."""
        record: dict[str, Any] | None = self.json_or_none(
            self.request("GET", f"/custody-records/{custody_id}", allow_404=True)
        )
        return record

    def events(self, after: str | None = None, limit: int = 100) -> dict[str, Any]:
        """One page of the custody change feed after the cursor `after` (resume from `next_cursor`)."""
        body = self.json_or_none(self.request("GET", "/events", params={"after": after, "limit": limit}))
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise UpstreamError(self.system, "GET /events answered without a page of items")
        return body
