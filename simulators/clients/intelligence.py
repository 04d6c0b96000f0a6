"""The typed client of the intelligence system's API, as records (or a vendor product) uses it.

Records needs exactly one thing from intelligence: whether any intelligence is held on a nominal,
as a yes/no without content (scope `intelligence:indicator`). The national index reads reports
(sanitised view, `intelligence:read`) and follows the change feed.
"""

from __future__ import annotations

from typing import Any

from simulators.clients.base import ServiceClient, UpstreamError


class IntelligenceClient(ServiceClient):
    """Calls `GET /nominals/{nominal_id}/indicator` on the intelligence system."""

    system = "intelligence"

    def intelligence_held(self, nominal_id: str) -> bool:
        """True when the intelligence system holds any report on `nominal_id` (never its content)."""
        resp = self.request("GET", f"/nominals/{nominal_id}/indicator")
        body = self.json_or_none(resp)
        held = body.get("intelligence_held") if isinstance(body, dict) else None
        if not isinstance(held, bool):
            raise UpstreamError(
                self.system,
                "answered without a boolean intelligence_held",
                resp.status_code if resp else None,
            )
        return held

    def get_report(self, report_id: str) -> dict[str, Any] | None:
        """A report in this client's view, or None when it does not exist or may not be seen (both 404)."""
        body = self.json_or_none(self.request("GET", f"/reports/{report_id}", allow_404=True))
        if body is not None and not isinstance(body, dict):
            raise UpstreamError(self.system, "GET /reports/{report_id} answered without a JSON object")
        return body

    def events(self, after: str | None = None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed this client may see, after the cursor `after`."""
        body = self.json_or_none(self.request("GET", "/events", params={"after": after, "limit": limit}))
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise UpstreamError(self.system, "GET /events answered without a page of items")
        return body
