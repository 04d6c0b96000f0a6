"""The three defects of standard 1.0.0 (issue 18, item 8), each shown fixed against the servers."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.embedded import EmbeddedEcosystem, embedded_ecosystem
from simulators.core.config import DEFAULT_POPULATION, DEFAULT_SEED
from simulators.core.spec import load_spec
from simulators.domain.identifiers import normalise_pnc_id
from tests.simkit import POPULATION_CACHE

PNC_PATTERN = load_spec("records")["components"]["schemas"]["PncIdInput"]["pattern"]


def test_short_pnc_id_without_slash_is_refused_by_the_pattern_as_by_the_server() -> None:
    value = "241234567K"  # short form without its slash: the server cannot tell it from a long one
    with pytest.raises(ValueError, match="slash"):
        normalise_pnc_id(value)
    assert re.search(PNC_PATTERN, value) is None
    assert re.search(PNC_PATTERN, "24/1234567K") and re.search(PNC_PATTERN, "20241234567K")


@settings(max_examples=300, derandomize=True, database=None)
@given(st.from_regex(PNC_PATTERN, fullmatch=True))
def test_every_value_the_pattern_admits_has_a_layout_the_server_accepts(value: str) -> None:
    """Pattern and server agree: whatever the pattern admits fails at the server only for its check letter."""
    try:
        normalise_pnc_id(value)
    except ValueError as exc:
        assert "check letter" in str(exc), f"{value!r}: {exc}"


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEcosystem]:
    """The default seeded world (`interop up`), which the documents' examples name."""
    with embedded_ecosystem(
        home=tmp_path_factory.mktemp("force"),
        population=DEFAULT_POPULATION,
        seed=DEFAULT_SEED,
        config_overrides={"population_cache": POPULATION_CACHE},
    ) as eco:
        yield eco


def headers(force: EmbeddedEcosystem, system: str, scopes: str, **extra: str) -> dict[str, str]:
    token = force.app(system).extensions["interop"].issuer.issue("defects", scopes.split())
    return {"Authorization": f"Bearer {token}", **extra}


def request_example(system: str, path: str, method: str, name: str) -> Any:
    op = load_spec(system)["paths"][path][method]
    return copy.deepcopy(op["requestBody"]["content"]["application/json"]["examples"][name]["value"])


def test_book_in_example_names_the_seeded_world_and_is_answered_201(force: EmbeddedEcosystem) -> None:
    body = request_example("custody", "/custody-records", "post", "known")
    answer = requests.post(
        force.urls["custody"] + "/custody-records",
        json=body,
        headers=headers(force, "custody", "custody:write custody:read"),
        timeout=30,
    )
    assert answer.status_code == 201, answer.text[:500]
    assert answer.json()["occurrence_id"] == body["occurrence_id"]
    assert answer.json()["detainee"]["pnc_id"] == body["detainee"]["pnc_id"]


def _fields(answer: requests.Response) -> list[str]:
    return [e.get("field") for e in answer.json().get("errors", [])]


@pytest.mark.parametrize("malformed", ["v1", "garbage", '"v1'])
def test_malformed_if_match_on_custody_is_400_naming_the_header(
    force: EmbeddedEcosystem, malformed: str
) -> None:
    url = force.urls["custody"]
    record = requests.get(
        url + "/custody-records?limit=1", headers=headers(force, "custody", "custody:read"), timeout=30
    ).json()["items"][0]
    review = request_example("custody", "/custody-records/{custody_id}/reviews", "post", "review")
    target = f"{url}/custody-records/{record['custody_id']}/reviews"
    bad = requests.post(
        target,
        json=review,
        headers=headers(force, "custody", "custody:write", **{"If-Match": malformed}),
        timeout=30,
    )
    assert bad.status_code == 400, bad.text[:500]
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    assert "header.If-Match" in _fields(bad)
    stale = requests.post(
        target,
        json=review,
        headers=headers(force, "custody", "custody:write", **{"If-Match": '"v999"'}),
        timeout=30,
    )
    assert stale.status_code == 412, stale.text[:500]  # a well-formed but old tag is still "changed"


@pytest.mark.parametrize("malformed", ["v1", "garbage", '"v1'])
def test_malformed_if_match_on_intelligence_is_400_naming_the_header(
    force: EmbeddedEcosystem, malformed: str
) -> None:
    url = force.urls["intelligence"]
    scopes = "intelligence:read intelligence:write"
    report = requests.get(
        url + "/reports?limit=1", headers=headers(force, "intelligence", scopes), timeout=30
    ).json()["items"][0]
    target = f"{url}/reports/{report['report_id']}"
    change = request_example("intelligence", "/reports/{report_id}", "patch", "regrade")
    bad = requests.patch(
        target,
        json=change,
        headers=headers(force, "intelligence", scopes, **{"If-Match": malformed}),
        timeout=30,
    )
    assert bad.status_code == 400, bad.text[:500]
    assert "header.If-Match" in _fields(bad)
    stale = requests.patch(
        target,
        json=change,
        headers=headers(force, "intelligence", scopes, **{"If-Match": '"v999"'}),
        timeout=30,
    )
    assert stale.status_code == 412, stale.text[:500]
