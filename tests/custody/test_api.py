"""The custody API end to end over HTTP (records replaced by an in-process fake), clock driven by /_sim/clock.

Every response is validated against custody.yaml (simkit: response validation "raise", and stop()
fails on any response that broke the spec).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from simulators.custody import create_app
from tests.custody.fakes import FakeRecords
from tests.custody.helpers import CONSTABLE, INSPECTOR, SERGEANT, T0, Custody, booking, z
from tests.simkit import start_system

H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.fixture(scope="module")
def records() -> FakeRecords:
    return FakeRecords()


@pytest.fixture(scope="module")
def server(tmp_path_factory, records):
    home = tmp_path_factory.mktemp("custody-api")
    sim = start_system(
        "custody",
        home,
        load_population=False,
        app_factory=lambda cfg: create_app(cfg, records_client_factory=lambda _c: records),
        extra={"outbox_retry_seconds": 0},
    )
    yield sim
    sim.stop()


@pytest.fixture
def c(server, records) -> Custody:
    records.down = False
    records.refuse_outcomes_with = None
    client = Custody(server)
    client.freeze(T0 + 2 * H)
    return client


def booked(c: Custody, records: FakeRecords, arrived=T0, **extra) -> dict:
    n = records.add_nominal(surname="Case", forenames=["Test"], date_of_birth="1985-02-03")
    return c.book(booking(arrived, detainee={"nominal_id": n["nominal_id"]}, **extra))


def problem(r: requests.Response, status: int, rule: str | None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    body = r.json()
    assert body.get("rule") == rule, body
    return body


# ----------------------------------------------------------------------------------- booking in


def test_booking_a_known_detainee_by_pnc_links_the_same_nominal_and_occurrence(c, records):
    known = records.add_nominal(pnc_id="2019/0012345G")
    occ = records.add_occurrence()
    r = c.post("/custody-records", booking(detainee={"pnc_id": "19/12345G"}, occurrence_id=occ))
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["nominal_id"] == known["nominal_id"]
    assert rec["detainee"]["identified_by"] == "pnc_id"
    assert rec["occurrence_id"] == occ
    assert (occ, known["nominal_id"], "suspect") in records.links
    assert r.headers["Location"] == f"/custody-records/{rec['custody_id']}"
    assert r.headers["ETag"] == '"1"'
    assert rec["status"] == "booked_in" and rec["custody_number"].startswith("LS-2025-")
    assert rec["relevant_time"] == z(T0)
    clock = rec["clock"]
    assert clock["status"] == "awaiting_authorisation"
    assert clock["detention_limit"] == z(T0 + 24 * H) and clock["limit_basis"] == "24h"
    assert clock["time_remaining_seconds"] == 22 * 3600
    assert clock["absolute_limit"] == z(T0 + 96 * H)


def test_booking_by_name_and_date_of_birth_finds_the_nominal(c, records):
    n = records.add_nominal(surname="Okafor", forenames=["Ada"], date_of_birth="1979-12-31")
    rec = c.book(booking(detainee={"surname": "OKAFOR", "forenames": ["Ada"], "date_of_birth": "1979-12-31"}))
    assert (
        rec["nominal_id"] == n["nominal_id"] and rec["detainee"]["identified_by"] == "name_and_date_of_birth"
    )


def test_booking_an_unknown_detainee_creates_the_nominal_in_records(c, records):
    before = len(records.created)
    rec = c.book(
        booking(
            detainee={
                "surname": "Newperson",
                "forenames": ["Zed"],
                "date_of_birth": "2001-07-07",
                "sex": "male",
                "pnc_id": "2024/1234567K",
                "address": {"line1": "1 High St", "town": "Leeds", "postcode": "LS1 1AA"},
            }
        )
    )
    assert len(records.created) == before + 1
    created = records.created[-1]
    assert rec["nominal_id"] == created["nominal_id"] and rec["detainee"]["identified_by"] == "created"
    assert created["surname"] == "Newperson" and created["pnc_id"] == "2024/1234567K"
    assert created["address"]["postcode"] == "LS1 1AA"


def test_create_new_skips_the_name_search(c, records):
    records.add_nominal(surname="Lookalike", forenames=["Sam"], date_of_birth="1988-08-08")
    rec = c.book(
        booking(
            detainee={
                "surname": "Lookalike",
                "forenames": ["Sam"],
                "date_of_birth": "1988-08-08",
                "create_new": True,
            }
        )
    )
    assert rec["detainee"]["identified_by"] == "created"
    assert records.created[-1]["nominal_id"] == rec["nominal_id"]


def test_booking_by_nominal_id_follows_a_merge(c, records):
    survivor = records.add_nominal(surname="Merged")
    records.merged["5d0c9d9e-1111-4222-8333-944455556666"] = survivor["nominal_id"]
    rec = c.book(booking(detainee={"nominal_id": "5d0c9d9e-1111-4222-8333-944455556666"}))
    assert rec["nominal_id"] == survivor["nominal_id"]


def test_booking_refusals_name_the_rule_and_write_nothing(c, records):
    count = len(c.get("/custody-records", params={"limit": 200}).json()["items"])
    problem(
        c.post("/custody-records", booking(detainee={"nominal_id": "0b9d4c44-0000-4000-8000-000000000000"})),
        422,
        "CUS-NOMINAL-UNKNOWN",
    )
    problem(
        c.post("/custody-records", booking(occurrence_id="0b9d4c44-0000-4000-8000-000000000001")),
        422,
        "CUS-OCCURRENCE-UNKNOWN",
    )
    problem(
        c.post("/custody-records", booking(detainee={"pnc_id": "2024/1234567A"})), 422, "CUS-PNC-ID-INVALID"
    )
    problem(
        c.post("/custody-records", booking(detainee={"pnc_id": "2024/7654321Z"})), 422, "CUS-PNC-ID-INVALID"
    )
    problem(c.post("/custody-records", booking(arrived_at=T0 + 2 * H + M)), 422, "CUS-TIME-FUTURE")
    for dob in ("1990-02-30", "2025-03-05"):
        problem(
            c.post(
                "/custody-records",
                booking(detainee={"surname": "X", "forenames": ["Y"], "date_of_birth": dob}),
            ),
            422,
            "CUS-DOB-INVALID",
        )
    assert (
        c.post(
            "/custody-records",
            booking(detainee={"surname": "X", "forenames": ["Y"], "date_of_birth": "0000"}),
        ).status_code
        == 400
    )
    body = booking()
    body["arrest"]["arrested_at"] = z(T0 + M)
    problem(c.post("/custody-records", body), 422, "CUS-TIME-ORDER")
    records.add_nominal(surname="Twin", forenames=["Same"], date_of_birth="1999-09-09")
    records.add_nominal(surname="Twin", forenames=["Same"], date_of_birth="1999-09-09")
    amb = problem(
        c.post(
            "/custody-records",
            booking(detainee={"surname": "Twin", "forenames": ["Same"], "date_of_birth": "1999-09-09"}),
        ),
        409,
        "CUS-DETAINEE-AMBIGUOUS",
    )
    assert len(amb["candidates"]) == 2
    # only a spelling variant in records: not guessed, offered as a candidate
    variant = records.add_nominal(
        surname="Stephenson",
        forenames=["Steven"],
        date_of_birth="1970-01-01",
        match={"score": 0.85, "name_match": "variant"},
    )
    amb = problem(
        c.post(
            "/custody-records",
            booking(
                detainee={"surname": "Stephenson", "forenames": ["Steven"], "date_of_birth": "1970-01-01"}
            ),
        ),
        409,
        "CUS-DETAINEE-AMBIGUOUS",
    )
    assert [x["nominal_id"] for x in amb["candidates"]] == [variant["nominal_id"]]
    assert len(c.get("/custody-records", params={"limit": 200}).json()["items"]) == count


def test_booking_fails_with_503_and_writes_nothing_when_records_is_down(c, records):
    count = len(c.get("/custody-records", params={"limit": 200}).json()["items"])
    events = len(c.get("/events", params={"limit": 200}).json()["items"])
    records.down = True
    r = c.post("/custody-records", booking())
    assert r.status_code == 503, r.text
    assert r.json()["upstream"]["system"] == "records"
    records.down = False
    assert len(c.get("/custody-records", params={"limit": 200}).json()["items"]) == count
    assert len(c.get("/events", params={"limit": 200}).json()["items"]) == events


def test_booking_input_is_validated(c):
    assert c.post("/custody-records", {"station": {"code": "LS"}}).status_code == 400
    bad = booking(detainee={"sex": "male"})  # none of the identity combinations
    assert c.post("/custody-records", bad).status_code == 400
    extra = booking(unexpected=True)
    assert c.post("/custody-records", extra).status_code == 400
    r = requests.post(
        c.sim.url + "/custody-records", data="x", headers={**c.h, "Content-Type": "text/plain"}, timeout=10
    )
    assert r.status_code == 415


def test_relevant_time_outside_force_area(c, records):
    c.freeze(T0 + 30 * H)
    body = booking(arrived_at=T0 + 26 * H, arrested_outside_force_area=True)
    body["arrest"]["arrested_at"] = z(T0)
    rec = c.book(body)
    assert rec["relevant_time"] == z(T0 + 24 * H)  # 24 h after arrest, before arrival
    assert rec["clock"]["detention_limit"] == z(T0 + 48 * H)
    body["arrived_at"] = z(T0 + 23 * H)
    assert c.book(body)["relevant_time"] == z(T0 + 23 * H)  # arrival came first


# -------------------------------------------------------------------------------- detention clock


@pytest.mark.parametrize(("after", "overdue"), [(6 * H - M, False), (6 * H, False), (6 * H + M, True)])
def test_first_review_boundary_through_the_api(c, records, after, overdue):
    rec = booked(c, records)
    auth = T0 + 15 * M
    c.authorise(rec["custody_id"], auth)
    c.freeze(auth + after)
    clock = c.record(rec["custody_id"])["clock"]
    assert clock["next_review_due"] == z(auth + 6 * H)
    assert clock["reviews_overdue"] is overdue
    assert ("PACE-s40-review" in clock["breaches"]) is overdue
    due = c.get(
        "/custody-records", params={"review_due_before": z(auth + 6 * H), "status": "detained"}
    ).json()
    assert rec["custody_id"] in [i["custody_id"] for i in due["items"]]
    early = c.get("/custody-records", params={"review_due_before": z(auth + 6 * H - M)}).json()
    assert rec["custody_id"] not in [i["custody_id"] for i in early["items"]]


@pytest.mark.parametrize(("after", "overdue"), [(9 * H - M, False), (9 * H, False), (9 * H + M, True)])
def test_second_review_boundary_through_the_api(c, records, after, overdue):
    rec = booked(c, records)
    auth = T0 + 15 * M
    c.authorise(rec["custody_id"], auth)
    first = auth + 5 * H
    c.freeze(first)
    c.review(rec["custody_id"], first)
    c.freeze(first + after)
    clock = c.record(rec["custody_id"])["clock"]
    assert clock["next_review_due"] == z(first + 9 * H) and clock["reviews_completed"] == 1
    assert clock["reviews_overdue"] is overdue


@pytest.mark.parametrize(("after", "overdue"), [(24 * H - M, False), (24 * H, False), (24 * H + M, True)])
def test_24h_limit_boundary_through_the_api(c, records, after, overdue):
    rec = booked(c, records)
    c.freeze(T0 + after)
    clock = c.record(rec["custody_id"])["clock"]
    assert clock["detention_overdue"] is overdue
    assert ("PACE-s41-24h" in clock["breaches"]) is overdue
    assert clock["time_remaining_seconds"] == int((24 * H - after).total_seconds())


def test_clock_advance_moves_the_clock(c, records):
    rec = booked(c, records)
    c.authorise(rec["custody_id"], T0 + 2 * H)
    c.advance(hours=6)
    clock = c.record(rec["custody_id"])["clock"]
    assert clock["review_due_in_seconds"] == 0 and not clock["reviews_overdue"]
    c.advance(minutes=1)
    assert c.record(rec["custody_id"])["clock"]["reviews_overdue"]


def test_a_lawful_96_hour_detention_and_every_unlawful_step_refused(c, records):
    rec = booked(c, records)
    cid = rec["custody_id"]
    auth = T0 + 15 * M
    c.authorise(cid, auth)
    problem(
        c.post(f"/custody-records/{cid}/authorisation", {"authorised_by": SERGEANT, "grounds": "again"}),
        409,
        "CUS-ALREADY-AUTHORISED",
    )
    # reviews at the latest lawful minute
    c.freeze(auth + 6 * H)
    c.review(cid, auth + 6 * H)
    c.freeze(auth + 15 * H)
    r = c.post(
        f"/custody-records/{cid}/reviews",
        {"reviewed_at": z(auth + 15 * H), "reviewer": SERGEANT, "decision": "continue_detention"},
    )
    problem(r, 422, "PACE-s40-review-rank")
    rec = c.review(cid, auth + 15 * H)
    assert [rv["on_time"] for rv in rec["reviews"]] == [True, True]
    # extension: too junior, too long, then lawful at the 24 h boundary
    c.freeze(T0 + 24 * H)
    problem(
        c.post(
            f"/custody-records/{cid}/extensions",
            {"until": z(T0 + 36 * H), "authorised_by": INSPECTOR, "grounds": "g", "offence_indictable": True},
        ),
        422,
        "PACE-s42-rank",
    )
    problem(
        c.post(
            f"/custody-records/{cid}/extensions",
            {
                "until": z(T0 + 36 * H + M),
                "authorised_by": {**INSPECTOR, "rank": "superintendent"},
                "grounds": "g",
                "offence_indictable": True,
            },
        ),
        422,
        "PACE-s42-max36",
    )
    rec = c.extend(cid, T0 + 24 * H, T0 + 36 * H)
    assert rec["clock"]["detention_limit"] == z(T0 + 36 * H)
    assert rec["clock"]["limit_basis"] == "superintendent_extension"
    # review 3 due 9 h after review 2
    for at in (auth + 24 * H, auth + 33 * H):
        c.freeze(at)
        c.review(cid, at)
    # warrant: beyond 36 h from issue refused; then lawful
    c.freeze(T0 + 35 * H)
    problem(
        c.post(
            f"/custody-records/{cid}/warrants",
            {
                "applied_at": z(T0 + 34 * H),
                "issued_at": z(T0 + 35 * H),
                "until": z(T0 + 71 * H + M),
                "court": {"name": "Leeds Magistrates' Court"},
                "applied_by": INSPECTOR,
            },
        ),
        422,
        "PACE-s43-warrant",
    )
    rec = c.warrant(cid, T0 + 34 * H, T0 + 35 * H, T0 + 71 * H)
    assert rec["clock"]["limit_basis"] == "warrant" and rec["clock"]["detention_limit"] == z(T0 + 71 * H)
    assert rec["warrants"][0]["kind"] == "warrant_of_further_detention"
    problem(
        c.post(
            f"/custody-records/{cid}/extensions",
            {
                "until": z(T0 + 36 * H),
                "authorised_by": {**INSPECTOR, "rank": "superintendent"},
                "grounds": "g",
                "offence_indictable": True,
            },
        ),
        422,
        "PACE-s42-timing",
    )
    # extension of the warrant: beyond 96 h refused, to exactly 96 h allowed
    c.freeze(T0 + 70 * H)
    for i in range(1, 5):  # keep reviews up to date (9 h apart): 42:15, 51:15, 60:15, 69:15
        c.review(cid, auth + 33 * H + i * 9 * H)
    assert not c.record(cid)["clock"]["reviews_overdue"]
    problem(
        c.post(
            f"/custody-records/{cid}/warrants",
            {
                "applied_at": z(T0 + 69 * H),
                "issued_at": z(T0 + 70 * H),
                "until": z(T0 + 96 * H + M),
                "court": {"name": "Leeds Magistrates' Court"},
                "applied_by": INSPECTOR,
            },
        ),
        422,
        "PACE-s44-96h",
    )
    rec = c.warrant(cid, T0 + 69 * H, T0 + 70 * H, T0 + 96 * H)
    assert rec["warrants"][1]["kind"] == "extension_of_warrant"
    assert rec["clock"]["detention_limit"] == z(T0 + 96 * H)
    # at 96 h exactly still lawful; one minute later overdue
    c.freeze(T0 + 96 * H)
    assert not c.record(cid)["clock"]["detention_overdue"]
    c.freeze(T0 + 96 * H + M)
    assert c.record(cid)["clock"]["detention_overdue"]
    # release is never refused; the clock records the breach
    rec = c.outcome(
        cid, T0 + 96 * H + M, "charged", charges=[{"cjs_code": "TH68010", "title": "Theft from a shop"}]
    )
    assert rec["status"] == "released" and rec["clock"]["status"] == "stopped"
    assert rec["clock"]["detention_overdue"] and "PACE-s41-24h" in rec["clock"]["breaches"]
    # closed
    c.freeze(T0 + 100 * H)
    problem(
        c.post(f"/custody-records/{cid}/reviews", {"reviewer": INSPECTOR, "decision": "continue_detention"}),
        409,
        "PACE-s40-review-after-release",
    )
    for action, body in [
        ("rights", {"given_by": SERGEANT, "rights": [{"right": "legal_advice", "response": "declined"}]}),
        ("risk-assessment", {"assessed_by": SERGEANT, "risk_level": "low", "observation_level": 1}),
        (
            "property",
            {"recorded_by": SERGEANT, "items": [{"description": "Wallet", "disposition": "returned"}]},
        ),
        ("outcome", {"type": "no_further_action", "decided_by": SERGEANT}),
        (
            "extensions",
            {"until": z(T0 + 36 * H), "authorised_by": SERGEANT, "grounds": "g", "offence_indictable": True},
        ),
        (
            "warrants",
            {
                "applied_at": z(T0 + 99 * H),
                "issued_at": z(T0 + 99 * H),
                "until": z(T0 + 100 * H),
                "court": {"name": "X"},
                "applied_by": INSPECTOR,
            },
        ),
    ]:
        problem(c.post(f"/custody-records/{cid}/{action}", body), 409, "CUS-CLOSED")
    # the timeline has every event in order
    tl = c.get(f"/custody-records/{cid}/timeline", params={"limit": 200}).json()["items"]
    types = [e["type"] for e in tl]
    assert types[0] == "booked_in" and types[1] == "detention_authorised"
    assert types.count("reviewed") >= 6 and types.count("warrant_recorded") == 2
    assert types[-2:] == ["outcome_recorded", "released"]
    assert [e["at"] for e in tl] == sorted(e["at"] for e in tl)


def test_late_review_needs_reason_at_the_boundary(c, records):
    rec = booked(c, records)
    cid = rec["custody_id"]
    auth = T0 + 15 * M
    c.authorise(cid, auth)
    c.freeze(auth + 6 * H + M)
    problem(
        c.post(
            f"/custody-records/{cid}/reviews",
            {"reviewed_at": z(auth + 6 * H + M), "reviewer": INSPECTOR, "decision": "continue_detention"},
        ),
        422,
        "PACE-s40-postponement",
    )
    rec = c.review(cid, auth + 6 * H + M, postponement_reason="Review officer delayed at a serious incident")
    assert rec["reviews"][0]["on_time"] is False and rec["reviews"][0]["due_by"] == z(auth + 6 * H)
    assert rec["clock"]["next_review_due"] == z(auth + 15 * H)  # s.40(7)


def test_actions_refused_without_authorisation_and_by_junior_ranks(c, records):
    rec = booked(c, records)
    cid = rec["custody_id"]
    problem(
        c.post(f"/custody-records/{cid}/reviews", {"reviewer": INSPECTOR, "decision": "continue_detention"}),
        422,
        "CUS-NOT-AUTHORISED",
    )
    problem(
        c.post(f"/custody-records/{cid}/authorisation", {"authorised_by": CONSTABLE, "grounds": "g"}),
        422,
        "PACE-s37-authorisation",
    )
    problem(
        c.post(
            f"/custody-records/{cid}/authorisation",
            {"authorised_by": SERGEANT, "grounds": "g", "authorised_at": z(T0 - M)},
        ),
        422,
        "CUS-TIME-ORDER",
    )
    problem(
        c.post(
            f"/custody-records/{cid}/authorisation",
            {"authorised_by": SERGEANT, "grounds": "g", "authorised_at": z(T0 + 3 * H)},
        ),
        422,
        "CUS-TIME-FUTURE",
    )
    problem(
        c.post(f"/custody-records/{cid}/outcome", {"type": "cautioned", "decided_by": CONSTABLE}),
        422,
        "CUS-OUTCOME-RANK",
    )
    problem(
        c.post(f"/custody-records/{cid}/outcome", {"type": "charged", "decided_by": SERGEANT}),
        422,
        "CUS-OUTCOME-CHARGES",
    )
    problem(
        c.post(
            f"/custody-records/{cid}/outcome",
            {"type": "bailed", "decided_by": SERGEANT, "bail": {"return_date": "2025-06-05"}},
        ),
        422,
        "PACE-s47ZB-bail-period",
    )
    rec = c.act(
        cid,
        "outcome",
        {
            "type": "bailed",
            "decided_by": SERGEANT,
            "bail": {"return_date": "2025-06-04", "conditions": ["Curfew"]},
        },
    )
    assert rec["outcome"]["bail"]["return_date"] == "2025-06-04" and rec["released_at"] == z(T0 + 2 * H)


def test_rights_risk_property_recorded(c, records):
    cid = booked(c, records)["custody_id"]
    rec = c.act(
        cid,
        "rights",
        {
            "given_by": SERGEANT,
            "notice_given": True,
            "rights": [
                {"right": "legal_advice", "response": "requested", "detail": "Duty solicitor"},
                {"right": "inform_someone", "response": "declined"},
            ],
        },
    )
    assert rec["rights"][0]["rights"][1] == {
        "right": "inform_someone",
        "response": "declined",
        "detail": None,
    }
    rec = c.act(
        cid,
        "risk-assessment",
        {
            "assessed_by": SERGEANT,
            "risk_level": "high",
            "observation_level": 3,
            "risk_factors": ["self_harm_history"],
        },
    )
    assert rec["risk_assessments"][0]["observation_level"] == 3
    rec = c.act(
        cid,
        "property",
        {
            "recorded_by": SERGEANT,
            "items": [{"description": "Mobile phone", "disposition": "retained", "bag_number": "A123"}],
        },
    )
    assert rec["property"][0]["items"][0]["quantity"] == 1
    problem(
        c.post(
            f"/custody-records/{cid}/rights",
            {
                "given_by": SERGEANT,
                "given_at": z(T0 - M),
                "rights": [{"right": "legal_advice", "response": "declined"}],
            },
        ),
        422,
        "CUS-TIME-ORDER",
    )
    types = [e["type"] for e in c.get(f"/custody-records/{cid}/timeline").json()["items"]]
    assert types == ["booked_in", "rights_recorded", "risk_assessed", "property_recorded"]


def test_if_match_stale_version_is_412(c, records):
    cid = booked(c, records)["custody_id"]
    r = c.post(
        f"/custody-records/{cid}/authorisation",
        {"authorised_by": SERGEANT, "grounds": "g"},
        headers={"If-Match": '"7"'},
    )
    assert r.status_code == 412
    r = c.post(
        f"/custody-records/{cid}/authorisation",
        {"authorised_by": SERGEANT, "grounds": "g"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.headers["ETag"] == '"2"' and r.json()["version"] == 2


def test_not_found_bad_id_and_auth(c, server):
    missing = "0b9d4c44-0000-4000-8000-00000000abcd"
    assert c.get(f"/custody-records/{missing}").status_code == 404
    assert c.get(f"/custody-records/{missing}/timeline").status_code == 404
    assert (
        c.post(
            f"/custody-records/{missing}/reviews", {"reviewer": INSPECTOR, "decision": "continue_detention"}
        ).status_code
        == 404
    )
    assert c.get("/custody-records/not-a-uuid").status_code == 400
    assert requests.get(server.url + "/custody-records", timeout=10).status_code == 401
    r = requests.post(
        server.url + "/custody-records", json=booking(), headers=server.headers("custody:read"), timeout=10
    )
    assert r.status_code == 403


def test_queries_by_nominal_station_status_and_paging(c, records):
    n = records.add_nominal(surname="Repeat")
    ids = [c.book(booking(detainee={"nominal_id": n["nominal_id"]}))["custody_id"] for _ in range(3)]
    other = c.book(
        booking(detainee={"nominal_id": n["nominal_id"]}, station={"code": "BD", "name": "Bradford"})
    )
    page = c.get("/custody-records", params={"nominal_id": n["nominal_id"], "limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = c.get(
        "/custody-records", params={"nominal_id": n["nominal_id"], "limit": 2, "cursor": page["next_cursor"]}
    ).json()
    got = {i["custody_id"] for i in page["items"] + rest["items"]}
    assert got == {*ids, other["custody_id"]}
    bd = c.get("/custody-records", params={"station": "BD", "nominal_id": n["nominal_id"]}).json()["items"]
    assert [i["custody_id"] for i in bd] == [other["custody_id"]] and other["custody_number"].startswith(
        "BD-2025-"
    )
    c.outcome(ids[0], T0 + 2 * H)
    released = c.get("/custody-records", params={"status": "released", "nominal_id": n["nominal_id"]}).json()
    assert [i["custody_id"] for i in released["items"]] == [ids[0]]
    booked_in = c.get(
        "/custody-records", params={"status": "booked_in", "nominal_id": n["nominal_id"]}
    ).json()
    assert len(booked_in["items"]) == 3


def test_custody_client_reads_every_page(c, records, server, monkeypatch):
    from simulators.clients import custody as custody_client
    from simulators.clients.base import TokenSource

    monkeypatch.setattr(custody_client, "PAGE_LIMIT", 2)
    n = records.add_nominal(surname="Paged")
    ids = {c.book(booking(detainee={"nominal_id": n["nominal_id"]}))["custody_id"] for _ in range(5)}
    client = custody_client.CustodyClient(server.url, TokenSource.fixed(server.token("custody:read")))
    assert {r["custody_id"] for r in client.custody_history(n["nominal_id"])} == ids
    some = next(iter(ids))
    assert client.get_custody_record(some)["custody_id"] == some
    assert client.get_custody_record("0b9d4c44-0000-4000-8000-00000000abcd") is None


def test_change_feed_has_every_custody_event(c, records):
    start = c.get("/events", params={"limit": 200}).json()["next_cursor"]
    cid = booked(c, records)["custody_id"]
    c.authorise(cid, T0 + H)
    c.freeze(T0 + 3 * H)
    c.review(cid, T0 + 3 * H)
    c.outcome(cid, T0 + 3 * H)
    feed = c.get("/events", params={"after": start} if start else {}).json()["items"]
    mine = [e for e in feed if e["resource"]["id"] == cid]
    assert [e["type"] for e in mine] == [
        "custody.booked_in",
        "custody.detention_authorised",
        "custody.reviewed",
        "custody.released",
    ]
    assert mine[0]["resource"]["href"] == f"/custody-records/{cid}"


# ------------------------------------------------------------------------------ outcome to records


def test_outcome_is_delivered_to_records(c, records):
    occ = records.add_occurrence()
    n = records.add_nominal(surname="Deliver")
    cid = c.book(booking(detainee={"nominal_id": n["nominal_id"]}, occurrence_id=occ))["custody_id"]
    rec = c.outcome(
        cid, T0 + 2 * H, "charged", charges=[{"cjs_code": "TH68010", "title": "Theft from a shop"}]
    )
    assert rec["records_sync"]["status"] == "delivered" and rec["records_sync"]["attempts"] == 1
    sent = [p for o, p in records.outcomes if o == occ]
    assert sent and sent[0]["custody_id"] == cid and sent[0]["outcome"]["type"] == "charged"
    assert sent[0]["outcome"]["charges"] == [{"cjs_code": "TH68010", "title": "Theft from a shop"}]
    assert sent[0]["nominal_id"] == n["nominal_id"] and sent[0]["custody_number"] == rec["custody_number"]


def test_outcome_when_records_is_down_is_kept_and_delivered_later(c, records):
    occ = records.add_occurrence()
    n = records.add_nominal(surname="Outbox")
    cid = c.book(booking(detainee={"nominal_id": n["nominal_id"]}, occurrence_id=occ))["custody_id"]
    records.down = True
    rec = c.outcome(cid, T0 + 2 * H)
    assert rec["status"] == "released"  # the release is a fact: never refused because records is down
    assert rec["records_sync"]["status"] == "pending" and rec["records_sync"]["attempts"] == 1
    assert "failed" in rec["records_sync"]["last_error"]
    assert not [o for o, _ in records.outcomes if o == occ]
    records.down = False
    flushed = c.sim.sim("POST", "/outbox/flush").json()
    assert flushed["delivered"] >= 1
    rec = c.record(cid)
    assert rec["records_sync"]["status"] == "delivered" and rec["records_sync"]["attempts"] == 2
    assert [o for o, _ in records.outcomes if o == occ] == [occ]
    assert c.sim.sim("POST", "/outbox/flush").json()["delivered"] == 0  # delivered once only
    tl = [e["type"] for e in c.get(f"/custody-records/{cid}/timeline").json()["items"]]
    assert tl[-1] == "outcome_delivered"


def test_outcome_refused_by_records_is_marked_failed(c, records):
    occ = records.add_occurrence()
    n = records.add_nominal(surname="Refused")
    cid = c.book(booking(detainee={"nominal_id": n["nominal_id"]}, occurrence_id=occ))["custody_id"]
    records.refuse_outcomes_with = 422
    rec = c.outcome(cid, T0 + 2 * H)
    assert rec["records_sync"]["status"] == "failed"
    events = c.get("/events", params={"type": "custody.outcome_refused", "limit": 200}).json()["items"]
    assert cid in [e["resource"]["id"] for e in events]


def test_faults_give_503(c, server):
    server.sim("PUT", "/faults", json={"down": True})
    try:
        assert c.get("/custody-records").status_code == 503
    finally:
        server.sim("PUT", "/faults", json={})


def test_concurrent_bookings_get_unique_numbers_and_no_server_error(c, records):
    from concurrent.futures import ThreadPoolExecutor

    n = records.add_nominal(surname="Crowd")
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda _: c.post("/custody-records", booking(detainee={"nominal_id": n["nominal_id"]})),
                range(16),
            )
        )
    assert [a.status_code for a in answers] == [201] * 16
    numbers = [a.json()["custody_number"] for a in answers]
    assert len(set(numbers)) == 16
    cid = answers[0].json()["custody_id"]
    c.authorise(cid, T0 + H)
    body = {"reviewed_at": z(T0 + 2 * H), "reviewer": INSPECTOR, "decision": "continue_detention"}
    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(
            r.status_code
            for r in pool.map(lambda _: c.post(f"/custody-records/{cid}/reviews", body), range(6))
        )
    assert statuses == [200] * 6  # each review is a separate, lawful entry; none lost
    assert c.record(cid)["version"] == 2 + 6


def test_times_with_offsets_are_read_as_instants(c, records):
    n = records.add_nominal(surname="Offset")
    body = booking(detainee={"nominal_id": n["nominal_id"]})
    body["arrived_at"] = "2025-03-04T11:00:00+01:00"  # = T0 in UTC
    body["arrest"]["arrested_at"] = "2025-03-04T04:30:00-05:00"
    rec = c.book(body)
    assert rec["relevant_time"] == z(T0) and rec["arrest"]["arrested_at"] == z(T0 - 30 * M)
