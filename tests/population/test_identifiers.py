"""Identifier rules (simulators.domain.identifiers) against the worked examples of docs/domain.md 4."""

from __future__ import annotations

import random
import re

import pytest

from simulators.domain import identifiers as ids


@pytest.mark.parametrize(
    ("year2", "serial", "check"),
    [("90", 570, "N"), ("79", 123456, "T"), ("24", 1234567, "K"), (90, 570, "N"), (5, 1, "B")],
)
def test_pnc_check_char_worked_examples(year2, serial, check):
    assert ids.pnc_check_char(year2, serial) == check


def test_make_pnc_id_is_canonical_long_form():
    assert ids.make_pnc_id(1990, 570) == "1990/0000570N"
    assert ids.make_pnc_id(2024, 1234567) == "2024/1234567K"
    assert re.match(ids.PNC_ID_PATTERN, ids.make_pnc_id(1979, 123456))


@pytest.mark.parametrize("value", ["1990/0000570N", "90/570N", "79/123456T", "1979/0123456T", "24/1234567K"])
def test_valid_pnc_ids(value):
    assert ids.is_valid_pnc_id(value)
    assert re.match(ids.PNC_ID_ANY_PATTERN, value)


@pytest.mark.parametrize(
    "value",
    [
        "90/570L",  # the POLE dictionary's own example has the wrong check letter
        "79/123456Z",  # the MoJ comment example is illustrative only
        "1990/570N",  # long form needs 7 serial digits
        "1990/0000570n",  # check letter must be upper case (use normalise for tolerance)
        "90/0000570I",  # I is never a check letter
        "9/570N",
        "",
        "1990-0000570N",
    ],
)
def test_invalid_pnc_ids(value):
    assert not ids.is_valid_pnc_id(value)


def test_is_valid_pnc_id_rejects_non_strings():
    assert not ids.is_valid_pnc_id(None)  # type: ignore[arg-type]
    assert not ids.is_valid_pnc_id(19900000570)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("90/570N", "1990/0000570N"),
        ("79/123456T", "1979/0123456T"),
        ("24/1234567K", "2024/1234567K"),
        (" 2024 / 1234567k ", "2024/1234567K"),
        ("20241234567K", "2024/1234567K"),
        ("1990/0000570N", "1990/0000570N"),
    ],
)
def test_normalise_pnc_id(value, canonical):
    assert ids.normalise_pnc_id(value) == canonical
    assert ids.is_valid_pnc_id(canonical)


@pytest.mark.parametrize("value", ["90/570L", "nonsense", "24/12345678K", "2412345K"])
def test_normalise_pnc_id_refuses_invalid(value):
    with pytest.raises(ValueError):
        ids.normalise_pnc_id(value)


def test_normalise_pnc_id_century_pivot():
    assert ids.normalise_pnc_id("69/1A").startswith("2069/")
    assert ids.normalise_pnc_id("70/1" + ids.pnc_check_char(70, 1)).startswith("1970/")
    assert ids.normalise_pnc_id("69/1A", century_pivot=60).startswith("1969/")


@pytest.mark.parametrize("value", ["SF05/482703J", "SF83/50058Z", "265416/21G", "65656/91H", "065656/91H"])
def test_valid_cro_numbers(value):
    assert ids.is_valid_cro_number(value)
    assert re.match(ids.CRO_PATTERN, value)


@pytest.mark.parametrize("value", ["SF05/482703K", "265416/21H", "1234567/21G", "SF5/1A", "265416-21G", ""])
def test_invalid_cro_numbers(value):
    assert not ids.is_valid_cro_number(value)


def test_cro_make_and_normalise_round_trip():
    assert ids.normalise_cro_number("65656/91H") == "065656/91H"
    assert ids.normalise_cro_number(" sf05/482703j ") == "SF05/482703J"
    assert ids.normalise_cro_number("SF83/050058Z") == "SF83/50058Z"  # SF form: leading zeros dropped
    assert ids.make_cro_number(265416, 2021) == "265416/21G"
    assert ids.make_cro_number(482703, 2005, sf=True) == "SF05/482703J"
    with pytest.raises(ValueError):
        ids.normalise_cro_number("265416/21H")


def test_generated_identifiers_always_validate():
    rng = random.Random(11)
    for _ in range(2000):
        year = rng.randint(1975, 2030)
        pnc = ids.make_pnc_id(year, rng.randint(1, 9_999_999))
        assert ids.is_valid_pnc_id(pnc) and ids.normalise_pnc_id(pnc) == pnc
        short = f"{pnc[2:4]}/{int(pnc[5:12])}{pnc[12]}"
        assert ids.is_valid_pnc_id(short)
        cro = ids.make_cro_number(rng.randint(1, 999_999), year, sf=rng.random() < 0.5)
        assert ids.is_valid_cro_number(cro) and ids.normalise_cro_number(cro) == cro
        # Changing the check letter always breaks validation.
        wrong = next(c for c in ids.CHECK_ALPHABET if c != pnc[-1])
        assert not ids.is_valid_pnc_id(pnc[:-1] + wrong)


@pytest.mark.parametrize(
    "value",
    [
        "SW1A 1AA",
        "EC1A 1BB",
        "W1A 0AX",
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "LS6 2AB",
        "GIR 0AA",
        "E1W 1AA",
    ],
)
def test_valid_postcodes(value):
    assert ids.is_valid_postcode(value)
    assert re.match(ids.POSTCODE_PATTERN, value)
    assert ids.normalise_postcode(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "QA1 1AA",  # Q never first
        "VA1 1AA",  # V never first
        "XA1 1AA",  # X never first
        "AI1 1AA",  # I never second
        "AZ1 1AA",  # Z never second
        "A1I 1AA",  # I not allowed third (A9A)
        "AA1C 1AA",  # C not allowed fourth (AA9A)
        "LS1 4CB",  # C never in the inward code
        "LS1 4AK",  # K never in the inward code
        "LS1 AAB",  # inward starts with a digit
        "LS1",
        "",
    ],
)
def test_invalid_postcodes(value):
    assert not ids.is_valid_postcode(value)
    assert not ids.is_valid_postcode(value, strict=False)
    assert not re.match(ids.POSTCODE_PATTERN, value)


@pytest.mark.parametrize(
    ("value", "canonical"), [("ls62ab", "LS6 2AB"), ("Ls6 2aB", "LS6 2AB"), ("sw1a  1aa", "SW1A 1AA")]
)
def test_sloppy_postcodes_are_valid_only_when_not_strict(value, canonical):
    assert not ids.is_valid_postcode(value)
    assert ids.is_valid_postcode(value, strict=False)
    assert ids.normalise_postcode(value) == canonical


def test_cjs_offence_code_layout():
    for code in ("MD71530", "PU86004", "OF61102A", "COML018", "XX00017"):
        assert ids.is_valid_cjs_offence_code(code), code
    for code in ("PU8600", "pu86004", "PU86004X", "86004PU"):
        assert not ids.is_valid_cjs_offence_code(code), code


def test_reference_patterns_compile_as_json_schema_style_regexes():
    for pattern in (
        ids.PNC_ID_PATTERN,
        ids.PNC_ID_SHORT_PATTERN,
        ids.PNC_ID_ANY_PATTERN,
        ids.CRO_PATTERN,
        ids.POSTCODE_PATTERN,
        ids.CUSTODY_NUMBER_PATTERN,
        ids.OCCURRENCE_REFERENCE_PATTERN,
        ids.INTELLIGENCE_REFERENCE_PATTERN,
    ):
        assert pattern.startswith("^") and pattern.endswith("$")
        re.compile(pattern)
