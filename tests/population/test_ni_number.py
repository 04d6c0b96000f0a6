"""NI number rules (simulators.domain.ni_number) letter by letter, prefix by prefix (docs/domain.md 4.5)."""

from __future__ import annotations

import string

import pytest

from simulators.domain import ni_number as ni

NEVER_FIRST = "DFIQUV"
NEVER_SECOND = "DFIOQUV"
NOT_ALLOCATED = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]
ADMINISTRATIVE = ["CR", "FY", "MW", "NC", "OO"]


@pytest.mark.parametrize("letter", string.ascii_uppercase)
def test_first_letter(letter: str):
    value = f"{letter}A123456C"
    assert ni.is_valid_ni_number(value) is (letter not in NEVER_FIRST)
    assert (letter in ni.FIRST_LETTERS) is (letter not in NEVER_FIRST)


@pytest.mark.parametrize("letter", string.ascii_uppercase)
def test_second_letter(letter: str):
    value = f"A{letter}123456C"
    assert ni.is_valid_ni_number(value) is (letter not in NEVER_SECOND)
    assert (letter in ni.SECOND_LETTERS) is (letter not in NEVER_SECOND)


@pytest.mark.parametrize("prefix", NOT_ALLOCATED)
def test_not_allocated_prefixes_are_refused(prefix: str):
    assert frozenset(NOT_ALLOCATED) == ni.NOT_ALLOCATED_PREFIXES
    assert not ni.is_valid_ni_number(f"{prefix}123456A")
    assert ni.ni_number_problem(f"{prefix}123456A") == f"prefix {prefix} is not allocated"
    # Its neighbour with the letters in order (or one letter on) is a real prefix.
    neighbour = prefix[0] + ("A" if prefix[1] != "A" else "B")
    assert ni.is_valid_ni_number(f"{neighbour}123456A"), neighbour


@pytest.mark.parametrize("prefix", ADMINISTRATIVE)
def test_administrative_prefixes_are_refused(prefix: str):
    assert not ni.is_valid_ni_number(f"{prefix}123456A")
    assert "administrative" in (ni.ni_number_problem(f"{prefix}123456A") or "")


@pytest.mark.parametrize("suffix", string.ascii_uppercase)
def test_suffix(suffix: str):
    assert ni.is_valid_ni_number(f"AB123456{suffix}") is (suffix in "ABCD")


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("AB123456C", "AB123456C"),
        ("ab123456c", "AB123456C"),
        ("AB 12 34 56 C", "AB123456C"),
        ("  jk 000001 a ", "JK000001A"),
        ("PR999999D", "PR999999D"),
    ],
)
def test_normalise_accepts_any_case_and_spacing(value: str, canonical: str):
    assert ni.normalise_ni_number(value) == canonical


@pytest.mark.parametrize(
    "value",
    [
        "",
        "AB12345C",  # five digits
        "AB1234567C",  # seven digits
        "AB123456",  # no suffix
        "AB123456 ",  # a space where the suffix goes (older systems): no letter, refused
        "A1123456C",
        "AB12-34-56C",
        "QQ123456C",  # Q never first nor second: HMRC's specimen number is not a person's
        "AB123456E",
        None,
        123456,
    ],
)
def test_invalid_numbers(value: object):
    assert not ni.is_valid_ni_number(value)
    with pytest.raises(ValueError):
        ni.normalise_ni_number(value)


def test_make_ni_number():
    assert ni.make_ni_number("JK", 42, "B") == "JK000042B"
    for bad in (("ZZ", 1, "A"), ("DA", 1, "A"), ("AB", 1, "E"), ("AB", 1_000_000, "A")):
        with pytest.raises(ValueError):
            ni.make_ni_number(*bad)
