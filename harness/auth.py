"""Access tokens for calling a target: the product's own identity provider, never a silent stand-in.

Checks need tokens of several strengths (full access, one system's read scope only, none), so
tokens are asked for by the standard's scope sets. Where they come from:

* `--auth FILE` (`AuthConfig`): the product's token URL (its own identity provider, anywhere),
  client credentials for every scope set or per scope set, fixed tokens per scope set, the mapping
  from the standard's scopes to the product's, extra form fields and extra headers (API keys);
* `--token` / `--client-id` / `--client-secret`: one fixed token, or one client at the target's
  `/oauth/token`;
* nothing given: client credentials of the local admin client at the target's `/oauth/token`,
  which only our simulators (and products configured with our clients) accept.

The local issuer signs tokens only when the auth file says `issuer: local` (a product configured
to trust our JWKS). It is never a fallback: a product that refused the harness and then got
tokens it cannot verify would answer 401 to everything, and the run would look clean.
`require()` turns a refused credential into one clear line (exit 2) before any suite runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.errors import InteropError, one_line
from simulators.clients.base import ClientCredentials, TokenSource, UpstreamError
from simulators.core.auth import Issuer
from simulators.core.config import default_home

ADMIN_CLIENT = ("interop-admin", "interop-admin-secret")
TOKEN_TIMEOUT = 10.0
_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
AUTH_KEYS = {"token_url", "client_id", "client_secret", "token", "scope_map", "credentials",
             "token_params", "headers", "issuer"}  # fmt: skip
CREDENTIAL_KEYS = {"scopes", "client_id", "client_secret", "token"}


@dataclass(frozen=True)
class Credential:
    """How to get a token for one scope set (empty = the default: every scope the client may have)."""

    scopes: frozenset[str] = frozenset()
    client_id: str | None = None
    client_secret: str = ""
    token: str | None = None


@dataclass
class AuthConfig:
    """The `--auth FILE` document (docs/vendors.md, "Auth")."""

    token_url: str | None = None
    default: Credential | None = None
    credentials: list[Credential] = field(default_factory=list)
    scope_map: dict[str, str] = field(default_factory=dict)
    token_params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    issuer: str | None = None  # "local": the product trusts interop's local issuer
    source: str = ""  # the file it came from, for messages

    @classmethod
    def load(cls, path: Path) -> AuthConfig:
        """Read and check an auth file; every problem is one clear InteropError."""
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InteropError(f"--auth file {path} does not exist") from None
        except IsADirectoryError:
            raise InteropError(f"--auth {path} is a directory, not a file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InteropError(f"--auth file {path} cannot be read: {type(exc).__name__}") from None
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            at = f" (line {where.line + 1})" if where is not None else ""
            raise InteropError(f"--auth file {path} is not valid YAML{at}") from None
        return cls.from_mapping(raw, source=str(path))

    @classmethod
    def from_mapping(cls, raw: Any, *, source: str = "--auth") -> AuthConfig:
        if not isinstance(raw, dict):
            raise InteropError(f"{source}: expected a mapping of auth settings (docs/vendors.md)")
        unknown = sorted(set(map(str, raw)) - AUTH_KEYS)
        if unknown:
            raise InteropError(
                f"{source}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(AUTH_KEYS))}"
            )
        issuer = _text(raw.get("issuer"), source, "issuer")
        if issuer not in (None, "local"):
            raise InteropError(
                f"{source}: issuer may only be 'local' (a product that trusts interop's issuer)"
            )
        token_url = _text(raw.get("token_url"), source, "token_url")
        if token_url and not re.match(r"^https?://[^\s/]+", token_url):
            raise InteropError(f"{source}: token_url must be an http(s) URL; got {token_url!r}")
        default = None
        if raw.get("client_id") is not None or raw.get("token") is not None:
            default = _credential(
                {k: raw.get(k) for k in ("client_id", "client_secret", "token")}, source, True
            )
        creds = raw.get("credentials") or []
        if not isinstance(creds, list):
            raise InteropError(f"{source}: credentials must be a list")
        return cls(
            token_url=token_url,
            default=default,
            credentials=[_credential(c, f"{source}: credentials[{i}]", False) for i, c in enumerate(creds)],
            scope_map=_strings(raw.get("scope_map"), source, "scope_map"),
            token_params=_strings(raw.get("token_params"), source, "token_params"),
            headers=_strings(raw.get("headers"), source, "headers"),
            issuer=issuer,
            source=source,
        )

    def product_scopes(self, scopes: tuple[str, ...]) -> str:
        """The standard's scopes as the product names them, for the token request."""
        mapped: list[str] = []
        for scope in scopes:
            for name in self.scope_map.get(scope, scope).split():
                if name not in mapped:
                    mapped.append(name)
        return " ".join(mapped)


def _expand(value: str, where: str) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise InteropError(f"{where}: environment variable {name} is not set")
        return os.environ[name]

    return _ENV_VAR.sub(sub, value)


def _text(value: Any, source: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InteropError(f"{source}: {key} must be a string")
    return _expand(str(value), f"{source}: {key}")


def _strings(value: Any, source: str, key: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InteropError(f"{source}: {key} must be a mapping of names to strings")
    return {str(k): _text(v, source, f"{key}.{k}") or "" for k, v in value.items()}


def _credential(raw: Any, where: str, default: bool) -> Credential:
    if not isinstance(raw, dict):
        raise InteropError(f"{where}: expected a mapping with scopes and client_id/client_secret or token")
    unknown = sorted(set(map(str, raw)) - CREDENTIAL_KEYS)
    if unknown:
        raise InteropError(f"{where}: unknown key(s) {', '.join(unknown)}")
    scopes = raw.get("scopes")
    if default:
        scope_set: frozenset[str] = frozenset()
    elif isinstance(scopes, str):
        scope_set = frozenset(scopes.split())
    elif isinstance(scopes, list) and scopes and all(isinstance(s, str) for s in scopes):
        scope_set = frozenset(scopes)
    else:
        raise InteropError(f"{where}: scopes must be a non-empty list of the standard's scopes")
    token = _text(raw.get("token"), where, "token")
    client_id = _text(raw.get("client_id"), where, "client_id")
    if (token is None) == (client_id is None):
        raise InteropError(f"{where}: give either token or client_id (with client_secret)")
    return Credential(
        scope_set, client_id, _text(raw.get("client_secret"), where, "client_secret") or "", token
    )


class TargetTokens:
    """Tokens for one target, by the standard's scope sets."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: AuthConfig | None = None,
        token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        home: Path | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth or AuthConfig()
        if token:
            self.auth.default = Credential(token=token)
        elif client_id or not self.auth.default:
            cid = client_id or ADMIN_CLIENT[0]
            secret = (
                client_secret
                if client_secret is not None
                else (ADMIN_CLIENT[1] if cid == ADMIN_CLIENT[0] else "")
            )
            self.auth.default = Credential(client_id=cid, client_secret=secret)
        self.home = home or default_home()
        self._sources: dict[tuple[str, ...], TokenSource] = {}
        self.refusals: dict[tuple[str, ...], str] = {}  # scope set -> why no token could be had
        self.source = (
            "given" if token else ("local-issuer" if self.auth.issuer == "local" else "client-credentials")
        )

    @property
    def token_url(self) -> str:
        return self.auth.token_url or self.base_url + "/oauth/token"

    @property
    def headers(self) -> dict[str, str]:
        """Extra headers the product wants on every request (API keys)."""
        return dict(self.auth.headers)

    def token(self, scopes: list[str] | tuple[str, ...] | None = None) -> str | None:
        """A token with exactly `scopes` (None or empty = everything the credential may have); None if
        none can be had (the reason is kept in `refusals`)."""
        key = tuple(sorted(set(scopes))) if scopes else ()
        if key in self.refusals:
            return None
        cred = self._credential(key)
        if cred is None:
            self.refusals[key] = "no credential in the auth settings gives exactly these scopes"
            return None
        if cred.token:
            return cred.token
        if self.auth.issuer == "local":
            from simulators.core.auth import SCOPES

            return Issuer.from_key_file(self.home / "issuer-key.json").issue(
                "interop-harness", list(key) or list(SCOPES)
            )
        source = self._sources.get(key)
        if source is None:
            form_scope = self.auth.product_scopes(key) if key and not cred.scopes else ""
            source = self._sources[key] = _ParamsTokenSource(
                self.token_url,
                ClientCredentials(cred.client_id or "", cred.client_secret, form_scope),
                self.auth.token_params,
                timeout=TOKEN_TIMEOUT,
            )
        try:
            return source.token("target")
        except UpstreamError as exc:
            self.refusals[key] = _why(self.token_url, cred, exc)
            return None

    def _credential(self, key: tuple[str, ...]) -> Credential | None:
        """The credential for exactly this scope set: a listed one, else the default client.

        A fixed default token stands only for full access: we cannot narrow a token we did not mint.
        """
        for cred in self.auth.credentials:
            if tuple(sorted(cred.scopes)) == key:
                return cred
        default = self.auth.default
        if default is None or (key and default.token):
            return None
        return default

    def require(self, scopes: list[str] | tuple[str, ...] | None = None) -> str:
        """The full-access token every suite starts from; a refusal is one clear line and exit 2."""
        tok = self.token(scopes)
        if tok is None:
            key = tuple(sorted(set(scopes))) if scopes else ()
            raise InteropError(
                f"{self.refusals.get(key, 'no token')}. The harness cannot judge a product that does not "
                "accept its credentials: give the product's own with --auth FILE (see docs/vendors.md)"
            )
        return tok


class _ParamsTokenSource(TokenSource):
    """A TokenSource that adds the product's extra form fields (audience, resource) to the request."""

    def __init__(
        self, token_url: str, credentials: ClientCredentials, params: dict[str, str], timeout: float
    ):
        super().__init__(token_url, credentials, timeout=timeout)
        self.params = params

    def form(self) -> dict[str, str]:
        return {**super().form(), **self.params}


def _why(url: str, cred: Credential, exc: UpstreamError) -> str:
    """One line: the URL, the client and the status; the product's own words only as a short code."""
    if exc.status is None:
        reason = one_line(str(exc), 120)
        return f"the token endpoint {url} gave no answer for client {cred.client_id!r} ({reason})"
    code = exc.problem.get("error") if isinstance(exc.problem, dict) else None
    said = f", {one_line(str(code), 80)}" if isinstance(code, str) and code else ""
    if exc.status == 200:
        return f"the token endpoint {url} answered 200 without an access token for client {cred.client_id!r}"
    return f"the token endpoint {url} refused client {cred.client_id!r} (status {exc.status}{said})"
