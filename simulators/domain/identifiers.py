"""UK police identifier rules: PNC ID, CRO number, postcode, plus this range's own reference formats.

Pure functions shared by the population generator (which must only emit valid identifiers) and by
the simulators' validators (which must accept the same set). Rules and worked examples come from
docs/domain.md sections 4.1-4.3:

* PNC ID: 2-digit year + 7-digit serial, check letter ``TABLE[int(YY + serial7) % 23]`` over the
  alphabet ``ZABCDEFGHJKLMNPQRTUVWXY`` (I, O and S are never used). Canonical long form
  ``YYYY/NNNNNNNC``; display (short) form ``YY/NNNNNNC`` with leading serial zeros suppressed.
  Worked examples: ``90/570`` -> N, ``79/123456`` -> T, ``24/1234567`` -> K.
* CRO number: standard form ``NNNNNN/YYC`` (check over ``YY + serial`` padded to 6) and the
  ``SFYY/NNNNNNC`` form for records without fingerprints (check over ``YY + serial`` with leading
  zeros stripped). Test vectors from MoJ hmpps-person-record: ``SF05/482703J``, ``SF83/50058Z``,
  ``265416/21G``, ``65656/91H``.
* UK postcode: outward + one space + inward, the six outward shapes and the letter restrictions of
  docs/domain.md 4.3, plus the special ``GIR 0AA``.

Custody, occurrence and intelligence reference formats are NOT national standards (docs/domain.md 2.4,
UNCONFIRMED): the patterns below describe what this range generates and accepts.
"""

from __future__ import annotations

import re

__all__ = [
    "CHECK_ALPHABET",
    "CJS_OFFENCE_CODE_PATTERN",
    "CRO_PATTERN",
    "CRO_SF_PATTERN",
    "CRO_STANDARD_PATTERN",
    "CUSTODY_NUMBER_PATTERN",
    "INTELLIGENCE_REFERENCE_PATTERN",
    "OCCURRENCE_REFERENCE_PATTERN",
    "PNC_ID_ANY_PATTERN",
    "PNC_ID_PATTERN",
    "PNC_ID_SHORT_PATTERN",
    "POSTCODE_PATTERN",
    "cro_check_char",
    "is_valid_cjs_offence_code",
    "is_valid_cro_number",
    "is_valid_pnc_id",
    "is_valid_postcode",
    "make_cro_number",
    "make_pnc_id",
    "normalise_cro_number",
    "normalise_pnc_id",
    "normalise_postcode",
    "pnc_check_char",
]

#: Mod-23 check letters, index 0 = remainder 0 ("Z"). I, O and S are never used.
CHECK_ALPHABET = "ZABCDEFGHJKLMNPQRTUVWXY"
_CHECK_CLASS = "[A-HJ-NP-RT-Z]"  # exactly the letters of CHECK_ALPHABET

#: Canonical long PNC ID, e.g. "2024/1234567K".
PNC_ID_PATTERN = rf"^[0-9]{{4}}/[0-9]{{7}}{_CHECK_CLASS}$"
#: Display (short) PNC ID, century and leading serial zeros suppressed, e.g. "90/570N".
PNC_ID_SHORT_PATTERN = rf"^[0-9]{{2}}/[0-9]{{1,7}}{_CHECK_CLASS}$"
#: Either form (what an API that tolerates display input should accept).
PNC_ID_ANY_PATTERN = rf"^(?:[0-9]{{4}}/[0-9]{{7}}|[0-9]{{2}}/[0-9]{{1,7}}){_CHECK_CLASS}$"

#: Standard CRO number, e.g. "265416/21G" (serial 1 to 6 digits; canonical form pads to 6).
CRO_STANDARD_PATTERN = rf"^[0-9]{{1,6}}/[0-9]{{2}}{_CHECK_CLASS}$"
#: SF CRO number (no fingerprints), e.g. "SF05/482703J".
CRO_SF_PATTERN = rf"^SF[0-9]{{2}}/[0-9]{{1,6}}{_CHECK_CLASS}$"
#: Either CRO form.
CRO_PATTERN = rf"^(?:[0-9]{{1,6}}/[0-9]{{2}}|SF[0-9]{{2}}/[0-9]{{1,6}}){_CHECK_CLASS}$"

#: Strict UK postcode (upper case, exactly one space); ECMA-262 compatible for JSON Schema.
POSTCODE_PATTERN = (
    r"^(?:GIR 0AA|(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2})$"
)

#: CJS offence code: AAYYNNN, COMLNNN or XX00NNN, optional A/B/C/I qualifier (attempt, aid, conspire, incite).
CJS_OFFENCE_CODE_PATTERN = r"^(?:[A-Z]{2}[0-9]{2}|COML)[0-9]{3}[ABCI]?$"

#: This range's custody record number: station code, year, sequence (e.g. "LS-2024-000123").
#: UNCONFIRMED: no national format exists (docs/domain.md 2.4).
CUSTODY_NUMBER_PATTERN = r"^[A-Z]{2}-[0-9]{4}-[0-9]{6,}$"
#: This range's occurrence reference (e.g. "OCC-2024-000123").
OCCURRENCE_REFERENCE_PATTERN = r"^OCC-[0-9]{4}-[0-9]{6,}$"
#: This range's intelligence report reference (e.g. "INT-2024-000123").
INTELLIGENCE_REFERENCE_PATTERN = r"^INT-[0-9]{4}-[0-9]{6,}$"

_PNC_LONG_RE = re.compile(PNC_ID_PATTERN)
_PNC_SHORT_RE = re.compile(PNC_ID_SHORT_PATTERN)
_PNC_LOOSE_RE = re.compile(r"^([0-9]{2}|[0-9]{4})/?([0-9]{1,7})([A-Z])$")
_CRO_STD_RE = re.compile(CRO_STANDARD_PATTERN)
_CRO_SF_RE = re.compile(CRO_SF_PATTERN)
_POSTCODE_RE = re.compile(POSTCODE_PATTERN)
_CJS_RE = re.compile(CJS_OFFENCE_CODE_PATTERN)
_SPACES_RE = re.compile(r"\s+")


def _check(digits: str) -> str:
    return CHECK_ALPHABET[int(digits) % 23]


# --------------------------------------------------------------------------------------------- PNC ID


def pnc_check_char(year2: str | int, serial: int) -> str:
    """Check letter of a PNC ID from its 2-digit year and serial (``pnc_check_char(90, 570) == "N"``)."""
    yy = _two_digit_year(year2)
    if not 0 <= serial <= 9_999_999:
        raise ValueError(f"PNC serial out of range 0..9999999: {serial}")
    return _check(f"{yy}{serial:07d}")


def make_pnc_id(year: int, serial: int) -> str:
    """Canonical long PNC ID ``YYYY/NNNNNNNC`` for a 4-digit year and a serial."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"PNC year must have 4 digits: {year}")
    return f"{year:04d}/{serial:07d}{pnc_check_char(year % 100, serial)}"


def is_valid_pnc_id(value: str) -> bool:
    """True for a long canonical (``2024/1234567K``) or short display (``24/1234567K``) PNC ID
    whose check letter is right. Case and spacing must be exact; use ``normalise_pnc_id`` for
    tolerant input."""
    if not isinstance(value, str):
        return False
    if _PNC_LONG_RE.match(value):
        return _check(value[2:4] + value[5:12]) == value[12]
    if _PNC_SHORT_RE.match(value):
        yy, rest = value.split("/")
        return _check(yy + rest[:-1].zfill(7)) == rest[-1]
    return False


def normalise_pnc_id(value: str, *, century_pivot: int = 70) -> str:
    """Return the canonical long form of a PNC ID given in any common layout.

    Tolerates surrounding or inner whitespace, lower case, a missing slash in the long form and the
    short display form. A 2-digit year ``YY`` becomes ``19YY`` when ``YY >= century_pivot`` (the PNC
    dates from 1974) and ``20YY`` otherwise. Raises ``ValueError`` when the layout or the check
    letter is wrong, so callers never store an identifier that fails validation.
    """
    if not isinstance(value, str):
        raise ValueError("PNC ID must be a string")
    compact = _SPACES_RE.sub("", value).upper()
    m = _PNC_LOOSE_RE.match(compact)
    if not m:
        raise ValueError(f"not a PNC ID: {value!r}")
    year_s, serial_s, check = m.groups()
    if len(year_s) == 4:
        if "/" not in compact and len(serial_s) != 7:
            raise ValueError(f"not a PNC ID: {value!r}")
        if len(serial_s) != 7:
            raise ValueError(f"long-form PNC ID needs a 7-digit serial: {value!r}")
        year = int(year_s)
    else:
        if "/" not in compact:
            raise ValueError(f"short-form PNC ID needs a slash: {value!r}")
        yy = int(year_s)
        year = (1900 if yy >= century_pivot else 2000) + yy
    serial = int(serial_s)
    if pnc_check_char(year % 100, serial) != check:
        raise ValueError(f"PNC ID check letter is wrong: {value!r}")
    return make_pnc_id(year, serial)


# --------------------------------------------------------------------------------------------- CRO


def cro_check_char(serial: int, year2: str | int, *, sf: bool = False) -> str:
    """Check letter of a CRO number: over ``YY + serial`` padded to 6 (standard form) or with
    leading zeros stripped (SF form)."""
    yy = _two_digit_year(year2)
    if not 0 <= serial <= 999_999:
        raise ValueError(f"CRO serial out of range 0..999999: {serial}")
    digits = f"{yy}{serial or ''}" if sf else f"{yy}{serial:06d}"
    return _check(digits)


def make_cro_number(serial: int, year: int, *, sf: bool = False) -> str:
    """Canonical CRO number: ``NNNNNN/YYC`` (standard) or ``SFYY/NC`` (SF, no leading zeros)."""
    yy = year % 100
    check = cro_check_char(serial, yy, sf=sf)
    if sf:
        return f"SF{yy:02d}/{serial}{check}"
    return f"{serial:06d}/{yy:02d}{check}"


def is_valid_cro_number(value: str) -> bool:
    """True for a standard (``265416/21G``, ``65656/91H``) or SF (``SF05/482703J``) CRO number
    whose check letter is right."""
    if not isinstance(value, str):
        return False
    if _CRO_STD_RE.match(value):
        serial_s, rest = value.split("/")
        return _check(rest[:2] + serial_s.zfill(6)) == rest[2]
    if _CRO_SF_RE.match(value):
        yy, rest = value[2:].split("/")
        return _check(yy + rest[:-1].lstrip("0")) == rest[-1]
    return False


def normalise_cro_number(value: str) -> str:
    """Canonical form of a CRO number (standard: serial padded to 6; SF: leading zeros dropped).

    The SF marker is kept because it changes the check computation (MoJ code keeps it as a
    separate "no fingerprint" flag). Tolerates whitespace and lower case; raises ``ValueError``
    for a bad layout or check letter.
    """
    if not isinstance(value, str):
        raise ValueError("CRO number must be a string")
    compact = _SPACES_RE.sub("", value).upper()
    if not is_valid_cro_number(compact):
        raise ValueError(f"not a valid CRO number: {value!r}")
    if compact.startswith("SF"):
        yy, rest = compact[2:].split("/")
        return make_cro_number(int(rest[:-1]), int(yy), sf=True)
    serial_s, rest = compact.split("/")
    return make_cro_number(int(serial_s), int(rest[:2]))


# --------------------------------------------------------------------------------------------- postcode


def is_valid_postcode(value: str, strict: bool = True) -> bool:
    """True for a UK postcode in the format docs/domain.md 4.3 allows.

    ``strict=True`` demands the canonical layout (upper case, exactly one space before the inward
    code), which is what a conformant API emits. ``strict=False`` also accepts lower/mixed case and
    missing or extra spaces, which is what real input looks like. Format only: not a PAF lookup.
    """
    if not isinstance(value, str):
        return False
    if strict:
        return _POSTCODE_RE.match(value) is not None
    try:
        normalise_postcode(value)
    except ValueError:
        return False
    return True


def normalise_postcode(value: str) -> str:
    """Upper-case the postcode and put exactly one space before the 3-character inward code.

    Raises ``ValueError`` when the result is still not a valid postcode.
    """
    if not isinstance(value, str):
        raise ValueError("postcode must be a string")
    compact = _SPACES_RE.sub("", value).upper()
    if len(compact) < 5:
        raise ValueError(f"not a UK postcode: {value!r}")
    canonical = f"{compact[:-3]} {compact[-3:]}"
    if _POSTCODE_RE.match(canonical) is None:
        raise ValueError(f"not a UK postcode: {value!r}")
    return canonical


# --------------------------------------------------------------------------------------------- misc


def is_valid_cjs_offence_code(value: str) -> bool:
    """True when ``value`` has the layout of a CJS offence code (not whether the code exists)."""
    return isinstance(value, str) and _CJS_RE.match(value) is not None


def _two_digit_year(year2: str | int) -> str:
    if isinstance(year2, str):
        if len(year2) != 2 or not year2.isdigit():
            raise ValueError(f"year must be two digits: {year2!r}")
        return year2
    if not 0 <= year2 <= 99:
        raise ValueError(f"year must be 0..99: {year2}")
    return f"{year2:02d}"
