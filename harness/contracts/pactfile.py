"""Pact files: find the standard's pacts for a provider, read any pact (ours or a vendor's), and
split one into single-interaction files so each interaction is verified on its own.

Verifying one interaction at a time lets the harness tie every request the verifier sends, every
provider-state call and every mismatch to exactly one interaction, whatever its description.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import BadInput
from simulators.core.spec import contracts_dir

HTTP_TYPES = {None, "Synchronous/HTTP"}
SUPPORTED_VERSIONS = ("2", "3", "4")  # major versions of the Pact specification the verifier reads


class PactFileError(BadInput):
    """The file is not a pact this harness can verify (the message says why, in one line)."""


@dataclass(frozen=True)
class ProviderState:
    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PactInteraction:
    index: int  # 1-based position in the file
    description: str
    key: str | None
    states: tuple[ProviderState, ...]
    raw: dict[str, Any]

    @property
    def is_http(self) -> bool:
        return self.raw.get("type") in HTTP_TYPES and isinstance(self.raw.get("request"), dict)

    @property
    def method(self) -> str:
        return str((self.raw.get("request") or {}).get("method", "GET")).upper()

    @property
    def path(self) -> str:
        return str((self.raw.get("request") or {}).get("path", "/"))

    @property
    def sends_token(self) -> bool:
        headers = (self.raw.get("request") or {}).get("headers") or {}
        return any(str(k).lower() == "authorization" for k in headers)


@dataclass(frozen=True)
class PactFile:
    path: Path
    consumer: str
    provider: str
    document: dict[str, Any]
    interactions: tuple[PactInteraction, ...]

    @property
    def label(self) -> str:
        return f"{self.consumer} -> {self.provider}"

    def single(self, interaction: PactInteraction, directory: Path) -> Path:
        """Write a copy of this pact holding only `interaction`; returns its path."""
        document = {k: v for k, v in self.document.items() if k not in ("interactions", "messages")}
        document["interactions"] = [interaction.raw]
        target = directory / f"{interaction.index:03d}.json"
        target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return target


def pacts_dir() -> Path:
    return contracts_dir() / "pacts"


def load_pact(path: Path | str) -> PactFile:
    """Read and check one pact file (V2, V3 or V4)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PactFileError(f"{path} does not exist") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PactFileError(f"{path} is not a JSON pact file: {exc}") from exc
    if not isinstance(document, dict):
        raise PactFileError(f"{path} is not a pact: the top level is not a JSON object")
    consumer = (
        (document.get("consumer") or {}).get("name") if isinstance(document.get("consumer"), dict) else None
    )
    provider = (
        (document.get("provider") or {}).get("name") if isinstance(document.get("provider"), dict) else None
    )
    raw_interactions = document.get("interactions")
    if not consumer or not provider or not isinstance(raw_interactions, list):
        raise PactFileError(f"{path} is not a pact: it needs consumer.name, provider.name and interactions")
    _check_version(path, document)
    interactions = []
    for index, raw in enumerate(raw_interactions, start=1):
        if not isinstance(raw, dict):
            raise PactFileError(f"{path}: interaction {index} is not a JSON object")
        if raw.get("type") in HTTP_TYPES and not (
            isinstance(raw.get("request"), dict) and isinstance(raw.get("response"), dict)
        ):
            raise PactFileError(f"{path}: interaction {index} needs a request and a response object")
        interactions.append(
            PactInteraction(
                index=index,
                description=str(raw.get("description") or f"interaction {index}"),
                key=str(raw["key"]) if raw.get("key") else None,
                states=_states(raw),
                raw=raw,
            )
        )
    return PactFile(path, str(consumer), str(provider), document, tuple(interactions))


def load_given_pact(path: Path | str) -> PactFile:
    """A pact given on the command line: readable, V2-V4, with at least one HTTP interaction."""
    path = Path(path)
    if path.is_dir():
        raise PactFileError(f"{path} is a directory, not a pact file")
    pact = load_pact(path)
    if not any(i.is_http for i in pact.interactions):
        raise PactFileError(f"{path} has no HTTP interaction to verify")
    return pact


def _check_version(path: Path, document: dict[str, Any]) -> None:
    """Refuse a pact that says it follows a specification version the verifier cannot read.

    The version is `metadata.pactSpecification.version` (V3, V4) or
    `metadata.pact-specification.version` (V2); a pact without one is read as V2.
    """
    metadata = document.get("metadata")
    if metadata is None:
        return
    if not isinstance(metadata, dict):
        raise PactFileError(f"{path} is not a pact: metadata is not a JSON object")
    spec = metadata.get("pactSpecification", metadata.get("pact-specification"))
    if spec is None:
        return
    version = spec.get("version") if isinstance(spec, dict) else None
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)
    if not isinstance(version, str) or version.split(".")[0] not in SUPPORTED_VERSIONS:
        raise PactFileError(
            f"{path} follows Pact specification {version!r}; the verifier reads versions 2, 3 and 4"
        )


def _states(raw: dict[str, Any]) -> tuple[ProviderState, ...]:
    states = raw.get("providerStates")
    if isinstance(states, list):
        return tuple(
            ProviderState(str(s.get("name", "")), dict(s.get("params") or {}))
            for s in states
            if isinstance(s, dict)
        )
    if isinstance(raw.get("providerState"), str):  # pact V2
        return (ProviderState(raw["providerState"]),)
    return ()


def standard_pacts(provider: str, directory: Path | None = None) -> list[PactFile]:
    """The standard's pacts in which `provider` is the provider, by file name."""
    directory = directory or pacts_dir()
    found = []
    for path in sorted(directory.glob("*.json")):
        pact = load_pact(path)
        if pact.provider == provider:
            found.append(pact)
    return found
