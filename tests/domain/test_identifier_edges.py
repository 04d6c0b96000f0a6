"""Identifier edge cases, entry by entry, from the rules of docs/domain.md 4 (and docs/conventions.md).

Each letter rule of the postcode is tested for every letter of the alphabet at its position, so a
rule that admits one letter too many or too few fails here; the special postcode, the check-letter
alphabet and the layouts of PNC IDs and CRO numbers likewise (NI numbers: tests of
simulators/domain/ni_number.py).
"""

from __future__ import annotations

import string

import pytest

from simulators.domain import identifiers as ids

LETTERS = string.ascii_uppercase

# ------------------------------------------------------------------------------------------- postcode

#: The six outward shapes, one real example each.
SHAPES = {
    "A9": "M1 1AE",
    "A99": "B33 8TH",
    "AA9": "CR2 6XH",
    "AA99": "DN55 1PT",
    "A9A": "W1A 0AX",
    "AA9A": "EC1A 1BB",
}
FIRST_NEVER = set("QVX")
SECOND_NEVER = set("IJZ")
THIRD_ONLY = set("ABCDEFGHJKSTUW")  # a letter in third place (shape A9A)
FOURTH_ONLY = set("ABEHMNPRVWXY")  # a letter in fourth place (shape AA9A)
INWARD_NEVER = set("CIKMOV")


@pytest.mark.parametrize(("shape", "postcode"), SHAPES.items())
def test_each_outward_shape_is_a_postcode(shape: str, postcode: str) -> None:
    assert ids.is_valid_postcode(postcode), shape
    assert ids.normalise_postcode(postcode.lower().replace(" ", "")) == postcode


@pytest.mark.parametrize("letter", LETTERS)
def test_first_letter_rule(letter: str) -> None:
    assert ids.is_valid_postcode(f"{letter}1 1AA") is (letter not in FIRST_NEVER)


@pytest.mark.parametrize("letter", LETTERS)
def test_second_letter_rule(letter: str) -> None:
    assert ids.is_valid_postcode(f"B{letter}1 1AA") is (letter not in SECOND_NEVER)


@pytest.mark.parametrize("letter", LETTERS)
def test_third_position_letter_rule(letter: str) -> None:
    assert ids.is_valid_postcode(f"W1{letter} 1AA") is (letter in THIRD_ONLY)


@pytest.mark.parametrize("letter", LETTERS)
def test_fourth_position_letter_rule(letter: str) -> None:
    assert ids.is_valid_postcode(f"EC1{letter} 1AA") is (letter in FOURTH_ONLY)


@pytest.mark.parametrize("letter", LETTERS)
def test_inward_letter_rule_in_both_places(letter: str) -> None:
    allowed = letter not in INWARD_NEVER
    assert ids.is_valid_postcode(f"LS1 4{letter}B") is allowed
    assert ids.is_valid_postcode(f"LS1 4B{letter}") is allowed


@pytest.mark.parametrize("value", ["GIR 0AA", "gir0aa", " gir 0aa "])
def test_the_special_postcode_is_accepted_and_canonical(value: str) -> None:
    assert ids.normalise_postcode(value) == "GIR 0AA"
    assert ids.is_valid_postcode(value, strict=False)


@pytest.mark.parametrize("value", ["GIR 0AB", "GIR 1AA", "GIR0 0AA", "GI 0AA", "GIRA 0AA"])
def test_neighbours_of_the_special_postcode_are_refused(value: str) -> None:
    assert not ids.is_valid_postcode(value, strict=False)


@pytest.mark.parametrize("value", ["LS1  4AB", "LS14AB", "ls1 4ab", "LS1 4AB "])
def test_loose_layouts_are_valid_only_when_not_strict(value: str) -> None:
    assert not ids.is_valid_postcode(value) and ids.is_valid_postcode(value, strict=False)


@pytest.mark.parametrize("value", ["", "LS1", "LS1 4A", "LS1 44B", "1LS 4AB", "LS123 4AB", "L-1 4AB"])
def test_malformed_postcodes_are_refused(value: str) -> None:
    assert not ids.is_valid_postcode(value, strict=False)


# ------------------------------------------------------------------------------------------- PNC and CRO


def test_the_check_alphabet_is_23_letters_without_i_o_s_and_z_is_remainder_0() -> None:
    assert ids.CHECK_ALPHABET == "ZABCDEFGHJKLMNPQRTUVWXY"
    assert len(ids.CHECK_ALPHABET) == 23 and not set("IOS") & set(ids.CHECK_ALPHABET)


@pytest.mark.parametrize("remainder", range(23))
def test_each_remainder_maps_to_its_letter_and_every_other_letter_is_refused(remainder: int) -> None:
    serial = next(s for s in range(1, 100) if int(f"24{s:07d}") % 23 == remainder)
    right = ids.CHECK_ALPHABET[remainder]
    assert ids.pnc_check_char("24", serial) == right
    for letter in LETTERS:
        assert ids.is_valid_pnc_id(f"24/{serial}{letter}") is (letter == right)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("90/570N", True),
        ("90/570L", False),  # the POLE dictionary's example has the wrong letter
        ("79/123456T", True),
        ("79/123456Z", False),  # the MoJ comment example is illustrative only
        ("24/1234567K", True),
        ("2024/1234567K", True),
        ("24/01234567K", False),
        ("00/1A", True),
        ("00/1B", False),
        ("1990/0000570N", True),
        ("1990/570N", False),
    ],
)
def test_pnc_id_edge_cases(value: str, valid: bool) -> None:
    assert ids.is_valid_pnc_id(value) is valid


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("20241234567K", "2024/1234567K"),
        ("24/1234567k", "2024/1234567K"),
        ("69/1A", "2069/0000001A"),
        ("70/1Q", "1970/0000001Q"),
    ],
)
def test_pnc_id_tolerant_input_and_the_century_pivot(value: str, canonical: str) -> None:
    assert ids.normalise_pnc_id(value) == canonical


@pytest.mark.parametrize("value", ["241234567K", "24/1234567L", "2024/123456K"])
def test_pnc_id_inputs_that_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        ids.normalise_pnc_id(value)


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("SF05/482703J", "SF05/482703J"),
        ("SF83/50058Z", "SF83/50058Z"),
        ("SF83/050058Z", "SF83/50058Z"),  # SF form: leading zeros do not count and are dropped
        ("265416/21G", "265416/21G"),
        ("65656/91H", "065656/91H"),  # standard form: padded to 6
        ("sf05/482703j", "SF05/482703J"),
    ],
)
def test_cro_number_test_vectors_and_their_canonical_form(value: str, canonical: str) -> None:
    assert ids.normalise_cro_number(value) == canonical and ids.is_valid_cro_number(canonical)


@pytest.mark.parametrize("value", ["SF05/482703K", "265416/21H", "1234567/21A", "SF5/1B", "265416/2G"])
def test_cro_numbers_that_are_refused(value: str) -> None:
    assert not ids.is_valid_cro_number(value)


def test_sf_and_standard_forms_differ_in_padding_so_their_letters_differ() -> None:
    # the same serial and year: the standard form checks "21" + "000007", the SF form "21" + "7"
    assert ids.cro_check_char(7, "21") == ids.CHECK_ALPHABET[int("21000007") % 23]
    assert ids.cro_check_char(7, "21", sf=True) == ids.CHECK_ALPHABET[int("217") % 23]
