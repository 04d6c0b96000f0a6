"""Boundary probes of the records rules the standard states with a boundary: the PNC ID and CRO
number check letters (right vs one letter off; accepted in any common layout and stored in
canonical form), and the date of birth (1 Jan 1900 vs 31 Dec 1899; today vs tomorrow), through
`POST /nominals` and a read back with `GET /nominals/{id}`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from harness.oracle.probing import Case, Prober, field_is
from simulators.domain.identifiers import (
    CHECK_ALPHABET,
    cro_check_char,
    make_cro_number,
    make_pnc_id,
    pnc_check_char,
)

SCOPES = ["records:read", "records:write"]
YEAR = 2001  # PNC and CRO year of the probe identifiers


def nominal(**fields: Any) -> dict[str, Any]:
    return {
        "surname": "Boundary",
        "forenames": ["Probe"],
        "sex": "unknown",
        "date_of_birth": "1984-02-29",
        "address": {"line1": "1 Probe Street", "town": "Leeds", "postcode": "LS1 1AA"},
        **fields,
    }


def _off_by_one(letter: str) -> str:
    return CHECK_ALPHABET[(CHECK_ALPHABET.index(letter.upper()) + 1) % len(CHECK_ALPHABET)]


def run_records(p: Prober) -> None:
    now = p.now()
    serial = int(now.timestamp()) % 9_000_000 + 1_000_000  # a fresh serial per run: PNC IDs are unique
    yy = YEAR % 100
    pnc_check = pnc_check_char(yy, serial)
    pnc_given = f"{yy:02d}/{serial}{pnc_check}".lower()  # short display form, lower case
    cro_serial = serial % 900_000 + 100_000
    cro_check = cro_check_char(cro_serial, yy)
    cro_given = f"{cro_serial}/{yy:02d}{cro_check}".lower()
    pnc, cro = make_pnc_id(YEAR, serial), make_cro_number(cro_serial, YEAR)

    ids = Case(p, "records: identifiers (PNC ID, CRO number)")
    ids.refused(
        "A PNC ID with a wrong check letter is refused",
        "RMS-ID-001",
        "POST",
        "/nominals",
        nominal(pnc_id=f"{yy:02d}/{serial}{_off_by_one(pnc_check)}", cro_number=cro_given),
        (400,),
    )
    ids.refused(
        "A CRO number with a wrong check letter is refused",
        "RMS-ID-002",
        "POST",
        "/nominals",
        nominal(pnc_id=pnc_given, cro_number=f"{cro_serial}/{yy:02d}{_off_by_one(cro_check)}"),
        (400,),
    )
    created = ids.accepted(
        "A PNC ID and CRO number in display form, lower case, are accepted and stored in canonical form",
        {"RMS-ID-001": [field_is("pnc_id", pnc)], "RMS-ID-002": [field_is("cro_number", cro)]},
        "POST",
        "/nominals",
        nominal(pnc_id=pnc_given, cro_number=cro_given),
    )
    nid = created.body.get("nominal_id") if created else "-"
    ids.accepted(
        "The nominal read back carries the PNC ID and CRO number sent, in canonical form",
        {"RMS-ID-001": [field_is("pnc_id", pnc)], "RMS-ID-002": [field_is("cro_number", cro)]},
        "GET",
        f"/nominals/{nid}",
    )

    dates = Case(p, "records: dates of birth")
    today = now.date()
    for dob, rule, ok, name in (
        ("1899-12-31", "RMS-DAT-003", False, "A date of birth of 31 December 1899 is refused"),
        ("1900-01-01", "RMS-DAT-003", True, "A date of birth of 1 January 1900 is accepted"),
        (
            (today + timedelta(days=1)).isoformat(),
            "RMS-DAT-002",
            False,
            "A date of birth of tomorrow is refused",
        ),
        (today.isoformat(), "RMS-DAT-002", True, "A date of birth of today is accepted"),
    ):
        if ok:
            dates.accepted(
                name,
                {rule: [field_is("date_of_birth", dob)]},
                "POST",
                "/nominals",
                nominal(date_of_birth=dob),
            )
        else:
            dates.refused(name, rule, "POST", "/nominals", nominal(date_of_birth=dob), (400,))
    dates.refused(
        "A nominal with no reference (no address, PNC ID or CRO number) is refused",
        "RMS-NOM-001",
        "POST",
        "/nominals",
        {k: v for k, v in nominal().items() if k != "address"},
    )
