"""Test support on the systems a scenario runs on: is it offered, and put it back as it was.

A scenario that moves a clock or takes a system down needs that system's `/_sim/` endpoint (the
support document's `x-interop-probe`); a product that does not offer it has the scenario skipped.
Whatever a scenario changes there (clock, faults, quirks) is restored afterwards, so the next
scenario, and whoever else uses the systems, finds them as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

TIMEOUT = 10.0
RESTORABLE = ("/_sim/clock", "/_sim/faults", "/_sim/quirks")
CAPABILITIES = {
    "/_sim/clock": "clock control",
    "/_sim/faults": "fault control",
    "/_sim/quirks": "quirk profiles",
}


def capability(probe: str) -> str:
    """What a test-support endpoint gives, in words (`/_sim/clock` -> "clock control")."""
    return CAPABILITIES.get(probe, f"test support ({probe})")


def offers(base_url: str, probe: str, session: requests.Session | None = None) -> bool:
    """True when GET base_url+probe answers 200 with a JSON object (404, 401, 405, HTML: not offered)."""
    try:
        r = (session or requests).get(base_url.rstrip("/") + probe, timeout=TIMEOUT)
    except requests.RequestException:
        return False
    if r.status_code != 200:
        return False
    try:
        return isinstance(r.json(), dict)
    except ValueError:
        return False


@dataclass
class Snapshot:
    """The support settings of some systems before a scenario, to put back afterwards."""

    saved: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (base_url, probe) -> body

    def take(self, base_url: str, probe: str, session: requests.Session) -> None:
        if probe not in RESTORABLE or (base_url, probe) in self.saved:
            return
        r = session.get(base_url.rstrip("/") + probe, timeout=TIMEOUT)
        if r.status_code == 200:
            self.saved[(base_url, probe)] = r.json()

    def restore(self, session: requests.Session) -> list[str]:
        """Put every saved setting back; returns what could not be restored (for a warning)."""
        failed = []
        for (base_url, probe), body in self.saved.items():
            url = base_url.rstrip("/") + probe
            try:
                if probe == "/_sim/clock":
                    r = _restore_clock(session, url, body)
                elif probe == "/_sim/faults":
                    r = session.put(url, json=body, timeout=TIMEOUT)
                else:
                    r = session.put(url, json={"active": body.get("active", [])}, timeout=TIMEOUT)
                if r.status_code != 200:
                    failed.append(f"{url} answered {r.status_code}")
            except requests.RequestException as exc:
                failed.append(f"{url}: {type(exc).__name__}")
        return failed


def _restore_clock(session: requests.Session, url: str, body: dict[str, Any]) -> requests.Response:
    if body.get("frozen"):
        return session.put(url, json={"now": body["now"], "frozen": True}, timeout=TIMEOUT)
    offset = float(body.get("offset_seconds") or 0)
    if offset == 0:
        return session.post(url + "/reset", timeout=TIMEOUT)
    at = datetime.now(UTC) + timedelta(seconds=offset)
    return session.put(url, json={"now": at.isoformat(), "frozen": False}, timeout=TIMEOUT)
