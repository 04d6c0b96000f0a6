"""Access tokens for calling a target: given, client credentials at its token endpoint, or local.

Checks need tokens of several strengths (full access, one system's read scope only, none), so
tokens are asked for by scope set and cached.
"""

from __future__ import annotations

from pathlib import Path

import requests

from simulators.core.auth import Issuer
from simulators.core.config import default_home

ADMIN_CLIENT = ("interop-admin", "interop-admin-secret")


class TargetTokens:
    """Tokens for one target."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        home: Path | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.fixed = token
        self.client_id = client_id or ADMIN_CLIENT[0]
        self.client_secret = client_secret or (
            ADMIN_CLIENT[1] if client_id in (None, ADMIN_CLIENT[0]) else ""
        )
        self.home = home or default_home()
        self._cache: dict[tuple[str, ...], str | None] = {}
        self.source = "given" if token else "unknown"

    def token(self, scopes: list[str] | tuple[str, ...] | None = None) -> str | None:
        """A token with exactly `scopes` (None = everything the client may have); None if unobtainable."""
        key = tuple(sorted(scopes)) if scopes else ()
        if not key and self.fixed:
            return self.fixed
        if key in self._cache:
            return self._cache[key]
        tok = self._client_credentials(key) or self._local(key)
        self._cache[key] = tok
        return tok

    def _client_credentials(self, scopes: tuple[str, ...]) -> str | None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        if scopes:
            form["scope"] = " ".join(scopes)
        try:
            r = requests.post(self.base_url + "/oauth/token", data=form, timeout=10)
        except requests.RequestException:
            return None
        if r.status_code == 200:
            try:
                self.source = "client-credentials"
                return str(r.json()["access_token"])
            except (ValueError, KeyError):
                return None
        return None

    def _local(self, scopes: tuple[str, ...]) -> str | None:
        key_file = self.home / "issuer-key.json"
        if self.fixed and scopes:
            return None  # a vendor gave us one token; we cannot mint narrower ones for their issuer
        from simulators.core.auth import SCOPES

        self.source = "local-issuer"
        return Issuer.from_key_file(key_file).issue("interop-harness", list(scopes) or list(SCOPES))
