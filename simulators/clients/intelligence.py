"""The typed client of the intelligence system's API, as records (or a vendor product) uses it.

Records needs exactly one thing from intelligence: whether any intelligence is held on a nominal,
as a yes/no without content (scope `intelligence:indicator`).
"""

from __future__ import annotations

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
