"""What every consumer test shares: matchers of the standard's formats, clients, and a Case.

A consumer test says what one consumer needs from one provider, and no more: identifiers, dates
and PNC IDs by regex, other fields by type, collections by `each_like`. Ids that only the provider
can know at verification time (the nominal the harness just created) are provider-state values:
the example is in the pact, and a `ProviderState` generator tells the verifier to use the value
the state set-up returned (`${nominal_id}`), in paths, query strings and bodies alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from pact import generate, match
from pact.interaction import HttpInteraction
from pact.match.matcher import GenericMatcher

from simulators.clients.base import TokenSource
from simulators.clients.custody import CustodyClient
from simulators.clients.intelligence import IntelligenceClient
from simulators.clients.records import RecordsClient

UUID_RE = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
TIMESTAMP_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PARTIAL_DATE_RE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
PNC_RE = r"^[0-9]{4}/[0-9]{7}[A-HJ-NP-RT-Z]$"  # canonical long form, as providers answer
CUSTODY_NUMBER_RE = r"^[A-Z]{2}-[0-9]{4}-[0-9]{6,}$"
OCCURRENCE_REFERENCE_RE = r"^OCC-[0-9]{4}-[0-9]{6,}$"
INTELLIGENCE_REFERENCE_RE = r"^INT-[0-9]{4}-[0-9]{6,}$"
CJS_CODE_RE = r"^(?:[A-Z]{2}[0-9]{2}|COML)[0-9]{3}[ABCI]?$"
BEARER_RE = r"^Bearer [A-Za-z0-9\-._~+/]+=*$"
# A media type with optional parameters (RFC 9110 section 8.3.1): a product may answer
# `application/json; charset=utf-8`. The Pact verifier matches a regex against the whole value.
JSON_RE = r"^(?i:application/json)[ \t]*(;.*)?$"
PROBLEM_RE = r"^(?i:application/problem\+json)[ \t]*(;.*)?$"

# An example access token (the shape of the ES256 JWTs the range issues); the verifier replaces it.
EXAMPLE_TOKEN = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjb25zdW1lci10ZXN0In0.c2lnbmF0dXJl"

# Example ids (the provider's real ids come from provider states at verification).
NOMINAL_ID = "2b1f0c8e-4d1a-4c3e-9a57-3f4a8e2d9c10"
SURVIVOR_ID = "5c2d7e81-0a4b-4f6c-9d3e-7b8a9c0d1e2f"
UNKNOWN_NOMINAL_ID = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
OCCURRENCE_ID = "3f1c2a4e-8b7d-4e2f-9a1b-2c3d4e5f6a7b"
UNKNOWN_OCCURRENCE_ID = "6e5d4c3b-2a19-4876-a5b4-c3d2e1f0a9b8"
CUSTODY_ID = "0b7e3a52-7c1d-4f7e-8a57-3f2d1c0b9a88"
UNKNOWN_CUSTODY_ID = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d"
REPORT_ID = "7d9e4c1a-2f3b-4a5c-8d6e-9f0a1b2c3d4e"
UNKNOWN_REPORT_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
LINK_ID = "4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"
OUTCOME_ID = "e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c5b"
CURSOR = "MTIz"  # the example feed cursor


def regex(example: str, pattern: str) -> Any:
    return match.regex(example, regex=pattern)


def uuid(example: str) -> Any:
    return regex(example, UUID_RE)


def timestamp(example: str) -> Any:
    return regex(example, TIMESTAMP_RE)


def from_state(example: str, variable: str, pattern: str = UUID_RE) -> Any:
    """A value the provider state supplies at verification (`${variable}`), matched by `pattern`."""
    return GenericMatcher(
        "regex", value=example, regex=pattern, generator=generate.provider_state("${" + variable + "}")
    )


def path_from_state(example: str, expression: str, pattern: str) -> Any:
    """A request path built from provider-state values, e.g. `/nominals/${nominal_id}`."""
    return GenericMatcher(
        "regex", value=example, regex=pattern, generator=generate.provider_state(expression)
    )


def problem(status: int) -> dict[str, Any]:
    """An RFC 9457 problem: what every consumer relies on to report a refusal."""
    return {
        "type": match.str("urn:interop:problem:example"),
        "title": match.str("Example title"),
        "status": status,
        "detail": match.str("What went wrong, in words."),
    }


def authorised(interaction: HttpInteraction) -> HttpInteraction:
    """The request carries a bearer token (the verifier supplies a real one with the consumer's scopes)."""
    return interaction.with_header("Authorization", regex(f"Bearer {EXAMPLE_TOKEN}", BEARER_RE))


def accepts_json(interaction: HttpInteraction) -> HttpInteraction:
    return interaction.with_header("Accept", "application/json")


def json_response(interaction: HttpInteraction, status: int, body: Any) -> HttpInteraction:
    return (
        interaction.will_respond_with(status)
        .with_header("Content-Type", regex("application/json", JSON_RE))
        .with_body(body, content_type="application/json")
    )


def problem_response(interaction: HttpInteraction, status: int) -> HttpInteraction:
    return (
        interaction.will_respond_with(status)
        .with_header("Content-Type", regex("application/problem+json", PROBLEM_RE))
        .with_body(problem(status), content_type="application/problem+json")
    )


# --- clients as the consumers build them -------------------------------------------------------


class NoToken(TokenSource):
    """A consumer without a token (misconfigured, or its token store empty)."""

    def token(self, system: str = "provider") -> str:
        return ""


class _NoEmptyBearer(requests.Session):
    """Sends no Authorization header at all when the token is empty (what 'no token' means)."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.get("headers") or {})
        if headers.get("Authorization", "").strip() == "Bearer":
            headers.pop("Authorization")
        kwargs["headers"] = headers
        return super().request(method, url, *args, **kwargs)


def _client(cls: type, url: str, token: bool) -> Any:
    if token:
        return cls(str(url), TokenSource.fixed(EXAMPLE_TOKEN), timeout=10)
    return cls(str(url), NoToken(), timeout=10, session=_NoEmptyBearer())


def records_client(url: str, token: bool = True) -> RecordsClient:
    return _client(RecordsClient, url, token)


def custody_client(url: str, token: bool = True) -> CustodyClient:
    return _client(CustodyClient, url, token)


def intelligence_client(url: str, token: bool = True) -> IntelligenceClient:
    return _client(IntelligenceClient, url, token)


@dataclass(frozen=True)
class Case:
    """One interaction: how it is declared, and the consumer code that exercises it."""

    key: str
    description: str
    define: Callable[[HttpInteraction], object]
    drive: Callable[[str], None]


@dataclass(frozen=True)
class Pair:
    consumer: str
    provider: str

    @property
    def filename(self) -> str:
        return f"{self.consumer}-{self.provider}.json"
