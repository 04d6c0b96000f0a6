"""The fixtures a vendor's tests get: tokens with the scopes asked for, the simulated clock on every
system, a reset back to the seeded world, and settings checked before anything changes. (Quirks
by mark, faults by indirect parameter, traffic by client and the typed clients are exercised by
the example vendor suite: tests/plugin/test_vendor_suite.py.)"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import requests

from harness.pytest_plugin.fixtures import _settings

NEW_PERSON = {
    "surname": "Fixture",
    "forenames": ["Test"],
    "date_of_birth": "1990-01-01",
    "sex": "female",
    "address": {"line1": "1 Test Street", "town": "Leeds", "postcode": "LS1 1AA"},
}


def test_a_token_carries_the_scopes_asked_for(interop_ecosystem, interop_token):
    url = interop_ecosystem.url("records")
    reader = {"Authorization": f"Bearer {interop_token('records:read')}"}
    assert requests.get(url + "/nominals", headers=reader, timeout=10).status_code == 200
    refused = requests.post(url + "/nominals", json=NEW_PERSON, headers=reader, timeout=10)
    assert refused.status_code == 403


def test_the_clock_moves_on_every_system(interop_ecosystem, interop_clock):
    start = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    interop_clock.set(start)
    interop_clock.advance(hours=6, minutes=1)
    assert {s: interop_clock.now(s) for s in interop_ecosystem.systems} == {
        s: datetime(2025, 1, 1, 15, 1, tzinfo=UTC) for s in interop_ecosystem.systems
    }
    interop_clock.reset()
    assert interop_clock.now().year >= 2026


def test_reset_brings_back_the_seeded_world(interop_ecosystem, interop_records_client):
    created = interop_records_client.create_nominal(NEW_PERSON)
    assert interop_records_client.get_nominal(created["nominal_id"]) is not None
    interop_ecosystem.reset("records")
    assert interop_records_client.get_nominal(created["nominal_id"]) is None


@pytest.mark.parametrize(
    "interop_ecosystem", [{"quirks": {"records": ["no-paging"]}}], indirect=True, ids=["no-paging"]
)
def test_an_indirect_parameter_gives_a_quirk_for_the_test(interop_ecosystem, interop_token):
    resp = requests.get(
        interop_ecosystem.url("records") + "/nominals",
        headers={"Authorization": f"Bearer {interop_token('records:read')}"},
        timeout=10,
    )
    assert isinstance(resp.json(), list)  # a bare array: the quirk is on


def test_unknown_settings_are_refused_by_name():
    mark = SimpleNamespace(kwargs={"quirk": {"custody": ["dates-dmy"]}})
    request = SimpleNamespace(node=SimpleNamespace(iter_markers=lambda name: iter([mark])))
    with pytest.raises(TypeError, match="unknown settings \\['quirk'\\]"):
        _settings(request)  # type: ignore[arg-type]
