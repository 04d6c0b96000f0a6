"""The intelligence oracle: gradings read back as submitted, and no original view for lesser readers.

Stateful over one run: a report's grading is remembered from the submission (`POST /reports`) or
change (`PATCH /reports/{id}`) the target accepted, and every later read showing that report must
carry it, judged when the suite is drained (readback.py). The standard keeps a grading "as given,
with its scheme, never converted"; the only normalisation it documents is an explicit scheme and
empty handling conditions as null. Every
answer to a caller whose token lacks `intelligence:read:restricted` must show only the sanitised
view, and never a report marked above OFFICIAL-SENSITIVE.
"""

from __future__ import annotations

from typing import Any

from harness.oracle.exchange import objects, token_scopes
from harness.oracle.exchange import shown as shown_value
from harness.oracle.readback import ReadBack
from harness.tap import TappedExchange
from simulators.intelligence.access import OPEN_MARKINGS, SCOPE_RESTRICTED
from simulators.intelligence.grading import normalise_grading

GRADING_RULE = "GRD-scheme"
VIEW_RULE = "INT-restricted-field"
MARKING_RULE = "INT-classification-scope"
TITLES = {
    GRADING_RULE: "A report read back does not carry the grading that was submitted",
    VIEW_RULE: "A reader without the restricted scope was shown the original (unsanitised) view",
    MARKING_RULE: "A reader without the restricted scope was shown a report marked above OFFICIAL-SENSITIVE",
}
ORIGINAL_ONLY = ("original_text", "source_type", "sanitised_text")
GRADING_FIELDS = (
    "scheme",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
)


def _is_report(obj: dict[str, Any]) -> bool:
    """A report as shown (not an audit entry or feed event that only names one)."""
    if "report_id" not in obj or "audit_id" in obj:
        return False
    return any(name in obj for name in ("text", "grading", "original_text", "sanitised_text"))


def _canonical(grading: Any) -> dict[str, Any] | None:
    if not isinstance(grading, dict):
        return None
    try:
        return normalise_grading(grading)
    except (KeyError, TypeError, AttributeError):
        return None


def _compare(shown: dict[str, Any], expected: dict[str, Any]) -> dict[str, list[str]]:
    bad: list[str] = []
    rid = shown_value(shown.get("report_id"), 60)
    got = shown.get("grading")
    if not isinstance(got, dict):
        return {
            GRADING_RULE: [
                f"report {rid}: grading is {shown_value(got)}, expected {shown_value(expected, 200)}"
            ]
        }
    for name in GRADING_FIELDS:
        value = got.get(name)
        if name == "handling_conditions" and isinstance(value, str):
            value = value.strip() or None
        if value != expected[name]:
            bad.append(
                f"report {rid}: grading.{name} is {shown_value(got.get(name))}, but "
                f"{shown_value(expected[name])} was submitted"
            )
    return {GRADING_RULE: bad}


class IntelligenceJudge:
    def __init__(self) -> None:
        self.book = ReadBack(_compare)

    def learn(self, ex: TappedExchange, started: float, finished: float) -> None:
        """Remember the grading of a submission or change the target accepted."""
        if ex.status is None or not 200 <= ex.status < 300:
            return
        sent = ex.request_json()
        if not isinstance(sent, dict) or "grading" not in sent:
            return
        grading = _canonical(sent["grading"])
        body = ex.json()
        report_id = None
        if ex.method == "POST" and ex.path.rstrip("/") == "/reports" and isinstance(body, dict):
            report_id = body.get("report_id")
        elif ex.method == "PATCH" and ex.path.startswith("/reports/"):
            report_id = ex.path.split("/")[2]
        if isinstance(report_id, str) and grading is not None:
            self.book.wrote(report_id.lower(), grading, started, finished)

    def judge(self, ex: TappedExchange, started: float, finished: float) -> dict[str, list[str]]:
        """The view rules now; gradings read back are kept and judged at drain (`settle`)."""
        out: dict[str, list[str]] = {}
        if ex.status is None or not 200 <= ex.status < 300:
            return out
        reports = [o for o in objects(ex.json()) if _is_report(o)]
        if not reports:
            return out
        if ex.method == "GET":
            for rep in reports:
                if "grading" in rep:
                    shown = {"report_id": rep.get("report_id"), "grading": rep.get("grading")}
                    self.book.read(ex, str(rep.get("report_id", "")).lower(), shown, started, finished)
        scopes = token_scopes(ex.request_headers)
        if scopes is not None and SCOPE_RESTRICTED not in scopes:
            self._view(out, reports)
        return out

    def settle(self, suite: str) -> list[tuple[TappedExchange, dict[str, list[str]]]]:
        return self.book.settle(suite)

    def _view(self, out: dict[str, list[str]], reports: list[dict[str, Any]]) -> None:
        view = out.setdefault(VIEW_RULE, [])
        marking = out.setdefault(MARKING_RULE, [])
        for rep in reports:
            rid = shown_value(str(rep.get("report_id")), 60)
            leaked = [name for name in ORIGINAL_ONLY if name in rep]
            if rep.get("text_version") == "original" or leaked:
                what = ", ".join(leaked) or "text_version 'original'"
                view.append(
                    f"report {rid}: shown with {what} to a token without {SCOPE_RESTRICTED}; "
                    "expected the sanitised view only"
                )
            cls = rep.get("classification")
            if isinstance(cls, str) and cls not in OPEN_MARKINGS:
                marking.append(
                    f"report {rid}: marked {shown_value(cls)} and shown to a token without "
                    f"{SCOPE_RESTRICTED}; such a report must not exist for it (404, absent from searches)"
                )
