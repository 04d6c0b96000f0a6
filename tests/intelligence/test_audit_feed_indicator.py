"""Need-to-know audit, the change feed and the yes/no indicator."""

from __future__ import annotations

import uuid

from tests.intelligence.conftest import (
    AUDIT,
    INDICATOR,
    READ,
    RESTRICTED,
    WRITE,
    call,
    new_report,
    nominal,
    submit,
)


def audit(sim, **params):
    r = call(sim, "GET", "/audit", AUDIT, params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_every_read_is_audited_in_the_same_request(fresh, records_stub):
    nid = nominal(records_stub)
    created = submit(fresh, new_report([nid]), client_id="writer").json()
    rid = created["report_id"]
    secret = submit(
        fresh, new_report(classification="SECRET"), scopes=f"{WRITE} {RESTRICTED}", client_id="writer"
    ).json()["report_id"]

    call(fresh, "GET", f"/reports/{rid}", READ, client_id="alice")
    found = call(fresh, "GET", "/reports", READ, client_id="bob", params={"limit": 200}).json()["items"]
    call(fresh, "GET", f"/reports/{rid}", RESTRICTED, client_id="carol")
    call(fresh, "GET", f"/reports/{secret}", READ, client_id="dave")
    call(fresh, "GET", f"/reports/{uuid.uuid4()}", READ, client_id="erin")  # nothing there: nothing to audit
    call(fresh, "GET", f"/nominals/{nid}/indicator", INDICATOR, client_id="records-system")
    r = call(
        fresh,
        "PATCH",
        f"/reports/{rid}",
        WRITE,
        client_id="frank",
        json={"sanitised_text": "New."},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 200
    call(fresh, "GET", f"/reports/{rid}", READ, client_id="alice")

    def rows(client):
        return [
            (a["operation"], a["outcome"], a["report_id"], a["version"], a["text_version"])
            for a in audit(fresh, client_id=client)
        ]

    assert rows("writer") == [
        ("create", "shown", rid, 1, "sanitised"),
        ("create", "shown", secret, 1, "original"),
    ]
    assert rows("alice") == [("read", "shown", rid, 1, "sanitised"), ("read", "shown", rid, 2, "sanitised")]
    assert sorted(rows("bob")) == sorted(
        ("search", "shown", i["report_id"], i["version"], "sanitised") for i in found
    )
    assert secret not in {i["report_id"] for i in found} and len(found) >= 2
    assert rows("carol") == [("read", "shown", rid, 1, "original")]
    assert rows("dave") == [("read", "denied", secret, 1, None)]
    assert rows("erin") == []
    assert rows("frank") == [("update", "shown", rid, 2, "sanitised")]
    (asked,) = audit(fresh, client_id="records-system")
    assert asked["operation"] == "indicator" and asked["nominal_id"] == nid and asked["report_id"] is None
    assert all(a["token_id"] and a["at"] for a in audit(fresh))

    by_report = audit(fresh, report_id=rid)
    assert {a["client_id"] for a in by_report} == {"writer", "alice", "bob", "carol", "frank"}
    assert [a["client_id"] for a in audit(fresh, operation="indicator")] == ["records-system"]
    assert [a["client_id"] for a in audit(fresh, nominal_id=nid.upper())] == ["records-system"]


def test_audit_is_paged_and_needs_the_audit_scope(fresh):
    for _ in range(3):
        submit(fresh, new_report())
    first = call(fresh, "GET", "/audit", AUDIT, params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = call(fresh, "GET", "/audit", AUDIT, params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [a["audit_id"] for a in rest["items"]] == ["3"] and rest["next_cursor"] is None
    for scopes in (READ, RESTRICTED, WRITE, INDICATOR):
        assert call(fresh, "GET", "/audit", scopes).status_code == 403
    assert call(fresh, "GET", "/audit").status_code == 401
    assert call(fresh, "GET", "/audit", AUDIT, params={"cursor": "WyJ4Il0"}).status_code == 400
    assert call(fresh, "GET", "/audit", AUDIT, params={"operation": "delete"}).status_code == 400


def test_feed_starts_empty_after_the_load_and_follows_changes(fresh):
    assert call(fresh, "GET", "/events", READ).json()["items"] == []
    a = submit(fresh, new_report())
    rid = a.json()["report_id"]
    call(
        fresh,
        "PATCH",
        f"/reports/{rid}",
        WRITE,
        json={"sanitised_text": "Changed."},
        headers={"If-Match": a.headers["ETag"]},
    )
    first = call(fresh, "GET", "/events", READ, params={"limit": 1}).json()
    (created,) = first["items"]
    assert created["type"] == "report.created" and created["resource"] == {
        "type": "report",
        "id": rid,
        "href": f"/reports/{rid}",
    }
    assert created["data"] == {"version": 1}
    rest = call(fresh, "GET", "/events", READ, params={"after": first["next_cursor"]}).json()
    assert [(e["type"], e["data"]) for e in rest["items"]] == [("report.updated", {"version": 2})]
    tail = call(fresh, "GET", "/events", READ, params={"after": rest["next_cursor"]}).json()
    assert tail["items"] == [] and tail["next_cursor"] == rest["next_cursor"]
    assert [
        e["type"]
        for e in call(fresh, "GET", "/events", READ, params={"type": "report.updated"}).json()["items"]
    ] == ["report.updated"]
    assert call(fresh, "GET", "/events", READ, params={"after": "WyJ4Il0"}).status_code == 400
    assert call(fresh, "GET", "/events", WRITE).status_code == 403


def test_lowering_a_marking_releases_the_report_to_lesser_readers(fresh):
    writer = f"{WRITE} {RESTRICTED}"
    s = submit(fresh, new_report(classification="SECRET"), scopes=writer)
    rid = s.json()["report_id"]
    assert call(fresh, "GET", "/events", READ).json()["items"] == []
    assert call(fresh, "GET", f"/reports/{rid}", READ).status_code == 404
    r = call(
        fresh,
        "PATCH",
        f"/reports/{rid}",
        writer,
        json={"classification": "OFFICIAL"},
        headers={"If-Match": s.headers["ETag"]},
    )
    assert r.status_code == 200
    events = call(fresh, "GET", "/events", READ).json()["items"]
    assert [(e["type"], e["resource"]["id"]) for e in events] == [("report.updated", rid)]
    assert call(fresh, "GET", f"/reports/{rid}", READ).json()["text_version"] == "sanitised"


def test_indicator_is_yes_or_no_only(fresh, records_stub):
    nid, other = nominal(records_stub), nominal(records_stub)
    submit(fresh, new_report([nid], classification="TOP SECRET"), scopes=f"{WRITE} {RESTRICTED}")
    r = call(fresh, "GET", f"/nominals/{nid}/indicator", INDICATOR)
    assert r.status_code == 200 and r.json() == {"nominal_id": nid, "intelligence_held": True}
    assert (
        call(fresh, "GET", f"/nominals/{nid.upper()}/indicator", INDICATOR).json()["intelligence_held"]
        is True
    )
    assert call(fresh, "GET", f"/nominals/{other}/indicator", INDICATOR).json()["intelligence_held"] is False
    assert call(fresh, "GET", "/nominals/nope/indicator", INDICATOR).status_code == 400
    for scopes in (READ, RESTRICTED, WRITE, AUDIT):
        assert call(fresh, "GET", f"/nominals/{nid}/indicator", scopes).status_code == 403


def test_population_subjects_have_the_indicator(fresh):
    item = call(fresh, "GET", "/reports", RESTRICTED, params={"limit": 1}).json()["items"][0]
    nid = item["subjects"][0]["nominal_id"]
    assert call(fresh, "GET", f"/nominals/{nid}/indicator", INDICATOR).json()["intelligence_held"] is True


def test_faults_apply_to_intelligence_operations(fresh):
    assert fresh.sim("PUT", "/faults", json={"down": True}).status_code == 200
    r = call(fresh, "GET", "/reports", READ)
    assert r.status_code == 503 and r.headers["Retry-After"] == "30"
    assert call(fresh, "GET", "/health").status_code == 200
    fresh.sim("PUT", "/faults", json={"down": False})
    assert call(fresh, "GET", "/reports", READ).status_code == 200


def test_indicator_leak_quirk_plays_a_defective_product_that_the_contract_catches(fresh, records_stub):
    nid = nominal(records_stub)
    submit(fresh, new_report([nid], original_text="Qzquirkleak original words"))
    assert fresh.sim("PUT", "/quirks", json={"active": ["indicator-leak"]}).status_code == 200
    try:
        fresh.sim("DELETE", "/traffic")
        r = call(fresh, "GET", f"/nominals/{nid}/indicator", INDICATOR)
        assert r.status_code == 200 and r.json()["reports"][0]["text"] == "Qzquirkleak original words"
        (logged,) = fresh.sim("GET", "/traffic").json()["items"]
        assert logged["response_valid"] is False and "qzquirkleak" not in str(logged).casefold()
    finally:
        fresh.sim("PUT", "/quirks", json={"active": []})
        with fresh.ctx.db.transaction() as s:  # the deliberate breach must not fail the suite's final check
            s.execute(fresh.ctx.tables.traffic.delete())
    r = call(fresh, "GET", f"/nominals/{nid}/indicator", INDICATOR)
    assert set(r.json()) == {"nominal_id", "intelligence_held"}


def test_ignore_auth_quirk_still_never_shows_more_than_the_sanitised_view(fresh):
    created = submit(fresh, new_report(original_text="Qzignoreauth original words"))
    rid = created.json()["report_id"]
    secret = submit(fresh, new_report(classification="SECRET"), scopes=f"{WRITE} {RESTRICTED}").json()[
        "report_id"
    ]
    assert fresh.sim("PUT", "/quirks", json={"active": ["ignore-auth"]}).status_code == 200
    try:
        r = call(fresh, "GET", f"/reports/{rid}")
        assert r.status_code == 200 and r.json()["text_version"] == "sanitised"
        assert "qzignoreauth" not in r.text.casefold()
        assert call(fresh, "GET", f"/reports/{secret}").status_code == 404
    finally:
        fresh.sim("PUT", "/quirks", json={"active": []})
    assert call(fresh, "GET", f"/reports/{rid}").status_code == 401
    assert [a["outcome"] for a in audit(fresh, client_id="anonymous")] == ["shown", "denied"]
