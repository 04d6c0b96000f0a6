"""Turning a (spec-valid) request body into stored values: dates, locations, organisations.

The OpenAPI document has already checked types and sizes; what remains is what a schema cannot
say (a calendar date that exists, a postcode in a valid UK format) and text that a database
cannot store (lone surrogates). Messages name fields, never echo report text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from simulators.core.problems import Problem
from simulators.domain.identifiers import normalise_postcode
from simulators.intelligence.rules import Violation, raise_violations


def ensure_storable(value: Any, field: str = "body") -> None:
    """Refuse strings that cannot be stored as UTF-8 (lone surrogates) with a 400, not a 500."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Problem(
                "validation-error",
                f"{field} is not valid Unicode text.",
                errors=[{"field": field, "message": "contains a lone surrogate"}],
            ) from exc
    elif isinstance(value, dict):
        for k, v in value.items():
            ensure_storable(v, f"{field}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            ensure_storable(v, f"{field}[{i}]")


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise Problem(
            "validation-error",
            f"{field} must be a calendar date (YYYY-MM-DD).",
            errors=[{"field": field, "message": "not a calendar date"}],
        ) from exc


def locations(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Locations with postcodes in canonical form (rule LOC-postcode when one is not a UK postcode)."""
    out, violations = [], []
    for i, loc in enumerate(values):
        postcode = loc.get("postcode")
        if postcode is not None:
            try:
                postcode = normalise_postcode(postcode)
            except ValueError:
                violations.append(Violation("LOC-postcode", f"locations[{i}].postcode", "not a UK postcode"))
        out.append(
            {"line1": loc["line1"], "line2": loc.get("line2"), "town": loc.get("town"), "postcode": postcode}
        )
    raise_violations(violations, kind="validation-error")
    return out


def organisations(values: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"name": o["name"], "type": o["type"]} for o in values]
