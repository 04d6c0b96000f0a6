"""The custody oracle on crafted exchanges: the standard's worked example passes; each way of getting
the PACE clock wrong fails with the rule id the standard names."""

from __future__ import annotations

import copy

from harness.engine.events import CheckResult, Finding
from harness.oracle import DomainOracle
from harness.oracle.custody import judge_custody_record
from tests.oracle.helpers import CID, TOKEN, changed, custody_record, exchange


def broken(rec: dict) -> dict[str, list[str]]:
    return {rule: msgs for rule, msgs in judge_custody_record(rec).items() if msgs}


def test_the_standards_worked_example_keeps_every_rule():
    verdicts = judge_custody_record(custody_record())
    assert {"PACE-s41-24h", "PACE-s40-review", "PACE-s44-96h", "PACE-s37-authorisation"} <= set(verdicts)
    assert broken(custody_record()) == {}


def test_a_25_hour_basic_limit_breaks_the_24_hour_rule():
    rec = changed(custody_record(), detention_limit="2025-03-05T11:15:00Z", time_remaining_seconds=69300)
    bad = broken(rec)
    assert set(bad) == {"PACE-s41-24h"}
    assert (
        "clock.detention_limit is '2025-03-05T11:15:00Z' (25 h after the relevant time)"
        in bad["PACE-s41-24h"][0]
    )
    assert "expected 2025-03-05T10:15:00Z" in bad["PACE-s41-24h"][0]


def test_wrong_remaining_seconds_break_the_24_hour_rule():
    bad = broken(changed(custody_record(), time_remaining_seconds=65000))
    assert set(bad) == {"PACE-s41-24h"}
    assert "time_remaining_seconds is 65000, expected 65700" in bad["PACE-s41-24h"][0]


def test_a_wrong_next_review_breaks_the_review_rule():
    bad = broken(
        changed(custody_record(), next_review_due="2025-03-04T17:30:00Z", review_due_in_seconds=5400)
    )
    assert set(bad) == {"PACE-s40-review"}
    assert (
        "next_review_due is '2025-03-04T17:30:00Z', expected 2025-03-04T16:30:00Z"
        in bad["PACE-s40-review"][0]
    )


def test_reviews_every_10_hours_break_the_review_rule():
    rec = custody_record()
    rec["reviews"] = [
        {"reviewed_at": "2025-03-04T16:30:00Z", "reviewer": {"name": "Insp", "rank": "inspector"}}
    ]
    rec["clock"].update(
        reviews_completed=1, next_review_due="2025-03-05T02:30:00Z", review_due_in_seconds=37800
    )
    assert set(broken(rec)) == {"PACE-s40-review"}  # 10 h after the first review; PACE says 9 h
    rec["clock"].update(next_review_due="2025-03-05T01:30:00Z", review_due_in_seconds=34200)
    assert broken(rec) == {}


def test_an_extension_past_36_hours_breaks_the_36_hour_cap():
    rec = custody_record()
    rec["reviews"] = [
        {"reviewed_at": "2025-03-04T16:30:00Z", "reviewer": {"name": "Insp", "rank": "inspector"}},
        {"reviewed_at": "2025-03-05T01:30:00Z", "reviewer": {"name": "Insp", "rank": "inspector"}},
    ]
    # a product with no 36 h cap: extended to 40 h, and the clock agrees with that extension
    rec["extensions"] = [
        {
            "authorised_at": "2025-03-05T08:00:00Z",
            "until": "2025-03-06T02:15:00Z",
            "authorised_by": {"name": "Supt", "rank": "superintendent"},
        }
    ]
    rec["clock"].update(
        as_at="2025-03-05T09:00:00Z",
        detention_limit="2025-03-06T02:15:00Z",
        limit_basis="superintendent_extension",
        next_review_due="2025-03-05T10:30:00Z",
        reviews_completed=2,
        time_remaining_seconds=62100,
        review_due_in_seconds=5400,
    )
    bad = broken(rec)
    assert set(bad) == {"PACE-s42-max36"}
    assert (
        "extensions[0].until 2025-03-06T02:15:00Z is 40 h after the relevant time" in bad["PACE-s42-max36"][0]
    )


def test_a_warrant_past_96_hours_breaks_the_96_hour_cap():
    rec = custody_record()
    # issued at 64 h for 36 h (a lawful length), but that runs to 100 h after the relevant time
    rec["warrants"] = [
        {
            "applied_at": "2025-03-05T20:00:00Z",
            "issued_at": "2025-03-07T02:15:00Z",
            "until": "2025-03-08T14:15:00Z",
        }
    ]
    rec["clock"].update(
        as_at="2025-03-07T03:00:00Z",
        detention_limit="2025-03-08T14:15:00Z",
        limit_basis="warrant",
        next_review_due="2025-03-04T16:30:00Z",
        reviews_overdue=True,
        time_remaining_seconds=126900,
        review_due_in_seconds=-210600,
        breaches=["PACE-s40-review"],
    )
    bad = broken(rec)
    assert set(bad) == {"PACE-s44-96h"}
    assert any("never more than 96 h" in m for m in bad["PACE-s44-96h"])


def test_a_wrong_absolute_limit_breaks_the_96_hour_rule():
    assert set(broken(changed(custody_record(), absolute_limit="2025-03-09T10:15:00Z"))) == {"PACE-s44-96h"}


def test_overdue_flags_flip_in_the_minute_after_the_limit_either_way():
    at_limit = changed(
        custody_record(),
        as_at="2025-03-04T16:30:30Z",
        time_remaining_seconds=63870,
        review_due_in_seconds=-30,
    )
    for flag in (False, True):
        rec = copy.deepcopy(at_limit)
        rec["clock"]["reviews_overdue"] = flag
        rec["clock"]["breaches"] = ["PACE-s40-review"] if flag else []
        assert broken(rec) == {}
    late = changed(
        at_limit, as_at="2025-03-04T16:32:00Z", time_remaining_seconds=63780, review_due_in_seconds=-120
    )
    assert set(broken(late)) == {"PACE-s40-review"}  # two minutes late and still not overdue


def test_a_breach_list_that_disagrees_with_its_flag_is_reported():
    bad = broken(changed(custody_record(), breaches=["PACE-s41-24h"]))
    assert set(bad) == {"PACE-s41-24h"}


def test_a_released_record_shows_its_clock_stopped_at_release():
    rec = custody_record()
    rec.update(status="released", released_at="2025-03-04T18:00:00Z")
    rec["clock"].update(
        as_at="2025-03-04T18:00:00Z",
        status="stopped",
        stopped_at="2025-03-04T18:00:00Z",
        next_review_due=None,
        review_due_in_seconds=None,
        reviews_overdue=True,
        breaches=["PACE-s40-review"],
        time_remaining_seconds=58500,
    )
    assert broken(rec) == {}  # a review was overdue at release: the stopped clock says so
    assert set(broken(changed(rec, as_at="2025-03-04T19:00:00Z"))) == {"PACE-s41-24h"}


def test_relevant_time_follows_the_arrest_outside_the_force_area():
    rec = custody_record()
    rec["arrested_outside_force_area"] = True
    rec["arrest"]["arrested_at"] = "2025-03-03T09:00:00Z"  # arrival 25 h 15 min later: clock starts at 24 h
    bad = broken(rec)
    assert set(bad) == {"PACE-s41-24h"}
    assert "give 2025-03-04T09:00:00Z (PACE s.41(2))" in bad["PACE-s41-24h"][0]


def test_officers_below_the_rank_the_law_requires_are_reported():
    rec = custody_record()
    rec["authorisation"]["authorised_by"]["rank"] = "constable"
    assert set(broken(rec)) == {"PACE-s37-authorisation"}


def test_drain_gives_one_check_per_rule_and_one_finding_per_rule_and_operation():
    oracle = DomainOracle("custody")
    good, bad = (
        custody_record(),
        changed(custody_record(), detention_limit="2025-03-05T11:15:00Z", time_remaining_seconds=69300),
    )
    oracle.observe(exchange("GET", f"/custody-records/{CID}", good))
    oracle.observe(exchange("GET", f"/custody-records/{CID}", bad))
    oracle.observe(exchange("GET", "/custody-records", {"items": [good, bad]}, query="limit=2"))
    oracle.observe(exchange("GET", f"/custody-records/{CID}", bad))
    oracle.observe(exchange("GET", f"/custody-records/{CID}", bad, status=404))  # not judged
    oracle.observe(exchange("GET", f"/custody-records/{CID}", bad, suite="fuzz"))
    events = oracle.drain("contracts")
    checks = {e.requirement: e for e in events if isinstance(e, CheckResult)}
    findings = [e for e in events if isinstance(e, Finding)]
    assert checks["PACE-s41-24h"].status == "failed"
    assert checks["PACE-s41-24h"].message == "4 responses checked, 3 broke it"
    assert checks["PACE-s40-review"].status == "passed"
    assert checks["PACE-s40-review"].message == "4 responses checked, 0 broke it"
    assert [(f.requirement, f.operation) for f in findings] == [
        ("PACE-s41-24h", "GET /custody-records"),
        ("PACE-s41-24h", "GET /custody-records/{custody_id}"),
    ]
    single = findings[1]
    assert single.severity == "error" and single.suite == "contracts"
    assert "24 h" in single.title
    assert "expected 2025-03-05T10:15:00Z" in single.detail
    assert "$TOKEN" in single.reproduce and TOKEN not in single.reproduce
    assert f"/custody-records/{CID}" in single.reproduce
    assert oracle.drain("contracts") == []  # forgotten
    assert any(isinstance(e, Finding) for e in oracle.drain("fuzz"))


def test_an_unreadable_record_is_left_to_the_contracts_suite():
    rec = custody_record()
    rec["arrived_at"] = "04/03/2025 10:15"
    assert judge_custody_record(rec) == {}
    oracle = DomainOracle("custody")
    oracle.observe(exchange("GET", f"/custody-records/{CID}", rec))
    oracle.observe(exchange("GET", "/health", {"status": "ok"}))
    assert oracle.drain("contracts") == []
