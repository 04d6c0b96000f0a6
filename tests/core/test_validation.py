"""Requests are validated against the spec (naming the field); broken responses are caught."""

from __future__ import annotations

import requests

from tests.core.conftest import start_widgets


def test_missing_required_field_is_named(widgets):
    r = requests.post(
        widgets.url + "/widgets", json={"colour": "red"}, headers=widgets.headers("widgets:write")
    )
    assert r.status_code == 400
    assert {"field": "body.name", "message": '"name" is a required property'} in r.json()["errors"]


def test_unexpected_and_invalid_fields_are_named(widgets):
    r = requests.post(
        widgets.url + "/widgets",
        json={"name": "", "colour": "green", "extra": 1},
        headers=widgets.headers("widgets:write"),
    )
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"body.name", "body.colour", "body.extra"} <= fields


def test_invalid_request_changes_nothing(widgets):
    h = widgets.headers("widgets:read widgets:write")
    requests.post(widgets.url + "/widgets", json={"name": 5}, headers=h)
    assert requests.get(widgets.url + "/widgets", headers=h).json()["items"] == []


def test_response_that_breaks_the_spec_is_caught(tmp_path):
    broken = start_widgets(tmp_path, break_response=True)
    try:
        r = requests.post(
            broken.url + "/widgets", json={"name": "a"}, headers=broken.headers("widgets:write")
        )
        assert r.status_code == 500
        assert "breaks the standard" in r.json()["detail"]
        assert "widget_id" in r.json()["detail"]
        bad = broken.invalid_responses()
        assert len(bad) == 1 and bad[0]["operation"] == "POST /widgets"
    finally:
        broken.stop(check_responses=False)


def test_response_validation_can_log_only(tmp_path):
    broken = start_widgets(tmp_path, break_response=True, response_validation="log")
    try:
        r = requests.post(
            broken.url + "/widgets", json={"name": "a"}, headers=broken.headers("widgets:write")
        )
        assert r.status_code == 201 and r.json()["widget_id"] == "1"
        assert broken.invalid_responses()  # still recorded for the tests to see
    finally:
        broken.stop(check_responses=False)


def test_a_deferred_breach_is_logged_and_recorded_after_the_answer(tmp_path, caplog):
    """In "log" mode the traffic-log writer validates the response: the answer does not wait."""
    broken = start_widgets(tmp_path, break_response=True, response_validation="log")
    try:
        with caplog.at_level("ERROR", logger="interop.simulator"):
            r = requests.post(
                broken.url + "/widgets", json={"name": "a"}, headers=broken.headers("widgets:write")
            )
            assert r.status_code == 201
            bad = broken.invalid_responses()  # flushes: the writer validates, then stores
        assert len(bad) == 1 and bad[0]["response_valid"] is False
        assert any("response" in e for e in bad[0]["errors"])
        assert any("RESPONSE BREAKS widgets.yaml on POST /widgets" in m for m in caplog.messages)
    finally:
        broken.stop(check_responses=False)
