"""Inputs of a scenario run: given on the command line, generated fresh, or the schema's default.

Scenarios create their own people and occurrences, so they can run again and again against the
same systems: an input with `x-interop-generate` gets a new value each run (a PNC ID with a valid
check letter, a surname nobody else has, a timestamp relative to the start of the run).

    surname:     {type: string, x-interop-generate: name}
    arrested_at: {type: string, x-interop-generate: timestamp, x-interop-offset: -PT5H}
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from harness.errors import BadInput
from simulators.domain.identifiers import make_pnc_id

KINDS = {
    "uuid": "a new UUID",
    "name": "a capitalised made-up name of 9 letters (a surname nobody else has)",
    "token": "10 random lower-case letters (a marker word to look for in text)",
    "pnc-id": "a PNC ID with a valid check letter (YYYY/NNNNNNNC)",
    "date-of-birth": "a date of birth between 1950 and 2000 (YYYY-MM-DD)",
    "date": "today plus x-interop-offset (YYYY-MM-DD)",
    "timestamp": "the run's start plus x-interop-offset (ISO 8601, UTC, seconds)",
}
_DURATION = re.compile(r"^(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"


class InputError(BadInput):
    """Inputs that do not fit the workflow's input schema."""


def parse_duration(text: str) -> timedelta:
    """ISO 8601 duration in weeks, days, hours, minutes, seconds (`-PT5H30M`, `P28D`)."""
    m = _DURATION.match(str(text).strip())
    if not m or text.strip() in ("P", "-P", "PT", "-PT") or str(text).endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration like -PT5H30M or P28D (no years or months)")
    sign = -1 if m.group(1) else 1
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in m.groups()[1:])
    return sign * timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)


def instant(dt: datetime) -> str:
    """The wire form every system answers with: UTC, seconds, explicit offset."""
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass
class Generator:
    """Fresh values for one run; every timestamp is relative to the same start."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    rng: random.Random = field(default_factory=random.Random)

    def value(self, kind: str, offset: str | None = None) -> Any:
        delta = parse_duration(offset) if offset else timedelta(0)
        if kind == "uuid":
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        if kind == "name":
            letters = [self.rng.choice(_CONSONANTS if i % 2 == 0 else _VOWELS) for i in range(9)]
            return "".join(letters).capitalize()
        if kind == "token":
            return "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10))
        if kind == "pnc-id":
            return make_pnc_id(self.rng.randint(1990, 2020), self.rng.randint(1, 9_999_999))
        if kind == "date-of-birth":
            start = date(1950, 1, 1)
            return (start + timedelta(days=self.rng.randint(0, 18_262))).isoformat()
        if kind == "date":
            return (self.now + delta).date().isoformat()
        if kind == "timestamp":
            return instant(self.now + delta)
        raise ValueError(f"unknown x-interop-generate kind {kind!r}; known: {', '.join(KINDS)}")


def resolve_inputs(
    schema: dict[str, Any] | None, given: dict[str, Any], generator: Generator
) -> dict[str, Any]:
    """Inputs for a workflow: given > generated > default; checked against its JSON Schema."""
    import jsonschema

    schema = schema or {}
    values: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        if name in given:
            values[name] = given[name]
        elif "x-interop-generate" in prop:
            values[name] = generator.value(prop["x-interop-generate"], prop.get("x-interop-offset"))
        elif "default" in prop:
            values[name] = prop["default"]
    for name, value in given.items():
        values.setdefault(name, value)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(values), key=lambda e: list(e.path))
    if errors:
        raise InputError(
            "; ".join(f"inputs{''.join(f'.{p}' for p in e.path)}: {e.message}" for e in errors[:5])
        )
    return values
