"""The contracts suite's parts on their own: pact reading, state matching, scopes, the auth proxy,
operation templates and the wording of mismatches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.contracts.consumers import consumer_scopes
from harness.contracts.pactfile import PactFileError, load_pact, pacts_dir, standard_pacts
from harness.contracts.proxy import AuthProxy
from harness.contracts.states import UnknownState, catalogue, find, set_up
from harness.contracts.translate import mismatch_lines, operation_of
from simulators.core.server import ServerThread, free_port


def test_every_standard_pact_is_a_v4_http_pact_with_error_cases() -> None:
    pairs = {
        (p.consumer, p.provider): p
        for role in ("records", "custody", "intelligence")
        for p in standard_pacts(role)
    }
    assert set(pairs) >= {
        ("custody", "records"),
        ("records", "intelligence"),
        ("intelligence", "records"),
        ("records", "custody"),
        ("national-index", "records"),
        ("national-index", "custody"),
        ("national-index", "intelligence"),
        ("case-file", "records"),
        ("case-file", "custody"),
    }
    for pact in pairs.values():
        assert pact.document["metadata"]["pactSpecification"]["version"].startswith("4")
        assert len(pact.interactions) >= 4 and all(i.is_http and i.key for i in pact.interactions)
        statuses = {i.raw["response"]["status"] for i in pact.interactions}
        assert 401 in statuses and statuses & {400, 404}, pact.label  # unauthorised, invalid or not found
        tokenless = [i for i in pact.interactions if not i.sends_token]
        assert tokenless and all(i.raw["response"]["status"] == 401 for i in tokenless)


def test_every_provider_state_in_the_standard_pacts_can_be_set_up() -> None:
    for role in ("records", "custody", "intelligence"):
        for pact in standard_pacts(role):
            for interaction in pact.interactions:
                for state in interaction.states:
                    assert find(role, state.name), f"{pact.label}: no handler for {state.name!r}"


def test_state_names_match_loosely_and_unknown_ones_list_the_catalogue() -> None:
    hit = find("records", "A  nominal with PNC ID 2019/0012345G   exists")
    assert hit is not None and hit[1] == {"pnc_id": "2019/0012345G"}
    assert find("custody", "a nominal with PNC ID 2019/0012345G exists") is None  # per role
    with pytest.raises(UnknownState, match="a crime occurrence exists"):
        set_up(None, "records", "the moon is full", {})  # type: ignore[arg-type]
    assert set_up(None, "records", "", {}) == {}  # type: ignore[arg-type]  # the verifier's empty state
    assert len(catalogue("intelligence")) >= 5


def test_pact_files_are_checked_before_use(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(PactFileError, match="not a JSON pact file"):
        load_pact(bad)
    bad.write_text(json.dumps({"consumer": {"name": "x"}, "interactions": []}))
    with pytest.raises(PactFileError, match="provider.name"):
        load_pact(bad)
    v2 = tmp_path / "v2.json"
    v2.write_text(
        json.dumps(
            {
                "consumer": {"name": "old"},
                "provider": {"name": "records"},
                "interactions": [
                    {
                        "description": "d",
                        "providerState": "a nominal exists",
                        "request": {"method": "get", "path": "/nominals"},
                        "response": {"status": 200},
                    }
                ],
            }
        )
    )
    (interaction,) = load_pact(v2).interactions
    assert (
        interaction.states[0].name == "a nominal exists"
        and interaction.method == "GET"
        and interaction.is_http
    )


def test_a_single_interaction_copy_keeps_the_pacts_metadata(tmp_path: Path) -> None:
    pact = load_pact(pacts_dir() / "records-intelligence.json")
    copy = json.loads(pact.single(pact.interactions[1], tmp_path).read_text())
    assert copy["metadata"] == pact.document["metadata"] and copy["interactions"] == [
        pact.interactions[1].raw
    ]


def test_consumers_are_verified_with_the_scopes_their_clients_hold() -> None:
    assert consumer_scopes("custody", "records") == ["records:read", "records:write"]
    assert consumer_scopes("records", "intelligence") == ["intelligence:indicator"]
    assert consumer_scopes("national-index", "intelligence") == ["intelligence:read"]  # never restricted
    assert consumer_scopes("case-file", "custody") == ["custody:read"]
    assert consumer_scopes("acme-custody", "records") == [
        "records:read",
        "records:write",
    ]  # the vendor client


def test_operations_are_named_by_the_standards_templates() -> None:
    assert (
        operation_of("records", "GET", "/nominals/2b1f0c8e-4d1a-4c3e-9a57-3f4a8e2d9c10")
        == "GET /nominals/{nominal_id}"
    )
    assert operation_of("records", "GET", "/nominals?pnc_id=1") == "GET /nominals"
    assert (
        operation_of("records", "POST", "/occurrences/x/custody-outcomes")
        == "POST /occurrences/{occurrence_id}/custody-outcomes"
    )
    assert (
        operation_of("custody", "GET", "/custody-records/LS-2025-000123")
        == "GET /custody-records/{custody_id}"
    )
    assert operation_of("records", "GET", "/people/7") == "GET /people/7"  # not in the standard: as sent


def test_mismatches_read_as_expected_versus_got_once_per_field() -> None:
    error: dict[str, Any] = {
        "mismatch": {
            "type": "mismatches",
            "mismatches": [
                {"type": "StatusMismatch", "expected": 200, "actual": 404},
                {
                    "type": "HeaderMismatch",
                    "key": "Content-Type",
                    "expected": "application/json",
                    "actual": "text/html",
                    "mismatch": "...",
                },
                {
                    "type": "BodyMismatch",
                    "path": "$.items[0]",
                    "expected": "{}",
                    "actual": "{}",
                    "mismatch": "Actual map is missing the following keys: surname",
                },
                {
                    "type": "BodyMismatch",
                    "path": "$.items[3]",
                    "expected": "{}",
                    "actual": "{}",
                    "mismatch": "Actual map is missing the following keys: surname",
                },
                {
                    "type": "BodyMismatch",
                    "path": "$.date_of_birth",
                    "expected": '"14/07/1990"',
                    "actual": '"1990-07-14"',
                    "mismatch": "Expected '1990-07-14' to match '^[0-9]{2}/[0-9]{2}/[0-9]{4}$'",
                },
            ],
        }
    }
    assert mismatch_lines(error) == [
        "status: expected 200, got 404",
        "header Content-Type: expected application/json, got text/html",
        "body $.items[*]: required field(s) missing: surname (in 2 items)",
        "body $.date_of_birth: Expected '1990-07-14' to match '^[0-9]{2}/[0-9]{2}/[0-9]{4}$' "
        '(expected "14/07/1990", got "1990-07-14")',
    ]
    assert mismatch_lines({"mismatch": {"type": "error", "message": "boom"}}) == ["verifier error: boom"]


def _echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = json.dumps(
        {
            "authorization": environ.get("HTTP_AUTHORIZATION"),
            "uri": environ.get("REQUEST_URI"),
            "body": environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode(),
        }
    ).encode()
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def test_the_proxy_swaps_tokens_keeps_tokenless_requests_tokenless_and_records_exchanges() -> None:
    with ServerThread(_echo) as target:
        proxy = AuthProxy(target.url).start()
        proxy.token = "real-token"
        try:
            with_token = requests.post(
                proxy.url + "/nominals?surname=O%27Brien",
                json={"forenames": ["Zoë"]},
                headers={"Authorization": "Bearer example"},
                timeout=10,
            )
            without = requests.get(proxy.url + "/nominals/1", timeout=10)
            exchanges = proxy.take_exchanges()
        finally:
            proxy.stop()
    assert with_token.status_code == 201 and with_token.json()["authorization"] == "Bearer real-token"
    assert with_token.json()["uri"] == "/nominals?surname=O%27Brien"
    assert json.loads(with_token.json()["body"]) == {"forenames": ["Zoë"]}
    assert without.json()["authorization"] is None
    assert [e.status for e in exchanges] == [201, 201] and exchanges[0].headers[
        "Authorization"
    ] == "Bearer real-token"


def test_the_proxy_turns_a_dead_target_into_a_clear_answer() -> None:
    proxy = AuthProxy(f"http://127.0.0.1:{free_port()}").start()
    try:
        resp = requests.get(proxy.url + "/nominals", timeout=10)
        (exchange,) = proxy.take_exchanges()
    finally:
        proxy.stop()
    assert resp.status_code == 502 and resp.headers["Content-Type"] == "application/problem+json"
    assert exchange.error == "the target did not answer: connection refused or host unreachable"
