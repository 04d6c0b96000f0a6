"""Validation and canonical form of nominal input (create, and the result of a merge-patch).

Checks that need no stored state live here and answer 400 with field errors and a rule id:
identifiers (PNC ID, CRO number check letters), postcodes, names, dates. Identifiers and postcodes
given in any common layout are stored canonical. The "4+1" minimum is a 422 domain rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from simulators.core.problems import Problem
from simulators.domain import codelists
from simulators.domain.identifiers import normalise_cro_number, normalise_pnc_id, normalise_postcode
from simulators.domain.ni_number import normalise_ni_number
from simulators.records.dates import check_partial_date

NAME_PUNCTUATION = set(" -'’")
_SPACES = re.compile(r"\s+")


class FieldErrors:
    """Collects field errors so one 400 names every problem, with the first rule broken."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []
        self.rule: str | None = None

    def add(self, field: str, message: str, rule: str) -> None:
        self.errors.append({"field": field, "message": message})
        self.rule = self.rule or rule

    def attempt(self, field: str, fn: Any) -> Any:
        """Run a check that raises a 400 Problem; record its errors instead."""
        try:
            return fn()
        except Problem as exc:
            for err in exc.errors or [{"field": field, "message": exc.detail}]:
                self.add(err["field"], err["message"], exc.rule or "RMS-VAL")
            return None

    def raise_if_any(self, what: str) -> None:
        if self.errors:
            summary = "; ".join(f"{e['field']}: {e['message']}" for e in self.errors[:5])
            raise Problem(
                "validation-error", f"The {what} is not valid: {summary}", rule=self.rule, errors=self.errors
            )


def clean_name(value: str, field: str, errs: FieldErrors) -> str:
    """Trim and collapse spaces; letters, spaces, hyphens and apostrophes only, with a letter."""
    name = _SPACES.sub(" ", value).strip()
    bad = [c for c in name if not (c.isalpha() or unicodedata.combining(c) or c in NAME_PUNCTUATION)]
    if bad or not any(c.isalpha() for c in name):
        errs.add(
            field, "use letters, spaces, hyphens and apostrophes, with at least one letter", "RMS-NAM-001"
        )
    return name


#: Identifier field -> (its canonical form, what it is called, the rule a bad value breaks).
IDENTIFIERS: dict[str, tuple[Callable[[str], str], str, str]] = {
    "pnc_id": (normalise_pnc_id, "PNC ID", "RMS-ID-001"),
    "cro_number": (normalise_cro_number, "CRO number", "RMS-ID-002"),
    "ni_number": (normalise_ni_number, "National Insurance number", "RMS-ID-004"),  # docs/domain.md 4.5
}


def clean_identifier(key: str, value: str, field: str, errs: FieldErrors) -> str | None:
    """The canonical form of identifier `key`, or None with a field error naming the broken rule."""
    normalise, label, rule = IDENTIFIERS[key]
    try:
        return normalise(value)
    except ValueError as exc:
        errs.add(field, f"not a valid {label} ({exc})", rule)
        return None


def clean_pnc(value: str, field: str, errs: FieldErrors) -> str | None:
    return clean_identifier("pnc_id", value, field, errs)


def clean_cro(value: str, field: str, errs: FieldErrors) -> str | None:
    return clean_identifier("cro_number", value, field, errs)


def clean_postcode(value: str, field: str, errs: FieldErrors) -> str:
    try:
        return normalise_postcode(value)
    except ValueError:
        errs.add(field, f"{value!r} is not a UK postcode", "RMS-ID-003")
        return value


def clean_address(addr: dict[str, Any], errs: FieldErrors, field: str = "address") -> dict[str, Any]:
    out = {
        k: (v.strip() if isinstance(v := addr.get(k), str) else None)
        for k in ("line1", "line2", "town", "county")
    }
    for key in ("line1", "town"):
        if not out[key]:
            errs.add(f"{field}.{key}", "is required and may not be blank", "RMS-VAL-001")
    out["postcode"] = clean_postcode(str(addr.get("postcode") or ""), f"{field}.postcode", errs)
    return out


def clean_markers(markers: list[dict[str, Any]], today: date, errs: FieldErrors) -> list[dict[str, Any]]:
    out, seen = [], set()
    for i, m in enumerate(markers):
        code = m["code"]
        if code in seen:
            errs.add(f"warning_markers.{i}.code", f"marker {code} is given twice", "RMS-NOM-004")
        seen.add(code)
        added = m.get("added_on") or today.isoformat()
        errs.attempt(
            f"warning_markers.{i}.added_on",
            lambda a=added, i=i: check_partial_date(
                a, f"warning_markers.{i}.added_on", today, is_birth=False
            ),
        )
        description = (m.get("description") or "").strip() or codelists.WARNING_MARKERS.get(code, code)
        out.append({"code": code, "description": description, "added_on": added})
    return out


def clean_nominal(doc: dict[str, Any], today: date, fields: set[str] | None = None) -> dict[str, Any]:
    """Validate and canonicalise `doc` (400 per field), then the POLE 4+1 minimum (422)."""
    out = clean_fields(doc, today, fields)
    check_four_plus_one(out)
    return out


def clean_fields(doc: dict[str, Any], today: date, fields: set[str] | None = None) -> dict[str, Any]:
    """Validate and canonicalise each field of `doc` (400); with `fields`, only those top-level fields.

    Fields not checked are passed through as stored, so a legacy value (a lower-case postcode)
    does not block an unrelated change.
    """
    errs = FieldErrors()
    check: Callable[[str], bool] = (lambda f: True) if fields is None else (lambda f: f in fields)
    out = dict(doc)
    if check("surname"):
        out["surname"] = clean_name(doc["surname"], "surname", errs)
    if check("forenames"):
        out["forenames"] = [clean_name(n, f"forenames.{i}", errs) for i, n in enumerate(doc["forenames"])]
    for key in IDENTIFIERS:
        if check(key) and doc.get(key):
            out[key] = clean_identifier(key, doc[key], key, errs)
    if check("place_of_birth") and doc.get("place_of_birth") is not None:
        out["place_of_birth"] = _SPACES.sub(" ", doc["place_of_birth"]).strip() or None
        if out["place_of_birth"] is None:
            errs.add("place_of_birth", "may not be blank", "RMS-VAL-001")
    fill_ethnicity(out, (lambda f: f in doc) if fields is None else (lambda f: f in fields))
    if check("date_of_birth") and doc.get("date_of_birth"):
        errs.attempt(
            "date_of_birth", lambda: check_partial_date(doc["date_of_birth"], "date_of_birth", today)
        )
    if check("address") and doc.get("address") is not None:
        out["address"] = clean_address(doc["address"], errs)
    if check("aliases"):
        aliases = []
        for i, a in enumerate(doc.get("aliases") or []):
            alias = {
                "surname": clean_name(a["surname"], f"aliases.{i}.surname", errs),
                "forenames": [
                    clean_name(n, f"aliases.{i}.forenames.{j}", errs) for j, n in enumerate(a["forenames"])
                ],
                "date_of_birth": a.get("date_of_birth"),
            }
            if alias["date_of_birth"]:
                errs.attempt(
                    f"aliases.{i}.date_of_birth",
                    lambda d=alias["date_of_birth"], i=i: check_partial_date(
                        d, f"aliases.{i}.date_of_birth", today
                    ),
                )
            aliases.append(alias)
        out["aliases"] = aliases
    if check("warning_markers"):
        out["warning_markers"] = clean_markers(doc.get("warning_markers") or [], today, errs)
    errs.raise_if_any("nominal")
    return out


def fill_ethnicity(doc: dict[str, Any], given: Callable[[str], bool]) -> None:
    """Keep the 1.0 field and the two 1.1 fields of ethnicity in step (docs/domain.md 5.2).

    `ethnicity` holds one code of either kind; `self_defined_ethnicity` and
    `officer_observed_ethnicity` one each. A code given in `ethnicity` fills the empty field of its
    kind (unless that field is given too); a nominal given either new field and no `ethnicity`
    takes the self-defined code there, else the observed one. Nothing given is ever overwritten.
    """
    code = doc.get("ethnicity")
    if given("ethnicity") and code:
        kind = (
            "officer_observed_ethnicity"
            if code in codelists.ETHNICITY_OFFICER_DEFINED
            else "self_defined_ethnicity"
        )
        if not given(kind) and not doc.get(kind):
            doc[kind] = code
    elif (
        not given("ethnicity")
        and not code
        and (given("self_defined_ethnicity") or given("officer_observed_ethnicity"))
    ):
        doc["ethnicity"] = doc.get("self_defined_ethnicity") or doc.get("officer_observed_ethnicity")


def check_four_plus_one(doc: dict[str, Any]) -> None:
    """POLE minimum: surname, forename, date of birth, sex, plus an address, PNC ID or CRO number."""
    missing = []
    if not doc.get("date_of_birth"):
        missing.append("date_of_birth")
    if not (doc.get("address") or doc.get("pnc_id") or doc.get("cro_number")):
        missing.append("one of address, pnc_id or cro_number")
    if missing:
        raise Problem(
            "business-rule",
            "A nominal needs surname, forename, date of birth, sex and one reference (POLE 4+1); missing: "
            + ", ".join(missing)
            + ".",
            rule="RMS-NOM-001",
            errors=[{"field": m, "message": "required by the POLE 4+1 minimum"} for m in missing],
        )
