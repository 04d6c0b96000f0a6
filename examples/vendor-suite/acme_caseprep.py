"""Acme Case Prep: a toy vendor client that builds a detainee's custody summary for a case file.

It is the code under test in this example suite: it reads the custody system through the open
standard only (client credentials at custody's own token endpoint, then `GET /custody-records`),
and reads every time as ISO 8601, refusing anything else rather than guessing what "03/04/2025"
means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import requests

CLIENT_ID = "case-file"  # a local client of the reference ecosystem (custody:read, records:read)
TIMEOUT = 10.0


class CasePrepError(Exception):
    """Custody could not be read, or answered something the standard does not allow."""


@dataclass(frozen=True)
class Detention:
    custody_number: str
    status: str
    arrived_at: datetime


def _instant(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        raise CasePrepError(f"{where}: expected an ISO 8601 instant, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CasePrepError(f"{where}: {value!r} is not an ISO 8601 instant") from None
    if parsed.tzinfo is None:
        raise CasePrepError(f"{where}: {value!r} has no UTC offset")
    return parsed


class CasePrep:
    def __init__(self, custody_url: str, client_secret: str, client_id: str = CLIENT_ID) -> None:
        self.custody_url = custody_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.http = requests.Session()

    def _token(self) -> str:
        try:
            resp = self.http.post(
                f"{self.custody_url}/oauth/token",
                data={"grant_type": "client_credentials", "scope": "custody:read"},
                auth=(self.client_id, self.client_secret),
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise CasePrepError(f"custody unreachable: {type(exc).__name__}") from None
        if resp.status_code != 200:
            raise CasePrepError(f"custody refused a token ({resp.status_code})")
        return str(resp.json()["access_token"])

    def detentions(self, nominal_id: str) -> list[Detention]:
        """Every custody record of the person, oldest custody number first (all pages)."""
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        params: dict[str, str | int] = {"nominal_id": nominal_id, "limit": 50}
        out: list[Detention] = []
        while True:
            try:
                resp = self.http.get(
                    f"{self.custody_url}/custody-records", params=params, headers=headers, timeout=TIMEOUT
                )
            except requests.RequestException as exc:
                raise CasePrepError(f"custody unreachable: {type(exc).__name__}") from None
            if resp.status_code != 200:
                raise CasePrepError(f"custody answered {resp.status_code} to GET /custody-records")
            page = resp.json()
            for record in page["items"]:
                number = record["custody_number"]
                arrived = _instant(record.get("arrived_at"), f"{number} arrived_at")
                out.append(Detention(number, record["status"], arrived))
            if not page.get("next_cursor"):
                return out
            params["cursor"] = page["next_cursor"]
