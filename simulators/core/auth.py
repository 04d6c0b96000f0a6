"""OAuth2 client credentials and signed JWT access tokens from one local issuer.

One ES256 key (in `$INTEROP_HOME/issuer-key.json`, created on first use) signs every token, and
every simulator verifies with it, so one token works across the ecosystem. The scopes an
operation needs are read from the OpenAPI document's `security` requirement, so the spec and
the enforcement cannot drift.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import ECKey

from simulators.core import registry
from simulators.core.problems import Problem
from simulators.core.spec import contracts_dir, load_spec

AUDIENCE = "interop"
ALGORITHM = "ES256"
VERIFIED_CACHE_SIZE = 10_000

VENDOR_CLIENT = "vendor"  # a product under test: every business scope, no restricted intelligence


@functools.lru_cache(maxsize=8)
def _standard_scopes(registry_version: int, contracts: str) -> dict[str, str]:
    scopes: dict[str, str] = {}
    for system in registry.systems():
        try:
            spec = load_spec(system.name)
        except FileNotFoundError:  # a contracts folder holding only some systems (INTEROP_CONTRACTS_DIR)
            continue
        schemes = (spec.get("components") or {}).get("securitySchemes") or {}
        for scheme in schemes.values():
            for flow in (scheme.get("flows") or {}).values():
                for name, description in (flow.get("scopes") or {}).items():
                    scopes.setdefault(name, str(description))
    return scopes


class _Scopes(Mapping[str, str]):
    """Every scope of the standard -> its description, read from each registered system's OpenAPI
    document (its oauth2 security scheme), so the list is written once, beside the operations."""

    def _all(self) -> dict[str, str]:
        return _standard_scopes(registry.version(), str(contracts_dir()))

    def __getitem__(self, name: str) -> str:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


SCOPES: Mapping[str, str] = _Scopes()


def system_scopes(system: str) -> list[str]:
    """The scopes of one system (`records:read`, ...): the standard's scopes named after it."""
    return [s for s in SCOPES if s.split(":", 1)[0] == system]


def load_or_create_key(path: Path) -> ECKey:
    """The issuer's signing key; created atomically on first use so parallel starts agree."""
    if path.exists():
        return ECKey.import_key(json.loads(path.read_text()))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ECKey.generate_key("P-256", parameters={"kid": secrets.token_hex(8)}, private=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(key.as_dict(private=True)))
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # fails if another process won the race: then use theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return ECKey.import_key(json.loads(path.read_text()))


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    description: str = ""


def load_clients(path: Path | None = None) -> dict[str, Client]:
    """Clients from `path`, or the documented local default set.

    The default set is the file plus each registered system's client grants (`System.clients`):
    a system added outside this repository gives its scopes to the clients that call it.
    """
    if path is None:
        text = resources.files("simulators.core").joinpath("default_clients.yaml").read_text()
    else:
        text = Path(path).read_text()
    data = yaml.safe_load(text) or {}
    clients = {}
    for entry in data.get("clients", []):
        clients[entry["client_id"]] = Client(
            client_id=entry["client_id"],
            client_secret=str(entry["client_secret"]),
            scopes=tuple(entry.get("scopes", [])),
            description=entry.get("description", ""),
        )
    if path is None:
        _add_registered_grants(clients)
    return clients


def _add_registered_grants(clients: dict[str, Client]) -> None:
    for system in registry.systems():
        for grant in system.clients:
            known = clients.get(grant.client_id)
            if known is None:
                clients[grant.client_id] = Client(
                    grant.client_id, grant.client_secret, grant.scopes, grant.description
                )
            else:
                scopes = known.scopes + tuple(s for s in grant.scopes if s not in known.scopes)
                clients[grant.client_id] = Client(
                    known.client_id, known.client_secret, scopes, known.description
                )


@dataclass(frozen=True)
class Principal:
    """Who is calling: from a verified token."""

    client_id: str
    scopes: frozenset[str]
    token_id: str = ""
    issued_at: float = 0.0  # the token's `iat`: the `expire_tokens` fault expires tokens by it

    def has(self, scope: str) -> bool:
        return scope in self.scopes


class Issuer:
    """Issues and verifies access tokens with the local key."""

    def __init__(self, key: ECKey, issuer: str, ttl_seconds: int = 3600) -> None:
        self.key = key
        self.issuer = issuer
        self.ttl_seconds = ttl_seconds
        # Verified tokens until they expire: an ES256 check is ~0.2 ms, and a client sends the
        # same token on every request for an hour. Only tokens that passed every check are kept.
        self._verified: dict[str, tuple[Principal, float]] = {}

    @classmethod
    def from_key_file(
        cls, path: Path, issuer: str = "interop-local-issuer", ttl_seconds: int = 3600
    ) -> Issuer:
        return cls(load_or_create_key(path), issuer, ttl_seconds)

    def issue(
        self, client_id: str, scopes: list[str] | tuple[str, ...], ttl_seconds: int | None = None
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": client_id,
            "client_id": client_id,
            "scope": " ".join(scopes),
            "iat": now,
            "nbf": now - 5,
            "exp": now + (self.ttl_seconds if ttl_seconds is None else ttl_seconds),
            "jti": secrets.token_hex(12),
        }
        header = {"alg": ALGORITHM, "kid": self.key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, self.key)

    def verify(self, token: str) -> Principal:
        """Verify signature, issuer, audience and expiry; raise a 401 `Problem` otherwise."""
        cached = self._verified.get(token)
        if cached is not None and time.time() < cached[1]:
            return cached[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            decoded = jwt.decode(token, self.key, algorithms=[ALGORITHM])
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": AUDIENCE},
                exp={"essential": True},
            ).validate(decoded.claims)
        except ExpiredTokenError as exc:
            raise expired_token() from exc
        except (JoseError, ValueError) as exc:
            raise _unauthorized("The access token is not valid.", "invalid_token") from exc
        claims = decoded.claims
        principal = Principal(
            client_id=str(claims.get("client_id") or claims.get("sub") or "unknown"),
            scopes=frozenset(str(claims.get("scope", "")).split()),
            token_id=str(claims.get("jti", "")),
            issued_at=float(claims.get("iat") or 0),
        )
        return principal, float(claims["exp"])

    def signed_client(self, token: str) -> str | None:
        """The client of a token this issuer signed, even one past its expiry (None otherwise): who
        sent a request refused for an expired token, so the traffic log can attribute it."""
        try:
            claims = jwt.decode(token, self.key, algorithms=[ALGORITHM]).claims
        except (JoseError, ValueError):
            return None
        if claims.get("iss") != self.issuer:
            return None
        return str(claims.get("client_id") or claims.get("sub") or "")[:128] or None

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self.key.as_dict(private=False), "alg": ALGORITHM, "use": "sig"}]}


def expired_token() -> Problem:
    """The 401 for a token past its expiry (or expired early by the `expire_tokens` fault)."""
    return _unauthorized("The access token has expired.", "invalid_token")


def _unauthorized(detail: str, error: str | None = None) -> Problem:
    challenge = 'Bearer realm="interop"'
    if error:
        challenge += f', error="{error}", error_description="{detail}"'
    return Problem("unauthorized", detail, headers={"WWW-Authenticate": challenge})


def bearer_token(authorization: str | None) -> str:
    """Extract the bearer token from an Authorization header, or raise 401."""
    if not authorization:
        raise _unauthorized("This operation needs an access token: send Authorization: Bearer <token>.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Use the Bearer scheme: Authorization: Bearer <token>.", "invalid_request")
    return token.strip()


def require_scopes(principal: Principal, alternatives: list[list[str]]) -> None:
    """Pass if the principal holds every scope of at least one alternative; else 403."""
    if not alternatives:
        return
    for scopes in alternatives:
        if all(principal.has(s) for s in scopes):
            return
    needed = " or ".join(" ".join(a) for a in alternatives)
    held = " ".join(sorted(principal.scopes)) or "none"
    raise Problem(
        "forbidden",
        f"This operation needs scope {needed}; the token has: {held}.",
        headers={"WWW-Authenticate": f'Bearer realm="interop", error="insufficient_scope", scope="{needed}"'},
        required_scopes=[s for a in alternatives for s in a],
    )


class TokenRequestError(Exception):
    """An RFC 6749 section 5.2 error from the token endpoint."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def client_credentials_grant(
    form: dict[str, str], authorization: str | None, clients: dict[str, Client], issuer: Issuer
) -> dict[str, Any]:
    """Handle a client-credentials token request (RFC 6749 section 4.4)."""
    client_id = form.get("client_id")
    client_secret = form.get("client_secret")
    if authorization and authorization.lower().startswith("basic "):
        try:
            raw = base64.b64decode(authorization[6:].strip()).decode()
            client_id, _, client_secret = raw.partition(":")
        except (ValueError, UnicodeDecodeError) as exc:
            raise TokenRequestError("invalid_client", "Malformed Basic credentials.", 401) from exc
    grant = form.get("grant_type")
    if not grant:
        raise TokenRequestError("invalid_request", "grant_type is required.")
    if grant != "client_credentials":
        raise TokenRequestError("unsupported_grant_type", "Only client_credentials is supported.")
    client = clients.get(client_id or "")
    if client is None or not secrets.compare_digest(
        client.client_secret.encode(), (client_secret or "").encode()
    ):
        raise TokenRequestError("invalid_client", "Unknown client or wrong secret.", 401)
    requested = (form.get("scope") or "").split()
    if requested:
        not_allowed = [s for s in requested if s not in client.scopes]
        if not_allowed:
            raise TokenRequestError("invalid_scope", f"Client may not have: {' '.join(not_allowed)}.")
        scopes = requested
    else:
        scopes = list(client.scopes)
    token = issuer.issue(client.client_id, scopes)
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": issuer.ttl_seconds,
        "scope": " ".join(scopes),
    }
