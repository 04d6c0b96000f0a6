"""The same behaviour on PostgreSQL (the shared, multi-process storage)."""

from __future__ import annotations

import pytest

from tests.intelligence.conftest import (
    INDICATOR,
    READ,
    RESTRICTED,
    WRITE,
    call,
    close_peer_clients,
    new_report,
    nominal,
    submit,
)
from tests.simkit import start_system

pytestmark = pytest.mark.postgres


def test_reports_feed_audit_and_search_on_postgres(tmp_path, postgres_url, records_stub):
    running = start_system(
        "intelligence", tmp_path, population=60, db_url=postgres_url, peers={"records": records_stub.url}
    )
    try:
        assert running.sim("POST", "/reset").status_code == 200
        nid = nominal(records_stub)
        a = submit(running, new_report([nid], sanitised_text="Tartan Pelican 100% seen"))
        assert a.status_code == 201, a.text
        rid = a.json()["report_id"]
        secret = submit(
            running,
            new_report([nid], classification="SECRET", original_text="Qzpgsecret text"),
            scopes=f"{WRITE} {RESTRICTED}",
        ).json()["report_id"]
        r = call(
            running,
            "PATCH",
            f"/reports/{rid}",
            WRITE,
            json={"sanitised_text": "Tartan Pelican again"},
            headers={"If-Match": a.headers["ETag"]},
        )
        assert r.status_code == 200 and r.json()["version"] == 2
        found = call(running, "GET", "/reports", READ, params={"q": "pelican tartan"}).json()["items"]
        assert [i["report_id"] for i in found] == [rid]
        assert call(running, "GET", "/reports", READ, params={"q": "qzpgsecret"}).json()["items"] == []
        hits = call(running, "GET", "/reports", RESTRICTED, params={"q": "qzpgsecret"}).json()["items"]
        assert [i["report_id"] for i in hits] == [secret]
        page = call(running, "GET", "/reports", READ, params={"subject": nid, "limit": 1}).json()
        assert [i["report_id"] for i in page["items"]] == [rid] and page["next_cursor"] is None
        assert call(running, "GET", "/reports", READ, params={"cursor": "WzFd"}).status_code == 400
        events = call(running, "GET", "/events", READ).json()["items"]
        assert [(e["type"], e["resource"]["id"]) for e in events] == [
            ("report.created", rid),
            ("report.updated", rid),
        ]
        assert call(running, "GET", "/events", READ, params={"after": "WyJ4Il0"}).status_code == 400
        assert (
            call(running, "GET", "/events", READ, params={"type": "report.created,a\u0000b"}).status_code
            == 200
        )
        assert call(running, "GET", "/events", READ, params={"type": "a\u0000b"}).json()["items"] == []
        assert (
            call(running, "GET", f"/nominals/{nid}/indicator", INDICATOR).json()["intelligence_held"] is True
        )
        audit = call(running, "GET", "/audit", "intelligence:audit", params={"report_id": rid}).json()[
            "items"
        ]
        assert [a["operation"] for a in audit] == ["create", "update", "search", "search"]
        assert (
            call(running, "GET", "/audit", "intelligence:audit", params={"cursor": "WyJ4Il0"}).status_code
            == 400
        )
        r = call(running, "POST", "/reports", WRITE, json=new_report(original_text="nul \u0000"))
        assert r.status_code == 400
    finally:
        close_peer_clients(running)
        running.stop()
