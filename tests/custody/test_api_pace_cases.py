"""The issue-23 PACE cases over HTTP: appropriate adult, charge and reviews after it, a warrant
shorter than the extension, pre-charge bail extensions and a return from bail. Every response is
validated against custody.yaml (simkit: response validation "raise")."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.custody.helpers import INSPECTOR, SERGEANT, SUPERINTENDENT, T0, Custody, booking, z
from tests.custody.test_api import c, problem, records, server  # noqa: F401  (fixtures)

H = timedelta(hours=1)
M = timedelta(minutes=1)
CHARGES = [{"cjs_code": "TH68010", "title": "Theft from a shop"}]


def book(c: Custody, records, dob: str = "1985-02-03", arrived=T0, **extra) -> dict:  # noqa: F811
    n = records.add_nominal(surname="Case", forenames=["Test"], date_of_birth=dob)
    return c.book(booking(arrived, detainee={"nominal_id": n["nominal_id"]}, **extra))


def at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def charge_body(at, **extra) -> dict:
    return {
        "charged_at": z(at),
        "charged_by": SERGEANT,
        "charges": CHARGES,
        "grounds": "Kept for court",
        **extra,
    }


def adult_body(at, reason: str = "juvenile") -> dict:
    return {
        "name": "Ann Case",
        "relationship": "parent_or_guardian",
        "reason": reason,
        "informed_at": z(at),
        "informed_by": SERGEANT,
    }


def test_juvenile_charged_after_appropriate_adult_and_transfer(c, records):  # noqa: F811
    c.freeze(T0 + 12 * H)
    rec = book(c, records, dob="2008-03-05")  # 17 on 4 March 2025
    cid = rec["custody_id"]
    assert rec["juvenile"] is True and rec["appropriate_adults"] == [] and rec["charge"] is None
    c.authorise(cid, T0 + 10 * M)
    at_ = T0 + 2 * H
    problem(c.post(f"/custody-records/{cid}/charge", charge_body(at_)), 422, "PACE-CodeC-appropriate-adult")
    c.act(cid, "appropriate-adults", adult_body(at_ + M))  # informed a minute after the charge would be
    problem(c.post(f"/custody-records/{cid}/charge", charge_body(at_)), 422, "PACE-CodeC-appropriate-adult")
    problem(c.post(f"/custody-records/{cid}/charge", charge_body(at_ + M)), 422, "PACE-s38-6-transfer")
    body = charge_body(
        at_ + M,
        local_authority_accommodation={
            "arrangement": "not_practicable",
            "certificate_reason": "No placement tonight",
        },
    )
    out = c.act(cid, "charge", body)
    assert at(out["charge"]["charged_at"]) == at_ + M
    assert out["clock"]["charged_at"] is not None and out["status"] == "detained"
    problem(c.post(f"/custody-records/{cid}/charge", charge_body(at_ + 2 * M)), 409, "CUS-ALREADY-CHARGED")


def test_reviews_after_charge_by_the_custody_officer(c, records):  # noqa: F811
    c.freeze(T0 + 30 * H)
    cid = book(c, records)["custody_id"]
    c.authorise(cid, T0 + 15 * M)
    c.review(cid, T0 + 6 * H)
    c.act(cid, "charge", charge_body(T0 + 7 * H))
    r = c.post(
        f"/custody-records/{cid}/reviews",
        {
            "reviewed_at": z(T0 + 8 * H),
            "reviewer": {**SERGEANT, "rank": "constable"},
            "decision": "continue_detention",
        },
    )
    problem(r, 422, "PACE-s40-after-charge")
    rec = c.review(cid, T0 + 15 * H, by=SERGEANT)  # 9 h after the first review: on time
    assert rec["reviews"][-1]["on_time"] is True
    clock = rec["clock"]
    # 30 h after arrival, past 24 h, yet not overdue: the pre-charge limit stopped at 7 h
    assert clock["detention_overdue"] is False and "PACE-s41-24h" not in clock["breaches"]
    problem(
        c.post(
            f"/custody-records/{cid}/extensions",
            {
                "authorised_at": z(T0 + 16 * H),
                "until": z(T0 + 36 * H),
                "authorised_by": SUPERINTENDENT,
                "grounds": "x",
                "offence_indictable": True,
            },
        ),
        422,
        "PACE-s41-after-charge",
    )
    out = c.outcome(cid, T0 + 20 * H, "charged")  # charges come from the charge already recorded
    assert out["status"] == "released" and out["outcome"]["charges"] == CHARGES


def test_warrant_shorter_than_the_extension_ends_detention_at_its_end(c, records):  # noqa: F811
    c.freeze(T0 + 40 * H)
    cid = book(c, records)["custody_id"]
    c.authorise(cid, T0 + 15 * M)
    c.review(cid, T0 + 6 * H)
    c.review(cid, T0 + 15 * H)
    c.extend(cid, T0 + 20 * H, T0 + 36 * H)
    rec = c.warrant(cid, T0 + 29 * H, T0 + 30 * H, T0 + 35 * H)
    assert rec["clock"]["limit_basis"] == "warrant"
    assert at(rec["clock"]["detention_limit"]) == T0 + 35 * H  # not the extension's 36 h
    assert rec["clock"]["detention_overdue"] is True  # now is 40 h


def test_bail_extension_and_return_from_bail(c, records):  # noqa: F811
    c.freeze(T0 + 60 * 24 * H)
    cid = book(c, records)["custody_id"]
    c.authorise(cid, T0 + 15 * M)
    c.outcome(cid, T0 + 9 * H, "bailed", bail={"return_date": "2025-04-01"})  # 9 h used
    ext = {"authorised_at": z(T0 + 10 * 24 * H), "authorised_by": INSPECTOR, "until": "2025-09-04"}
    assert c.act(cid, "bail-extensions", ext)["bail_extensions"][0]["until"] == "2025-09-04"
    problem(
        c.post(f"/custody-records/{cid}/bail-extensions", {**ext, "until": "2025-09-05"}),
        422,
        "PACE-s47ZD-bail-extension",
    )
    problem(
        c.post(
            f"/custody-records/{cid}/bail-extensions",
            {**ext, "until": "2025-12-05", "authorised_by": SUPERINTENDENT},
        ),
        422,
        "PACE-s47ZF-bail-court",
    )
    arrived = T0 + 40 * 24 * H
    back = book(
        c, records, arrived=arrived, bail_return={"custody_id": cid, "reason": "breach_of_bail_conditions"}
    )
    assert back["bail_return"]["time_used_seconds"] == 9 * 3600
    assert back["bail_return"]["pause_seconds"] == 3 * 3600
    # 15 h left on the clock, after a 3 h pause: the limit is 18 h after arrival
    assert at(back["clock"]["detention_limit"]) == arrived + 18 * H
    assert at(back["relevant_time"]) == arrived + 3 * H - 9 * H
    never_bailed = book(c, records)["custody_id"]
    r = c.post(
        "/custody-records",
        booking(
            arrived,
            detainee={"nominal_id": back["nominal_id"]},
            bail_return={"custody_id": never_bailed, "reason": "answered_bail"},
        ),
    )
    problem(r, 409, "CUS-NOT-ON-BAIL")
    problem(c.post(f"/custody-records/{never_bailed}/bail-extensions", ext), 409, "CUS-NOT-ON-BAIL")


def test_a_juvenile_charged_at_release_needs_the_appropriate_adult_too(c, records):  # noqa: F811
    c.freeze(T0 + 12 * H)
    cid = book(c, records, dob="2008-03-05")["custody_id"]
    c.authorise(cid, T0 + 10 * M)
    r = c.post(
        f"/custody-records/{cid}/outcome",
        {"type": "charged", "decided_at": z(T0 + 2 * H), "decided_by": SERGEANT, "charges": CHARGES},
    )
    problem(r, 422, "PACE-CodeC-appropriate-adult")
    c.act(cid, "appropriate-adults", adult_body(T0 + 2 * H))
    assert c.outcome(cid, T0 + 2 * H, "charged", charges=CHARGES)["status"] == "released"


def test_the_oracle_agrees_with_the_new_cases_and_catches_a_wrong_clock(c, records):  # noqa: F811
    """harness/oracle/custody.py recomputes these clocks with clock.py: our records pass, and a
    resumed clock that forgot the time used, or a charged clock flagged overdue, are caught."""
    from harness.oracle.custody import judge_custody_record

    c.freeze(T0 + 60 * 24 * H)
    cid = book(c, records)["custody_id"]
    c.authorise(cid, T0 + 15 * M)
    c.outcome(cid, T0 + 9 * H, "bailed", bail={"return_date": "2025-04-01"})
    back = book(
        c,
        records,
        arrived=T0 + 40 * 24 * H,
        bail_return={"custody_id": cid, "reason": "failed_to_answer_bail"},
    )
    c.authorise(back["custody_id"], T0 + 40 * 24 * H + 10 * M)
    c.review(back["custody_id"], T0 + 40 * 24 * H + 5 * H)
    charged = c.act(back["custody_id"], "charge", charge_body(T0 + 40 * 24 * H + 6 * H))
    assert all(v == [] for v in judge_custody_record(charged).values()), judge_custody_record(charged)

    forgot = {**charged, "relevant_time": charged["arrived_at"], "clock": {**charged["clock"]}}
    forgot["clock"]["relevant_time"] = charged["arrived_at"]
    assert judge_custody_record(forgot)["PACE-s41-24h"]
    flagged = {**charged, "clock": {**charged["clock"], "detention_overdue": True}}
    assert judge_custody_record(flagged)["PACE-s41-24h"]
