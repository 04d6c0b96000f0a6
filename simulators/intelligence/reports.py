"""`/reports`: submit, read, search and change intelligence reports.

Order of checks on a write: scope rules (403) -> field rules (422, every broken rule listed) ->
subjects through records (422 unknown, 502/503/504 when records fails) -> one transaction with
the row, its subjects, the superseded version, the change-feed event and the audit row.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Blueprint, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError

from simulators.core.app import json_response
from simulators.core.context import sim
from simulators.core.paging import page_body, page_params, paginate
from simulators.core.problems import Problem
from simulators.intelligence import store
from simulators.intelligence.access import (
    SCOPE_RESTRICTED,
    View,
    check_marking_scope,
    check_new_classification,
    may_see,
    open_to_lesser,
    scheme_of,
    view_for,
)
from simulators.intelligence.audit import audit_row, write_audit
from simulators.intelligence.context import caller, checked_cursor, itables
from simulators.intelligence.feed import AUDIENCE_ALL, AUDIENCE_LESSER, AUDIENCE_RESTRICTED, emit
from simulators.intelligence.grading import check_grading, normalise_grading
from simulators.intelligence.inputs import ensure_storable, locations, organisations, parse_date
from simulators.intelligence.review import check_review_date, default_review_date
from simulators.intelligence.rules import Violation, raise_violations
from simulators.intelligence.search import search_statement
from simulators.intelligence.subjects import resolve_subjects
from simulators.intelligence.views import etag, grading_of, report_view, snapshot, subjects_of

#: Fields only a restricted token may change (it alone can see them).
RESTRICTED_FIELDS = ("original_text", "source_type")
REFERENCE_ATTEMPTS = 5


def _not_found(report_id: str) -> Problem:
    # The same answer whether the report is missing or hidden from this caller.
    return Problem("not-found", f"No intelligence report {report_id} that this token may read.")


def _audience(classification: str) -> str:
    return AUDIENCE_ALL if open_to_lesser(classification) else AUDIENCE_RESTRICTED


def _show(
    row: Any,
    subjects: list[dict[str, str]],
    view: View,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> ResponseReturnValue:
    body = report_view(row, subjects, view, sim().clock.now().date())
    if view is View.ORIGINAL:
        g.redact_traffic = True  # original text must not reach the traffic log
    return json_response(body, status, {"ETag": etag(row.version), **(headers or {})})


def _field_rules(body: dict[str, Any], today: date, view: View) -> tuple[list[Violation], list[Violation]]:
    """(scope violations answered 403, field violations answered 422) for the fields present."""
    scope: list[Violation] = []
    rules: list[Violation] = []
    if "classification" in body:
        rules += check_new_classification(body["classification"])
        if not rules:
            scope += check_marking_scope(body["classification"], view)
    if "grading" in body:
        rules += check_grading(body["grading"])
    if "review_date" in body:
        rules += check_review_date(parse_date(body["review_date"], "review_date"), today)
    return scope, rules


def _raise_scope(violations: list[Violation]) -> None:
    if violations:
        v = violations[0]
        raise Problem(
            "forbidden",
            v.message[0].upper() + v.message[1:] + f" (rule {v.rule}).",
            rule=v.rule,
            errors=[{"field": x.field, "message": f"{x.rule}: {x.message}"} for x in violations],
            required_scopes=[SCOPE_RESTRICTED],
        )


def reports_blueprint() -> Blueprint:
    bp = Blueprint("intelligence_reports", __name__)

    @bp.post("/reports")
    def submit_report() -> ResponseReturnValue:
        body = request.get_json()
        ensure_storable(body)
        ctx = sim()
        view = view_for(caller())
        now = ctx.clock.now()
        today = now.date()
        scope, rules = _field_rules(body, today, view)
        _raise_scope(scope)
        raise_violations(rules)
        grading = normalise_grading(body["grading"])
        locs = locations(body.get("locations", []))
        orgs = organisations(body.get("organisations", []))
        review = (
            parse_date(body["review_date"], "review_date")
            if "review_date" in body
            else default_review_date(today)
        )
        subjects = resolve_subjects(body.get("subjects", []))
        report_id = str(uuid.uuid4())
        classification = body["classification"]
        values = {
            "report_id": report_id,
            "sort_key": store.sort_key(now, report_id),
            "version": 1,
            "submitted_at": now,
            "updated_at": now,
            "submitted_by": caller().client_id[:128],
            "source_type": body["source_type"],
            **store.grading_columns(grading),
            **store.classification_columns(classification, scheme_of(classification)),
            **store.text_columns(body["original_text"], body["sanitised_text"]),
            "locations": locs,
            "organisations": orgs,
            "review_date": review,
        }
        for attempt in range(REFERENCE_ATTEMPTS):
            try:
                with ctx.db.transaction() as s:
                    values["reference"] = store.next_reference(s, now.year)
                    store.insert_report(s, values, subjects)
                    emit(s, "report.created", report_id, {"version": 1}, _audience(classification))
                    write_audit(
                        [audit_row("create", report_id=report_id, version=1, text_version=view.value)], s
                    )
                break
            except IntegrityError:
                if attempt == REFERENCE_ATTEMPTS - 1:
                    raise
        with ctx.db.session() as s:
            row = store.fetch(s, report_id)
        return _show(row, subjects, view, 201, {"Location": f"/reports/{report_id}"})

    @bp.get("/reports")
    def search_reports() -> ResponseReturnValue:
        ctx = sim()
        view = view_for(caller())
        limit, cursor = page_params()
        checked_cursor(cursor, str)
        stmt = search_statement(request.args, view)
        reports = itables().reports
        with ctx.db.session() as s:
            page = paginate(s, stmt, reports.c.sort_key, limit=limit, cursor=cursor, scalars=False)
            subjects = subjects_of(s, [r.report_id for r in page.items])
        today = ctx.clock.now().date()
        items = [report_view(r, subjects.get(r.report_id, []), view, today) for r in page.items]
        write_audit(
            [
                audit_row("search", report_id=r.report_id, version=r.version, text_version=view.value)
                for r in page.items
            ]
        )
        if view is View.ORIGINAL and items:
            g.redact_traffic = True
        return json_response(page_body(items, page))

    @bp.get("/reports/<report_id>")
    def get_report(report_id: str) -> ResponseReturnValue:
        view = view_for(caller())
        with sim().db.session() as s:
            row = store.fetch(s, report_id)
            subjects = subjects_of(s, [row.report_id]) if row is not None else {}
        if row is None:
            raise _not_found(report_id)
        if not may_see(view, row.classification):
            write_audit([audit_row("read", report_id=row.report_id, version=row.version, outcome="denied")])
            raise _not_found(report_id)
        write_audit(
            [audit_row("read", report_id=row.report_id, version=row.version, text_version=view.value)]
        )
        return _show(row, subjects.get(row.report_id, []), view)

    @bp.patch("/reports/<report_id>")
    def change_report(report_id: str) -> ResponseReturnValue:
        body = request.get_json()
        ensure_storable(body)
        ctx = sim()
        view = view_for(caller())
        # Auth (403), existence (404), preconditions (428/412), then the rules (common.yaml).
        restricted = [f for f in RESTRICTED_FIELDS if f in body]
        if restricted and view is not View.ORIGINAL:
            raise Problem(
                "forbidden",
                f"Changing {', '.join(restricted)} needs scope {SCOPE_RESTRICTED} "
                "(rule INT-restricted-field).",
                rule="INT-restricted-field",
                required_scopes=[SCOPE_RESTRICTED],
            )
        with ctx.db.session() as s:
            current = store.fetch(s, report_id)
        if current is None:
            raise _not_found(report_id)
        if not may_see(view, current.classification):
            write_audit(
                [audit_row("update", report_id=current.report_id, version=current.version, outcome="denied")]
            )
            raise _not_found(report_id)
        _check_values(body)
        if_match = request.headers.get("If-Match")
        if not if_match:
            raise Problem(
                "precondition-required",
                "Send If-Match with the ETag of the version you are changing (read the report first).",
                rule="INT-if-match",
            )
        _check_if_match(if_match, current.version)
        now = ctx.clock.now()
        body = _without_unchanged_legacy(body, current)
        scope, rules = _field_rules(body, now.date(), view)
        _raise_scope(scope)
        raise_violations(rules)
        changes = _changes(body)
        subjects = resolve_subjects(body["subjects"]) if "subjects" in body else None
        with ctx.db.transaction() as s:
            row = store.fetch(s, report_id, for_update=True)
            if row is None:
                raise _not_found(report_id)
            _check_if_match(if_match, row.version)
            old_subjects = subjects_of(s, [row.report_id]).get(row.report_id, [])
            changes = {k: v for k, v in changes.items() if getattr(row, k) != v}
            subjects_changed = subjects is not None and subjects != old_subjects
            if changes or subjects_changed:
                store.keep_version(s, row.report_id, row.version, now, snapshot(row, old_subjects))
                store.update_report(
                    s, row.report_id, {**changes, "version": row.version + 1, "updated_at": now}
                )
                if subjects_changed:
                    store.replace_subjects(s, row.report_id, subjects or [])
                new_class = changes.get("classification", row.classification)
                emit(s, "report.updated", row.report_id, {"version": row.version + 1}, _audience(new_class))
                if open_to_lesser(row.classification) and not open_to_lesser(new_class):
                    emit(s, "report.withdrawn", row.report_id, {"version": row.version + 1}, AUDIENCE_LESSER)
                row = store.fetch(s, report_id)
            final_subjects = subjects if subjects_changed else old_subjects
            write_audit(
                [audit_row("update", report_id=row.report_id, version=row.version, text_version=view.value)],
                s,
            )
        return _show(row, final_subjects or [], view)

    return bp


def _check_if_match(header: str, version: int) -> None:
    tags = [t.strip() for t in header.split(",")]
    wanted = {etag(version), "W/" + etag(version), "*"}
    if not any(t in wanted for t in tags):
        raise Problem(
            "precondition-failed",
            f"The report has changed: it is now at version {version} (ETag {etag(version)}). "
            "Read it again and re-apply your change.",
            rule="INT-if-match",
        )


def _without_unchanged_legacy(body: dict[str, Any], row: Any) -> dict[str, Any]:
    """A historic report's GPMS marking or 5x5x5 grading sent back unchanged is not a new one."""
    out = dict(body)
    if out.get("classification") == row.classification:
        del out["classification"]
    grading = out.get("grading")
    if grading is not None and normalise_grading(grading) == grading_of(row):
        del out["grading"]
    return out


def _check_values(body: dict[str, Any]) -> None:
    """400 for a value wrong on its own (a postcode, a date), before the If-Match precondition."""
    if "locations" in body:
        locations(body["locations"])
    if "organisations" in body:
        organisations(body["organisations"])
    if "review_date" in body:
        parse_date(body["review_date"], "review_date")


def _changes(body: dict[str, Any]) -> dict[str, Any]:
    """Column values for the fields present in a change."""
    out: dict[str, Any] = {}
    if "grading" in body:
        out.update(store.grading_columns(normalise_grading(body["grading"])))
    if "classification" in body:
        out.update(store.classification_columns(body["classification"], scheme_of(body["classification"])))
    if "original_text" in body:
        out["original_text"] = body["original_text"]
        out["original_fold"] = store.fold(body["original_text"])
    if "sanitised_text" in body:
        out["sanitised_text"] = body["sanitised_text"]
        out["sanitised_fold"] = store.fold(body["sanitised_text"])
    if "source_type" in body:
        out["source_type"] = body["source_type"]
    if "locations" in body:
        out["locations"] = locations(body["locations"])
    if "organisations" in body:
        out["organisations"] = organisations(body["organisations"])
    if "review_date" in body:
        out["review_date"] = parse_date(body["review_date"], "review_date")
    return out
