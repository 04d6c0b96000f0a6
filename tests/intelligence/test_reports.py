"""Submitting, reading, searching and changing reports: every rule and error path."""

from __future__ import annotations

import uuid

from simulators.intelligence.context import intelligence_state
from tests.intelligence.conftest import READ, RESTRICTED, WRITE, call, new_report, nominal, submit


def test_submit_stores_a_graded_report_and_answers_in_the_callers_view(fresh, records_stub):
    nid = nominal(records_stub)
    r = submit(fresh, new_report([nid]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["ETag"] == '"v1"' and r.headers["Location"] == f"/reports/{body['report_id']}"
    assert (
        body["text_version"] == "sanitised"
        and body["text"] == "SUBJECT was seen loading boxes into a white van."
    )
    assert "source_type" not in body and "sanitised_text" not in body
    assert body["grading"] == {
        "scheme": "3x5x2",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "C",
        "handling_conditions": "Not to be shared outside the force.",
    }
    assert body["classification"] == "OFFICIAL-SENSITIVE" and body["classification_scheme"] == "GSC"
    assert body["subjects"] == [{"nominal_id": nid, "role": "subject"}]
    assert body["locations"] == [{"line1": "Elm Road", "line2": None, "town": "Leeds", "postcode": "LS6 2AB"}]
    assert body["reference"].startswith("INT-") and body["version"] == 1
    assert records_stub.state.lookups == [nid]
    # The default MoPI review date: six years after submission.
    submitted_year = int(body["submitted_at"][:4])
    assert body["review_date"].startswith(str(submitted_year + 6)) and body["review_overdue"] is False

    full = call(fresh, "GET", f"/reports/{body['report_id']}", RESTRICTED).json()
    assert full["text_version"] == "original" and full["text"].startswith("Mrs Jones at 14 Elm Road")
    assert full["sanitised_text"] == body["text"] and full["source_type"] == "member_of_public"


def test_a_restricted_writer_gets_the_original_view_back(fresh):
    r = submit(fresh, new_report(), scopes=f"{WRITE} {RESTRICTED}")
    assert r.status_code == 201 and r.json()["text_version"] == "original"


def test_references_are_sequential_per_year(fresh):
    a = submit(fresh, new_report()).json()["reference"]
    b = submit(fresh, new_report()).json()["reference"]
    assert a[:9] == b[:9] and int(b[9:]) == int(a[9:]) + 1


def test_grading_is_validated_exactly_with_a_named_rule(fresh):
    cases = {
        "GRD-3x5x2-source": {"source_evaluation": "A", "intelligence_assessment": "B", "handling_code": "P"},
        "GRD-3x5x2-assessment": {
            "source_evaluation": "1",
            "intelligence_assessment": "3",
            "handling_code": "P",
        },
        "GRD-3x5x2-handling": {
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "handling_code": "4",
        },
        "GRD-handling-conditions": {
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "handling_code": "C",
        },
        "GRD-handling-no-conditions": {
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "handling_code": "P",
            "handling_conditions": "keep it close",
        },
        "GRD-scheme-legacy": {
            "scheme": "5x5x5",
            "source_evaluation": "B",
            "intelligence_assessment": "3",
            "handling_code": "5",
        },
    }
    for rule, grading in cases.items():
        r = submit(fresh, new_report(grading=grading))
        assert r.status_code == 422, (rule, r.text)
        problem = r.json()
        assert problem["rule"] == rule and rule in problem["detail"] and problem["rules"] == [rule]
        assert r.headers["Content-Type"].startswith("application/problem+json")
    r = submit(
        fresh,
        new_report(grading={"source_evaluation": "Z", "intelligence_assessment": "A", "handling_code": "P"}),
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"].startswith("body.grading")
    assert call(fresh, "GET", "/events", READ).json()["items"] == []


def test_every_broken_rule_is_listed_in_one_answer(fresh):
    r = submit(
        fresh,
        new_report(
            grading={"source_evaluation": "E", "intelligence_assessment": "5", "handling_code": "C"},
            classification="PROTECT",
            review_date="2001-01-01",
        ),
    )
    assert r.status_code == 422
    assert set(r.json()["rules"]) == {
        "GRD-3x5x2-source",
        "GRD-3x5x2-assessment",
        "GRD-handling-conditions",
        "CLS-gpms-retired",
        "MOPI-review-date-past",
    }


def test_classification_rules(fresh):
    for marking in ("PROTECT", "RESTRICTED", "CONFIDENTIAL"):
        r = submit(fresh, new_report(classification=marking))
        assert r.status_code == 422 and r.json()["rule"] == "CLS-gpms-retired"
    r = submit(fresh, new_report(classification="SECRET"))
    assert r.status_code == 403 and r.json()["rule"] == "INT-classification-scope"
    r = submit(fresh, new_report(classification="TOP SECRET"), scopes=f"{WRITE} {RESTRICTED}")
    assert r.status_code == 201 and r.json()["classification"] == "TOP SECRET"
    assert submit(fresh, new_report(classification="UNCLASSIFIED")).status_code == 400


def test_review_date_rules(fresh):
    today = call(fresh, "GET", "/health").json()["time"][:10]
    year, rest = int(today[:4]), today[4:]
    assert submit(fresh, new_report(review_date=today)).status_code == 201
    r = submit(fresh, new_report(review_date=f"{year - 1}{rest}"))
    assert r.status_code == 422 and r.json()["rule"] == "MOPI-review-date-past"
    r = submit(fresh, new_report(review_date=f"{year + 11}{rest}"))
    assert r.status_code == 422 and r.json()["rule"] == "MOPI-review-interval"
    assert submit(fresh, new_report(review_date="2030-02-30")).status_code == 400


def test_subjects_are_checked_in_records(fresh, records_stub):
    known, merged_away = nominal(records_stub), str(uuid.uuid4())
    records_stub.state.merged[merged_away] = known
    r = submit(fresh, new_report([merged_away]))
    assert r.status_code == 201 and r.json()["subjects"][0]["nominal_id"] == known  # the survivor

    unknown = str(uuid.uuid4())
    r = submit(fresh, new_report([known, unknown]))
    assert r.status_code == 422 and r.json()["rule"] == "INT-subject-unknown"
    assert r.json()["errors"][0]["field"] == "subjects[1].nominal_id"

    r = submit(fresh, new_report([known, known]))
    assert r.status_code == 422 and r.json()["rule"] == "INT-subject-duplicate"
    r = submit(fresh, new_report([known, merged_away]))  # the same person once merges are resolved
    assert r.status_code == 422 and r.json()["rule"] == "INT-subject-duplicate"


def test_records_down_means_nothing_is_written(fresh, records_stub):
    nid = nominal(records_stub)
    records_stub.state.down = True
    before = call(fresh, "GET", "/reports?limit=200", RESTRICTED).json()["items"]
    r = submit(fresh, new_report([nid]))
    assert r.status_code in (502, 503) and r.json()["upstream"]["system"] == "records"
    assert "Nothing was changed" in r.json()["detail"]
    assert call(fresh, "GET", "/reports?limit=200", RESTRICTED).json()["items"] == before
    assert call(fresh, "GET", "/events", RESTRICTED).json()["items"] == []


def test_records_unreachable_is_a_gateway_problem(tmp_path):
    from tests.simkit import start_system

    running = start_system(
        "intelligence",
        tmp_path,
        population=0,
        load_population=False,
        peers={"records": "http://127.0.0.1:9"},
        peer_timeout=1.0,
    )
    try:
        r = submit(running, new_report([str(uuid.uuid4())]))
        assert r.status_code in (502, 503, 504) and r.json()["upstream"]["system"] == "records"
        # Without subjects no records call is needed.
        assert submit(running, new_report([])).status_code == 201
    finally:
        running.stop()


def test_locations_postcodes_are_canonical_or_refused(fresh):
    r = submit(
        fresh,
        new_report(
            locations=[
                {"line1": "Junction 3", "town": "Leeds"},
                {"line1": "Field", "town": "Otley", "postcode": "not a code"},
            ]
        ),
    )
    assert r.status_code == 400 and r.json()["rule"] == "LOC-postcode"
    r = submit(fresh, new_report(locations=[{"line1": "Junction 3", "town": "Leeds", "postcode": None}]))
    assert r.status_code == 201 and r.json()["locations"][0]["postcode"] is None


def test_input_the_schema_forbids_is_a_400(fresh):
    for bad in (
        new_report(original_text=""),
        new_report(sanitised_text="   "),
        new_report(original_text="x" * 10001),
        new_report(original_text="nul \u0000 char"),
        {**new_report(), "original_text_extra": "x"},
        new_report(source_type="informant"),
        new_report(subjects=[{"nominal_id": "not-a-uuid", "role": "subject"}]),
    ):
        r = submit(fresh, bad)
        assert r.status_code == 400, r.text
    r = call(fresh, "POST", "/reports", WRITE, data="{}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = call(fresh, "POST", "/reports", WRITE, data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_lone_surrogates_are_refused_not_a_server_error(fresh):
    raw = (
        '{"source_type": "chis", "grading": {"source_evaluation": "1", "intelligence_assessment": "A", '
        '"handling_code": "P"}, "classification": "OFFICIAL", "original_text": "bad \\ud800 text", '
        '"sanitised_text": "ok"}'
    )
    r = call(fresh, "POST", "/reports", WRITE, data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_get_unknown_or_malformed_report(fresh):
    r = call(fresh, "GET", f"/reports/{uuid.uuid4()}", READ)
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("application/problem+json")
    assert call(fresh, "GET", "/reports/not-a-uuid", READ).status_code == 400
    assert call(fresh, "GET", f"/reports/{uuid.uuid4()}").status_code == 401
    assert call(fresh, "GET", f"/reports/{uuid.uuid4()}", WRITE).status_code == 403


def test_patch_needs_if_match_and_keeps_every_version(fresh, records_stub):
    created = submit(fresh, new_report()).json()
    rid = created["report_id"]
    path = f"/reports/{rid}"
    r = call(fresh, "PATCH", path, WRITE, json={"sanitised_text": "Changed."})
    assert r.status_code == 428 and r.json()["rule"] == "INT-if-match"
    r = call(fresh, "PATCH", path, WRITE, json={"sanitised_text": "Changed."}, headers={"If-Match": '"v7"'})
    assert r.status_code == 412 and r.json()["rule"] == "INT-if-match"
    r = call(fresh, "PATCH", path, WRITE, json={"sanitised_text": "Changed."}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"v2"'
    assert r.json()["version"] == 2 and r.json()["text"] == "Changed."
    assert (
        r.json()["submitted_at"] == created["submitted_at"] and r.json()["reference"] == created["reference"]
    )
    # The same change again alters nothing: no new version.
    r = call(fresh, "PATCH", path, WRITE, json={"sanitised_text": "Changed."}, headers={"If-Match": '"v2"'})
    assert r.status_code == 200 and r.json()["version"] == 2
    # Stale ETag after a change.
    r = call(fresh, "PATCH", path, WRITE, json={"sanitised_text": "Again."}, headers={"If-Match": '"v1"'})
    assert r.status_code == 412
    versions = intelligence_state(fresh.ctx).versions
    with fresh.ctx.db.session() as s:
        kept = s.execute(versions.select().where(versions.c.report_id == rid)).all()
    assert [(v.version, v.snapshot["sanitised_text"]) for v in kept] == [(1, created["text"])]
    assert kept[0].snapshot["original_text"].startswith("Mrs Jones")
    r = call(fresh, "PATCH", path, WRITE, json={}, headers={"If-Match": '"v2"'})
    assert r.status_code == 400
    r = call(
        fresh,
        "PATCH",
        f"/reports/{uuid.uuid4()}",
        WRITE,
        json={"sanitised_text": "x"},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 404


def test_patch_rules(fresh, records_stub):
    rid = submit(fresh, new_report()).json()["report_id"]
    path, etag = f"/reports/{rid}", {"If-Match": '"v1"'}
    for field, value in (("original_text", "New original."), ("source_type", "chis")):
        r = call(fresh, "PATCH", path, WRITE, json={field: value}, headers=etag)
        assert r.status_code == 403 and r.json()["rule"] == "INT-restricted-field"
    r = call(fresh, "PATCH", path, WRITE, json={"classification": "SECRET"}, headers=etag)
    assert r.status_code == 403 and r.json()["rule"] == "INT-classification-scope"
    r = call(fresh, "PATCH", path, WRITE, json={"classification": "RESTRICTED"}, headers=etag)
    assert r.status_code == 422 and r.json()["rule"] == "CLS-gpms-retired"
    r = call(
        fresh,
        "PATCH",
        path,
        WRITE,
        headers=etag,
        json={
            "grading": {
                "scheme": "5x5x5",
                "source_evaluation": "A",
                "intelligence_assessment": "1",
                "handling_code": "1",
            }
        },
    )
    assert r.status_code == 422 and r.json()["rule"] == "GRD-scheme-legacy"
    r = call(fresh, "PATCH", path, WRITE, json={"review_date": "2000-01-01"}, headers=etag)
    assert r.status_code == 422 and r.json()["rule"] == "MOPI-review-date-past"
    r = call(
        fresh,
        "PATCH",
        path,
        WRITE,
        json={"subjects": [{"nominal_id": str(uuid.uuid4()), "role": "subject"}]},
        headers=etag,
    )
    assert r.status_code == 422 and r.json()["rule"] == "INT-subject-unknown"
    assert call(fresh, "GET", path, READ).json()["version"] == 1  # nothing was written

    nid = nominal(records_stub)
    r = call(
        fresh,
        "PATCH",
        path,
        f"{WRITE} {RESTRICTED}",
        headers=etag,
        json={
            "original_text": "A new original.",
            "source_type": "chis",
            "classification": "SECRET",
            "subjects": [{"nominal_id": nid, "role": "associate"}],
            "organisations": [],
            "grading": {"source_evaluation": "1", "intelligence_assessment": "A", "handling_code": "P"},
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["text"] == "A new original." and body["source_type"] == "chis"
    assert body["classification"] == "SECRET" and body["subjects"] == [
        {"nominal_id": nid, "role": "associate"}
    ]
    assert body["grading"]["handling_conditions"] is None and body["organisations"] == []


def test_historic_legacy_grading_is_kept_until_regraded(fresh):
    page = call(fresh, "GET", "/reports?grading_scheme=5x5x5&limit=1", f"{READ} {WRITE}").json()
    assert page["items"], "the population should hold historic 5x5x5 reports"
    report = page["items"][0]
    path = f"/reports/{report['report_id']}"
    etag = {"If-Match": f'"v{report["version"]}"'}
    # Sending the historic grading and marking back unchanged (read-modify-write) is not regrading.
    r = call(
        fresh,
        "PATCH",
        path,
        WRITE,
        headers=etag,
        json={
            "sanitised_text": "Reviewed and retained.",
            "grading": report["grading"],
            "classification": report["classification"],
        },
    )
    assert r.status_code == 200 and r.json()["grading"] == report["grading"]
    assert r.json()["classification"] == report["classification"]  # a legacy marking stays as it was
    etag = {"If-Match": r.headers["ETag"]}
    r = call(
        fresh,
        "PATCH",
        path,
        WRITE,
        headers=etag,
        json={"grading": {"source_evaluation": "2", "intelligence_assessment": "C", "handling_code": "P"}},
    )
    assert r.status_code == 200 and r.json()["grading"]["scheme"] == "3x5x2"


def test_search_filters(fresh, records_stub):
    nid = nominal(records_stub)
    graded = {"source_evaluation": "3", "intelligence_assessment": "E", "handling_code": "P"}
    mine = submit(fresh, new_report([nid], grading=graded, sanitised_text="Zebra crossing Quokka")).json()
    h = READ

    def ids(query: str) -> list[str]:
        r = call(fresh, "GET", f"/reports?{query}", h)
        assert r.status_code == 200, r.text
        return [i["report_id"] for i in r.json()["items"]]

    assert ids(f"subject={nid}") == [mine["report_id"]]
    assert ids(f"subject={nid.upper()}") == [mine["report_id"]]
    assert mine["report_id"] in ids("source_evaluation=3&intelligence_assessment=E&handling_code=P&limit=200")
    assert mine["report_id"] not in ids("source_evaluation=1&limit=200")
    assert ids("q=quokka%20ZEBRA") == [mine["report_id"]]
    assert ids("q=quokka%20giraffe") == []
    odd = submit(fresh, new_report(sanitised_text="Seen 100% of nights; code a_b.")).json()["report_id"]
    assert ids("q=100%25") == [odd] and ids("q=a_b") == [odd]
    assert ids("q=%25%25") == [] and ids("q=a%25b") == [] and ids("q=1_0") == []  # wildcards are literal
    at = mine["submitted_at"].replace("+00:00", "Z")
    assert mine["report_id"] in ids(f"submitted_from={at}&limit=200")
    assert mine["report_id"] not in ids(f"submitted_to={at}&limit=200")
    r = call(
        fresh, "GET", "/reports?submitted_from=2026-01-02T00:00:00Z&submitted_to=2026-01-01T00:00:00Z", h
    )
    assert r.status_code == 400
    assert call(fresh, "GET", "/reports?submitted_from=0001-01-01T00:00:00%2B01:00", h).status_code == 400
    assert call(fresh, "GET", "/reports?submitted_from=2026-13-01T00:00:00Z", h).status_code == 400
    assert call(fresh, "GET", "/reports?source_evaluation=9", h).status_code == 400
    assert call(fresh, "GET", "/reports?subject=nope", h).status_code == 400


def test_search_pages_in_submission_order(fresh):
    h = RESTRICTED
    for _ in range(3):
        submit(fresh, new_report())
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = call(fresh, "GET", "/reports", h, params=params).json()
        seen.extend(page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            assert page["links"]["next"] is None
            break
        assert "cursor=" in page["links"]["next"]
    assert pages > 1 and len({i["report_id"] for i in seen}) == len(seen)
    times = [i["submitted_at"] for i in seen]
    assert times == sorted(times)
    assert call(fresh, "GET", "/reports?cursor=WzFd", h).status_code == 400  # a forged cursor
    assert call(fresh, "GET", "/reports?cursor=!!", h).status_code == 400


def test_patch_accepts_merge_patch_and_any_version(fresh):
    rid = submit(fresh, new_report()).json()["report_id"]
    r = call(
        fresh,
        "PATCH",
        f"/reports/{rid}",
        WRITE,
        data='{"sanitised_text": "Merge-patched."}',
        headers={"If-Match": "*", "Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 200 and r.json()["text"] == "Merge-patched." and r.headers["ETag"] == '"v2"'
    r = call(
        fresh,
        "PATCH",
        f"/reports/{rid}",
        WRITE,
        data='{"sanitised_text": "x"}',
        headers={"If-Match": '"v2"', "Content-Type": "text/plain"},
    )
    assert r.status_code == 415
