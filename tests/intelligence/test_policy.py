"""Access policy, classification rules and MoPI review rules (pure functions)."""

from __future__ import annotations

from datetime import date

from simulators.core.auth import Principal
from simulators.domain import codelists
from simulators.intelligence.access import (
    ALL_MARKINGS,
    View,
    check_marking_scope,
    check_new_classification,
    may_see,
    open_to_lesser,
    scheme_of,
    view_for,
)
from simulators.intelligence.review import add_years, check_review_date, default_review_date, review_overdue


def who(*scopes: str) -> Principal:
    return Principal("c", frozenset(scopes))


def test_view_follows_the_scopes():
    assert view_for(who("intelligence:read:restricted")) is View.ORIGINAL
    assert view_for(who("intelligence:read", "intelligence:read:restricted")) is View.ORIGINAL
    assert view_for(who("intelligence:read")) is View.SANITISED
    assert view_for(who("intelligence:write")) is View.SANITISED
    assert view_for(who("intelligence:indicator", "intelligence:audit", "records:read")) is View.NONE


def test_lesser_readers_see_only_official_and_legacy_equivalents():
    assert {m for m in ALL_MARKINGS if open_to_lesser(m)} == {
        "OFFICIAL",
        "OFFICIAL-SENSITIVE",
        "PROTECT",
        "RESTRICTED",
    }
    for marking in ALL_MARKINGS:
        assert may_see(View.ORIGINAL, marking)
        assert may_see(View.SANITISED, marking) == open_to_lesser(marking)
        assert not may_see(View.NONE, marking)


def test_markings_cover_the_code_lists():
    assert set(ALL_MARKINGS) == set(codelists.CLASSIFICATIONS_ALL)


def test_new_markings_must_be_gsc():
    for marking in ("PROTECT", "RESTRICTED", "CONFIDENTIAL"):
        assert [v.rule for v in check_new_classification(marking)] == ["CLS-gpms-retired"]
    for marking in codelists.GSC_CLASSIFICATIONS:
        assert check_new_classification(marking) == []
    assert [v.rule for v in check_new_classification("UNCLASSIFIED")] == ["CLS-unknown"]


def test_a_token_may_not_mark_above_what_it_may_read():
    assert [v.rule for v in check_marking_scope("SECRET", View.SANITISED)] == ["INT-classification-scope"]
    assert [v.rule for v in check_marking_scope("TOP SECRET", View.SANITISED)] == ["INT-classification-scope"]
    assert check_marking_scope("OFFICIAL-SENSITIVE", View.SANITISED) == []
    assert check_marking_scope("TOP SECRET", View.ORIGINAL) == []


def test_marking_scheme():
    assert scheme_of("OFFICIAL") == "GSC"
    assert scheme_of("PROTECT") == "GPMS"
    assert scheme_of("SECRET") == "GSC"
    assert scheme_of("SECRET", "GPMS") == "GPMS"


def test_review_date_rules():
    today = date(2026, 11, 27)
    assert check_review_date(today, today) == []
    assert check_review_date(date(2036, 11, 27), today) == []
    assert [v.rule for v in check_review_date(date(2026, 11, 26), today)] == ["MOPI-review-date-past"]
    assert [v.rule for v in check_review_date(date(2036, 11, 28), today)] == ["MOPI-review-interval"]
    assert default_review_date(today) == date(2032, 11, 27)
    assert add_years(date(2024, 2, 29), 6) == date(2030, 2, 28)
    assert review_overdue(date(2026, 11, 26), today) and not review_overdue(today, today)
