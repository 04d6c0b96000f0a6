"""Acme's consumer tests: the case-prep client against the range's reference custody system."""

from __future__ import annotations

import pytest
from acme_caseprep import CLIENT_ID, CasePrep, CasePrepError

SECRET = "case-file-secret"  # the reference ecosystem's public test secret for this client


@pytest.fixture
def detainee(interop_ecosystem, interop_token) -> str:
    """A person of the seeded population with at least one custody record."""
    import requests

    token = interop_token("custody:read")
    resp = requests.get(
        interop_ecosystem.url("custody") + "/custody-records",
        params={"limit": 1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["items"][0]["nominal_id"]


def test_reads_every_detention_of_a_person(interop_ecosystem, interop_custody_client, detainee):
    summary = CasePrep(interop_ecosystem.url("custody"), SECRET).detentions(detainee)

    reference = interop_custody_client.custody_history(detainee)  # the range's own typed client
    assert [d.custody_number for d in summary] == [r["custody_number"] for r in reference]
    assert all(d.arrived_at.tzinfo is not None for d in summary)


def test_sends_only_requests_the_standard_allows(interop_ecosystem, interop_traffic, detainee):
    CasePrep(interop_ecosystem.url("custody"), SECRET).detentions(detainee)

    # Its token request is logged too, under its client; the calls that matter are the business ones.
    sent = [
        x for x in interop_traffic("custody", client_id=CLIENT_ID) if x["operation"] != "POST /oauth/token"
    ]
    assert [(x["method"], x["operation"]) for x in sent] == [("GET", "GET /custody-records")]
    assert all(x["request_valid"] for x in sent), [x["errors"] for x in sent]


@pytest.mark.interop(quirks={"custody": ["dates-dmy"]})
def test_refuses_uk_display_dates_instead_of_guessing(interop_ecosystem, detainee):
    with pytest.raises(CasePrepError, match="not an ISO 8601 instant"):
        CasePrep(interop_ecosystem.url("custody"), SECRET).detentions(detainee)


@pytest.mark.parametrize(
    "interop_ecosystem", [{"faults": {"custody": {"down": True}}}], indirect=True, ids=["custody-down"]
)
def test_says_so_when_custody_is_down(interop_ecosystem):
    with pytest.raises(CasePrepError, match="custody"):
        CasePrep(interop_ecosystem.url("custody"), SECRET).detentions("any-id")
