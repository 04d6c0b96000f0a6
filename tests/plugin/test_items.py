"""A run's report.json as test items: names that carry the requirement, findings on the right item,
skips with their reason, and a verdict item that fails unless the run conforms."""

from __future__ import annotations

from harness.pytest_plugin.items import belongs, recorded

FUZZ_FAIL = {
    "suite": "fuzz",
    "name": "GET /events [response_schema_conformance]",
    "group": "GET /events",
    "operation": "GET /events",
    "status": "failed",
    "message": "15 responses checked, 3 failed.",
    "requirement": "STD-SCHEMA",
}
PACT_FAIL = {
    "suite": "contracts",
    "name": "case-file -> custody: a request for a custody record",
    "group": "case-file",
    "operation": "GET /custody-records/{custody_id}",
    "status": "failed",
    "requirement": "PACT-case-file-custody-custody-record",
}
STEP_SKIP = {
    "suite": "scenarios",
    "name": "arrest-to-charge: review",
    "status": "skipped",
    "message": "not run: step book-in failed",
    "requirement": "SCN-arrest-to-charge-07",
    "required": False,
}
RULE_PASS = {
    "suite": "rules",
    "name": "Arrival 24 h 1 min ago",
    "status": "passed",
    "requirement": "PACE-s41-24h",
}


def finding(suite, check, operation, title, requirement=None, detail="what came back"):  # type: ignore[no-untyped-def]
    out = {
        "suite": suite,
        "check": check,
        "severity": "error",
        "operation": operation,
        "title": title,
        "detail": detail,
        "reproduce": "curl -X GET http://product/events",
    }
    if requirement:
        out["requirement"] = requirement
    return out


def summary(checks, findings=(), verdict="fail", inconclusive=()):  # type: ignore[no-untyped-def]
    return {
        "role": "custody",
        "target": "http://product",
        "verdict": verdict,
        "inconclusive": list(inconclusive),
        "checks": list(checks),
        "findings": list(findings),
    }


def test_one_item_per_check_named_by_requirement_and_the_verdict_last():
    items = recorded(summary([FUZZ_FAIL, STEP_SKIP, RULE_PASS], verdict="fail"))
    assert [i.key for i in items] == [
        "custody::STD-SCHEMA::fuzz::GET /events [response_schema_conformance]",
        "custody::SCN-arrest-to-charge-07::scenarios::arrest-to-charge: review",
        "custody::PACE-s41-24h::rules::Arrival 24 h 1 min ago",
        "custody::verdict",
    ]
    assert [i.status for i in items] == ["failed", "skipped", "passed", "failed"]
    assert items[1].text == "not run: step book-in failed"


def test_a_failed_check_shows_its_own_findings_only():
    fuzz = finding(
        "fuzz", "response_schema_conformance", "GET /events", "Response violates schema", "STD-SCHEMA"
    )
    pact = finding(
        "contracts", "pact-interaction", PACT_FAIL["operation"], "case-file: a request for a custody record"
    )
    items = recorded(summary([FUZZ_FAIL, PACT_FAIL], [fuzz, pact]))
    assert "Response violates schema" in items[0].text and "curl -X GET" in items[0].text
    assert "case-file: a request" not in items[0].text
    assert "case-file: a request for a custody record" in items[1].text
    assert belongs(fuzz, FUZZ_FAIL) and not belongs(fuzz, PACT_FAIL) and belongs(pact, PACT_FAIL)
    assert "each failing test_interop item shows its own" in items[-1].text


def test_a_finding_no_check_shows_fails_the_verdict_item():
    crash = finding("fuzz", "suite-error", "", "The fuzz suite could not finish", detail="RuntimeError: boom")
    items = recorded(summary([RULE_PASS], [crash]))
    assert items[-1].status == "failed"
    assert "The fuzz suite could not finish" in items[-1].text and "RuntimeError: boom" in items[-1].text


def test_an_inconclusive_run_fails_its_verdict_item_with_the_causes():
    cause = {"cause": "required-checks-skipped", "detail": "2 required checks were skipped"}
    items = recorded(summary([STEP_SKIP], verdict="inconclusive", inconclusive=[cause]))
    assert items[-1].status == "failed"
    assert "INCONCLUSIVE" in items[-1].text and "required-checks-skipped" in items[-1].text


def test_a_conforming_run_passes_its_verdict_item():
    assert recorded(summary([RULE_PASS], verdict="pass"))[-1].status == "passed"


def test_the_same_check_twice_gets_two_names():
    keys = [i.key for i in recorded(summary([RULE_PASS, RULE_PASS], verdict="pass"))]
    assert keys[0] != keys[1] and keys[1].endswith(" #2")


def test_what_the_product_sent_cannot_drive_the_terminal():
    hostile = finding(
        "fuzz", "response_schema_conformance", "GET /events", "t", detail="\x1b]0;owned\x07\x1b[31mred\x00"
    )
    text = recorded(summary([FUZZ_FAIL], [hostile]))[0].text
    assert "\x1b" not in text and "\x00" not in text and "\\x00" in text
