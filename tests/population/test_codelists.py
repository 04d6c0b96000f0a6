"""Shared code lists: shapes the validators rely on."""

from __future__ import annotations

import re

from simulators.domain import codelists as cl
from simulators.domain import identifiers as ids


def test_ethnicity_schemes():
    assert len(cl.ETHNICITY_18_PLUS_1) == 19 and "NS" in cl.ETHNICITY_18_PLUS_1
    assert {"W3", "O2", "A4"} <= set(cl.ETHNICITY_18_PLUS_1)
    assert "O1" not in cl.ETHNICITY_18_PLUS_1  # Chinese is A4 in 18+1
    assert len(cl.ETHNICITY_16_PLUS_1) == 17 and "O1" in cl.ETHNICITY_16_PLUS_1
    assert set(cl.ETHNICITY_SELF_DEFINED_ALL) == set(cl.ETHNICITY_16_PLUS_1) | set(cl.ETHNICITY_18_PLUS_1)
    assert set(cl.ETHNICITY_OFFICER_DEFINED) == {"IC1", "IC2", "IC3", "IC4", "IC5", "IC6", "IC9"}


def test_offence_and_crime_codes_have_the_right_layout():
    for code in cl.CJS_OFFENCES:
        assert ids.is_valid_cjs_offence_code(code), code
    assert "PU86004" in cl.CJS_OFFENCES and "MD71530" in cl.CJS_OFFENCES
    assert "MD71101" in cl.CJS_OFFENCES_UNCONFIRMED and "MD71101" not in cl.CJS_OFFENCES
    hocr = re.compile(r"^\d{1,3}[A-Z]?(/\d{1,2})?$")
    for code in cl.HOCR_CLASSIFICATIONS:
        assert hocr.match(code), code
    assert {"28E", "46", "105A", "8N", "92E", "10D"} <= set(cl.HOCR_CLASSIFICATIONS)


def test_grading_and_classification_lists():
    assert list(cl.GRADING_3X5X2_SOURCE) == ["1", "2", "3"]
    assert list(cl.GRADING_3X5X2_INTELLIGENCE) == list("ABCDE")
    assert list(cl.GRADING_3X5X2_HANDLING) == ["P", "C"]
    assert list(cl.GRADING_5X5X5_SOURCE) == list("ABCDE")
    assert list(cl.GRADING_5X5X5_INTELLIGENCE) == list(cl.GRADING_5X5X5_HANDLING) == list("12345")
    assert "OFFICIAL-SENSITIVE" in cl.GSC_CLASSIFICATIONS and "RESTRICTED" not in cl.GSC_CLASSIFICATIONS
    assert {"PROTECT", "RESTRICTED", "CONFIDENTIAL"} <= set(cl.GPMS_MARKINGS)


def test_every_list_maps_codes_to_non_empty_titles():
    lists = [getattr(cl, name) for name in cl.__all__]
    for table in lists:
        assert isinstance(table, dict) and table
        for code, title in table.items():
            assert isinstance(code, str) and code and isinstance(title, str) and title
