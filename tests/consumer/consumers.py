"""Two consumers written for the tests: a sloppy one with every habit the duties name, a careful one."""

from __future__ import annotations

from typing import Any

import requests

PERSON = {
    "surname": "Ní Bhriain",
    "forenames": ["Zoë"],
    "sex": "female",
    "date_of_birth": "1994-11-02",
    "address": {"line1": "14 Rue Street", "town": "Leeds", "postcode": "LS6 2AB"},
}


class Product:
    def __init__(self, records: str, client_id: str, secret: str, scope: str = "") -> None:
        self.records, self.client_id, self.secret, self.scope = records, client_id, secret, scope
        self._token: str | None = None

    def fetch_token(self) -> str:
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.secret}
        if self.scope:
            form["scope"] = self.scope
        resp = requests.post(self.records + "/oauth/token", data=form, timeout=10)
        resp.raise_for_status()
        return str(resp.json()["access_token"])

    def call(self, method: str, path: str, **kw: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token()}", **kw.pop("headers", {})}
        return requests.request(method, self.records + path, headers=headers, timeout=10, **kw)

    def token(self) -> str:
        raise NotImplementedError


class Sloppy(Product):
    """Asks for every scope, fetches a token per call, wrong field names, no If-Match, retries 4xx,
    ignores merged nominals, asks for huge pages, reads back what a list gave it, calls made-up paths."""

    def token(self) -> str:
        return self.fetch_token()

    def run(self, survivor: str, duplicate: str) -> None:
        for _ in range(3):  # the same refused request, three times
            self.call("POST", "/nominals", json={"last_name": "Smith", "first_names": ["Jo"]})
        self.call("PATCH", f"/nominals/{survivor}", json={"sex": "female"})  # no If-Match
        read = self.call("GET", f"/nominals/{duplicate}").json()
        assert read.get("resolved_from") == duplicate
        self.call(  # still the merged-away id
            "PATCH",
            f"/nominals/{duplicate}",
            json={"sex": "female"},
            headers={"If-Match": "*", "Content-Type": "application/merge-patch+json"},
        )
        self.call("GET", "/nominals", params={"surname": "Smith", "limit": 200})
        page = self.call("GET", "/nominals", params={"limit": 6}).json()
        for item in page["items"][:6]:
            self.call("GET", f"/nominals/{item['nominal_id']}")
        self.call("GET", "/persons")


class Careful(Product):
    """One cached token with the scopes its calls need; valid bodies; If-Match; follows merges."""

    def token(self) -> str:
        if self._token is None:
            self._token = self.fetch_token()
        return self._token

    def run(self, survivor: str, duplicate: str) -> None:
        created = self.call("POST", "/nominals", json=PERSON)
        assert created.status_code == 201, created.text
        read = self.call("GET", f"/nominals/{duplicate}")
        body = read.json()
        target = body["nominal_id"] if body.get("resolved_from") else duplicate
        self.call(
            "PATCH",
            f"/nominals/{target}",
            json={"sex": "female"},
            headers={"If-Match": read.headers["ETag"], "Content-Type": "application/merge-patch+json"},
        )
        page = self.call("GET", "/nominals", params={"surname": "Ní Bhriain", "limit": 20}).json()
        assert page["items"]
