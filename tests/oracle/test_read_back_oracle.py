"""The intelligence and records oracles on crafted exchanges: gradings and identifiers read back as
sent, and no original view for a reader without the restricted scope."""

from __future__ import annotations

from harness.engine.events import CheckResult, Finding
from harness.oracle import DomainOracle
from tests.oracle.helpers import exchange, jwt

RID = "7d9e4c1a-2f3b-4a5c-8d6e-9f0a1b2c3d4e"
NID = "2f1e0d9c-8b7a-4c5d-9e3f-1a2b3c4d5e6f"
WRITER = jwt(["intelligence:read", "intelligence:write"])
RESTRICTED = jwt(["intelligence:read:restricted"])
SUBMITTED = {
    "scheme": "3x5x2",
    "source_evaluation": "2",
    "intelligence_assessment": "B",
    "handling_code": "C",
    "handling_conditions": " Not outside the force ",
}


def report(grading: dict, **extra) -> dict:
    return {
        "report_id": RID,
        "text_version": "sanitised",
        "text": "SUBJECT seen.",
        "grading": grading,
        "classification": "OFFICIAL",
        **extra,
    }


def results(oracle: DomainOracle, suite: str = "contracts") -> tuple[dict[str, CheckResult], list[Finding]]:
    events = oracle.drain(suite)
    return {e.requirement: e for e in events if isinstance(e, CheckResult)}, [
        e for e in events if isinstance(e, Finding)
    ]


def submit(oracle: DomainOracle, grading: dict) -> None:
    stored = {**grading, "handling_conditions": grading.get("handling_conditions", "").strip() or None}
    oracle.observe(
        exchange("POST", "/reports", report(stored), status=201, request={"grading": grading}, token=WRITER)
    )


def test_a_grading_read_back_as_submitted_passes_with_the_documented_normalisation():
    oracle = DomainOracle("intelligence")
    submit(oracle, SUBMITTED)
    stored = {**SUBMITTED, "handling_conditions": "Not outside the force"}
    oracle.observe(exchange("GET", f"/reports/{RID}", report(stored), token=WRITER))
    checks, findings = results(oracle)
    assert checks["GRD-scheme"].status == "passed" and not findings


def test_a_grading_changed_on_the_way_back_is_reported_naming_the_field():
    oracle = DomainOracle("intelligence")
    submit(oracle, SUBMITTED)
    oracle.observe(
        exchange(
            "GET", "/reports", {"items": [report({**SUBMITTED, "source_evaluation": "1"})]}, token=WRITER
        )
    )
    checks, findings = results(oracle)
    assert checks["GRD-scheme"].status == "failed"
    assert "grading.source_evaluation is '1', but '2' was submitted" in findings[0].detail


def test_a_regrade_replaces_what_is_expected():
    oracle = DomainOracle("intelligence")
    submit(oracle, SUBMITTED)
    regraded = {"source_evaluation": "1", "intelligence_assessment": "A", "handling_code": "P"}
    oracle.observe(
        exchange(
            "PATCH",
            f"/reports/{RID}",
            report({**regraded, "scheme": "3x5x2"}),
            request={"grading": regraded},
            token=WRITER,
        )
    )
    oracle.observe(
        exchange(
            "GET",
            f"/reports/{RID}",
            report({**regraded, "scheme": "3x5x2", "handling_conditions": None}),
            token=WRITER,
        )
    )
    checks, findings = results(oracle)
    assert checks["GRD-scheme"].status == "passed", findings


def test_the_original_view_shown_to_a_lesser_reader_is_reported():
    oracle = DomainOracle("intelligence")
    leaked = report(SUBMITTED, text_version="original", source_type="chis", sanitised_text="SUBJECT seen.")
    oracle.observe(exchange("GET", f"/reports/{RID}", leaked, token=WRITER))
    oracle.observe(exchange("GET", f"/reports/{RID}", leaked, token=RESTRICTED))  # allowed
    oracle.observe(exchange("GET", f"/reports/{RID}", leaked, token="opaque-token"))  # cannot be judged
    checks, findings = results(oracle)
    assert checks["INT-restricted-field"].message == "1 responses checked, 1 broke it"
    assert "source_type, sanitised_text" in findings[0].detail
    assert "$TOKEN" in findings[0].reproduce and WRITER not in findings[0].reproduce


def test_a_secret_report_shown_to_a_lesser_reader_is_reported():
    oracle = DomainOracle("intelligence")
    oracle.observe(
        exchange("GET", "/reports", {"items": [report(SUBMITTED, classification="SECRET")]}, token=WRITER)
    )
    checks, _ = results(oracle)
    assert checks["INT-classification-scope"].status == "failed"
    assert checks["INT-restricted-field"].status == "passed"


def test_audit_entries_naming_the_original_view_are_not_reports():
    oracle = DomainOracle("intelligence")
    entry = {"audit_id": "1", "report_id": RID, "text_version": "original", "operation": "read"}
    oracle.observe(exchange("GET", "/audit", {"items": [entry]}, token=jwt(["intelligence:audit"])))
    assert results(oracle) == ({}, [])


def nominal(**ids) -> dict:
    return {"nominal_id": NID, "surname": "Smith", "pnc_id": None, "cro_number": None, **ids}


def test_identifiers_read_back_in_canonical_form_pass_and_others_fail():
    oracle = DomainOracle("records")
    sent = {"surname": "Smith", "pnc_id": "24/1234567k", "cro_number": "65656/91h"}
    oracle.observe(
        exchange(
            "POST",
            "/nominals",
            nominal(pnc_id="2024/1234567K", cro_number="065656/91H"),
            status=201,
            request=sent,
        )
    )
    oracle.observe(
        exchange("GET", f"/nominals/{NID}", nominal(pnc_id="2024/1234567K", cro_number="065656/91H"))
    )
    oracle.observe(
        exchange("GET", f"/nominals/{NID}", nominal(pnc_id="24/1234567K", cro_number="065656/91H"))
    )
    checks, findings = results(oracle)
    assert checks["RMS-ID-002"].message == "2 responses checked, 0 broke it"
    assert checks["RMS-ID-001"].message == "2 responses checked, 1 broke it"
    assert (
        "pnc_id is '24/1234567K', but '24/1234567k' (or its canonical form '2024/1234567K') was sent"
        in findings[0].detail
    )


def test_a_patch_removing_an_identifier_and_a_merge_change_what_is_expected():
    oracle = DomainOracle("records")
    oracle.observe(
        exchange(
            "POST",
            "/nominals",
            nominal(pnc_id="2024/1234567K"),
            status=201,
            request={"pnc_id": "2024/1234567K"},
        )
    )
    oracle.observe(exchange("PATCH", f"/nominals/{NID}", nominal(), request={"pnc_id": None}))
    oracle.observe(exchange("GET", f"/nominals/{NID}", nominal()))
    checks, _ = results(oracle)
    assert checks["RMS-ID-001"].status == "passed"
    oracle.observe(exchange("POST", f"/nominals/{NID}/merges", nominal(), request={"duplicate_id": NID}))
    oracle.observe(exchange("GET", f"/nominals/{NID}", nominal(pnc_id="2019/0012345G")))
    assert results(oracle) == ({}, [])


def test_a_read_overlapping_a_change_reported_after_it_may_show_either_state():
    """With concurrent clients a read can end before the change it already shows is reported."""
    from dataclasses import replace

    oracle = DomainOracle("records")
    oracle.observe(
        exchange(
            "POST",
            "/nominals",
            nominal(pnc_id="2024/1234567K"),
            status=201,
            request={"pnc_id": "2024/1234567K"},
        )
    )
    oracle.observe(exchange("GET", f"/nominals/{NID}", nominal(pnc_id="2019/0012345G")))  # shows the change
    oracle.observe(exchange("GET", f"/nominals/{NID}", nominal(pnc_id="2001/0000001Z")))  # shows neither
    patch = exchange(
        "PATCH", f"/nominals/{NID}", nominal(pnc_id="2019/0012345G"), request={"pnc_id": "19/12345g"}
    )
    oracle.observe(replace(patch, seconds=60.0))  # it began before both reads and was reported last
    checks, findings = results(oracle)
    assert checks["RMS-ID-001"].message == "2 responses checked, 1 broke it"
    assert "'2001/0000001Z'" in findings[0].detail
