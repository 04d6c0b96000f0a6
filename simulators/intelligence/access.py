"""Who may see what: scopes, security classifications and the two views of a report.

The policy (also stated in `contracts/openapi/intelligence.yaml`):

* A token with `intelligence:read:restricted` sees every report in the **original** view: the
  original text as `text`, plus `source_type` and the `sanitised_text` others see.
* A token with `intelligence:read` (or `intelligence:write`, for the report it submits or changes)
  sees the **sanitised** view: the sanitised text as `text`; no original text, no source type.
  It sees only reports marked OFFICIAL or OFFICIAL-SENSITIVE (or the legacy GPMS PROTECT and
  RESTRICTED, which became OFFICIAL). SECRET, TOP SECRET and the legacy CONFIDENTIAL need the
  restricted scope: to a lesser token such a report does not exist (404, not in searches, not in
  the change feed), so not even its existence leaks.
* `intelligence:indicator` answers only "is intelligence held on this nominal?" (yes/no).
* `intelligence:audit` reads the access log.

Rule ids: CLS-gpms-retired (422: GPMS markings ended on 2 April 2014; only historic reports carry
them), INT-classification-scope (403: a token may not mark a report above what it may read),
INT-restricted-field (403: only a restricted token may change the original text or source type).
"""

from __future__ import annotations

from enum import StrEnum

from simulators.core.auth import Principal
from simulators.domain import codelists
from simulators.intelligence.rules import Violation

SCOPE_READ = "intelligence:read"
SCOPE_RESTRICTED = "intelligence:read:restricted"
SCOPE_WRITE = "intelligence:write"
SCOPE_AUDIT = "intelligence:audit"
SCOPE_INDICATOR = "intelligence:indicator"

GSC = "GSC"
GPMS = "GPMS"
#: Markings only the retired GPMS had (SECRET and TOP SECRET exist in both schemes).
GPMS_ONLY = frozenset(m for m in codelists.GPMS_MARKINGS if m not in codelists.GSC_CLASSIFICATIONS)
ALL_MARKINGS = tuple(codelists.GSC_CLASSIFICATIONS) + tuple(sorted(GPMS_ONLY))
#: Markings a reader without the restricted scope may see (sanitised).
OPEN_MARKINGS = frozenset({"OFFICIAL", "OFFICIAL-SENSITIVE", "PROTECT", "RESTRICTED"})


class View(StrEnum):
    """What a caller is shown of a report."""

    NONE = "none"
    SANITISED = "sanitised"
    ORIGINAL = "original"


def view_for(principal: Principal) -> View:
    """The most a caller may see: original with the restricted scope, sanitised with read or write."""
    if principal.has(SCOPE_RESTRICTED):
        return View.ORIGINAL
    if principal.has(SCOPE_READ) or principal.has(SCOPE_WRITE):
        return View.SANITISED
    return View.NONE


def open_to_lesser(classification: str) -> bool:
    """True when a reader without the restricted scope may see a report with this marking."""
    return classification in OPEN_MARKINGS


def may_see(view: View, classification: str) -> bool:
    if view is View.ORIGINAL:
        return True
    return view is View.SANITISED and open_to_lesser(classification)


def check_new_classification(classification: str) -> list[Violation]:
    """Rules for a marking set by a submission or a change (historic reports keep theirs)."""
    if classification in GPMS_ONLY:
        return [
            Violation(
                "CLS-gpms-retired",
                "classification",
                f"{classification} is a GPMS marking, retired on 2 April 2014; mark new intelligence "
                "OFFICIAL, OFFICIAL-SENSITIVE, SECRET or TOP SECRET",
            )
        ]
    if classification not in codelists.GSC_CLASSIFICATIONS:
        return [Violation("CLS-unknown", "classification", "not a Government Security Classification")]
    return []


def check_marking_scope(classification: str, view: View) -> list[Violation]:
    """A caller may not mark a report above what it may read (answered 403)."""
    if may_see(view, classification):
        return []
    return [
        Violation(
            "INT-classification-scope",
            "classification",
            f"marking a report {classification} needs scope {SCOPE_RESTRICTED}: a token may not "
            "mark intelligence above what it may read",
        )
    ]


def scheme_of(classification: str, given: str | None = None) -> str:
    """The marking scheme: as given for historic reports, else GSC unless the marking is GPMS-only."""
    if given in (GSC, GPMS):
        return given
    return GPMS if classification in GPMS_ONLY else GSC
