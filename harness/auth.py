"""Access tokens for calling a target: given, client credentials at its token endpoint, or local.

Checks need tokens of several strengths (full access, one system's read scope only, none), so
tokens are asked for by scope set. Client credentials are the simulators' own `TokenSource` (one
per scope set, which caches each token until shortly before it expires); when the target's token
endpoint gives none, the local issuer's token (or None) is kept for that scope set.
"""

from __future__ import annotations

from pathlib import Path

from simulators.clients.base import TokenSource, UpstreamError, token_source_for
from simulators.core.auth import Issuer
from simulators.core.config import default_home

ADMIN_CLIENT = ("interop-admin", "interop-admin-secret")
TOKEN_TIMEOUT = 10.0


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
        self._sources: dict[tuple[str, ...], TokenSource] = {}
        self._fallback: dict[tuple[str, ...], str | None] = {}  # scope sets client credentials did not give
        self.source = "given" if token else "unknown"

    def token(self, scopes: list[str] | tuple[str, ...] | None = None) -> str | None:
        """A token with exactly `scopes` (None = everything the client may have); None if unobtainable."""
        key = tuple(sorted(scopes)) if scopes else ()
        if not key and self.fixed:
            return self.fixed
        if key in self._fallback:
            return self._fallback[key]
        tok = self._client_credentials(key)
        if tok is None:
            tok = self._fallback[key] = self._local(key)
        return tok

    def _client_credentials(self, scopes: tuple[str, ...]) -> str | None:
        source = self._sources.get(scopes)
        if source is None:
            source = self._sources[scopes] = token_source_for(
                self.base_url, self.client_id, self.client_secret, " ".join(scopes), timeout=TOKEN_TIMEOUT
            )
        try:
            tok = source.token("target")
        except UpstreamError:
            return None
        self.source = "client-credentials"
        return tok

    def _local(self, scopes: tuple[str, ...]) -> str | None:
        key_file = self.home / "issuer-key.json"
        if self.fixed and scopes:
            return None  # a vendor gave us one token; we cannot mint narrower ones for their issuer
        from simulators.core.auth import SCOPES

        self.source = "local-issuer"
        return Issuer.from_key_file(key_file).issue("interop-harness", list(scopes) or list(SCOPES))
