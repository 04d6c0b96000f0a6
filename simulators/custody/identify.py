"""Identifying the detainee in the records system at booking in (through RecordsClient only).

Order: a known nominal id; else the PNC ID; else surname, first forename and date of birth; when
nothing matches, a new nominal is created from the identity given. Exactly one exact name-and-birth
match is taken; otherwise, when records offers any candidates (several exact ones, or only spelling
variants, sound-alikes or aliases), the booking is refused (409) with the candidates so that the
custody officer chooses: a wrong guess either way makes a duplicate nominal or a wrong record.
`create_new` says the officer has looked and this is a new person.
Every check that needs no peer runs before any peer is called, so a refused booking never leaves
a stray nominal in records. When two book-ins of one new person race, records creates one nominal
and refuses the other create (409, PNC ID already held): that booking links to the nominal made.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from simulators.clients.base import UpstreamError
from simulators.core.context import SimulatorContext, sim
from simulators.core.problems import Problem
from simulators.domain.identifiers import normalise_pnc_id

ACTION = "identify the detainee in records"


def records_client(ctx: SimulatorContext | None = None) -> Any:
    """The records client of this app (built once; a test may inject a factory in extras)."""
    ctx = ctx or sim()
    client = ctx.extras.get("records_client")
    if client is None:
        factory = ctx.extras.get("records_client_factory")
        if factory is None:
            from simulators.clients import client_for

            client = client_for(ctx.config, "records")
        else:
            client = factory(ctx.config)
        ctx.extras["records_client"] = client
    return client


def canonical_pnc(detainee: dict[str, Any]) -> str | None:
    """The PNC ID in long form, or 422 when its check letter is wrong."""
    raw = detainee.get("pnc_id")
    if not raw:
        return None
    try:
        return normalise_pnc_id(raw)
    except ValueError as exc:
        raise Problem(
            "business-rule",
            f"The PNC ID {raw!r} is not valid: {exc}.",
            rule="CUS-PNC-ID-INVALID",
            errors=[{"field": "detainee.pnc_id", "message": "check letter or layout is wrong"}],
        ) from exc


def _can_create(detainee: dict[str, Any]) -> bool:
    return bool(detainee.get("surname") and detainee.get("forenames") and detainee.get("date_of_birth"))


def check_date_of_birth(detainee: dict[str, Any], arrested_at: datetime) -> None:
    """A date of birth that exists and is not after the arrest (partial dates: their first day)."""
    raw = detainee.get("date_of_birth")
    if not raw:
        return
    parts = [int(p) for p in raw.split("-")]
    try:
        first_day = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise Problem(
            "business-rule",
            f"The date of birth {raw} does not exist.",
            rule="CUS-DOB-INVALID",
            errors=[{"field": "detainee.date_of_birth", "message": str(exc)}],
        ) from exc
    if first_day > arrested_at.date():
        raise Problem(
            "business-rule",
            f"The date of birth {raw} is after the arrest ({arrested_at.date()}).",
            rule="CUS-DOB-INVALID",
            errors=[{"field": "detainee.date_of_birth", "message": "after the arrest"}],
        )


def precheck(detainee: dict[str, Any], arrested_at: datetime) -> str | None:
    """Local checks before any call to records; returns the canonical PNC ID."""
    check_date_of_birth(detainee, arrested_at)
    pnc = canonical_pnc(detainee)
    if not detainee.get("nominal_id") and not pnc and not _can_create(detainee):
        raise Problem(
            "business-rule",
            "Identify the detainee: a nominal_id, a PNC ID, or surname, forenames and date of birth.",
            rule="CUS-DETAINEE-IDENTITY",
            errors=[{"field": "detainee", "message": "not enough to identify or create a nominal"}],
        )
    return pnc


def _upstream(exc: UpstreamError) -> Problem:
    return exc.as_problem(ACTION)


def check_occurrence(client: Any, occurrence_id: str) -> dict[str, Any]:
    try:
        occ: dict[str, Any] | None = client.get_occurrence(occurrence_id)
    except UpstreamError as exc:
        raise _upstream(exc) from exc
    if occ is None:
        raise Problem(
            "business-rule",
            f"The records system has no occurrence {occurrence_id}.",
            rule="CUS-OCCURRENCE-UNKNOWN",
            errors=[{"field": "occurrence_id", "message": "no such occurrence"}],
        )
    return occ


def _pick_by_pnc(hits: list[dict[str, Any]], detainee: dict[str, Any]) -> dict[str, Any]:
    """Duplicate nominals can share a PNC ID: prefer the one whose name and birth date also match."""
    surname = (detainee.get("surname") or "").casefold()
    dob = detainee.get("date_of_birth")
    for hit in hits:
        if (
            surname
            and (hit.get("surname") or "").casefold() == surname
            and (not dob or hit.get("date_of_birth") == dob)
        ):
            return hit
    return hits[0]


def _score(hit: dict[str, Any]) -> float:
    """The records system's match score (an exact match on every criterion is 1.0)."""
    match = hit.get("match") or {}
    try:
        return float(match.get("score", 1.0))
    except (TypeError, ValueError):
        return 0.0


def _candidate(hit: dict[str, Any]) -> dict[str, Any]:
    return {
        "nominal_id": hit.get("nominal_id"),
        "surname": hit.get("surname"),
        "forenames": hit.get("forenames"),
        "date_of_birth": hit.get("date_of_birth"),
        "pnc_id": hit.get("pnc_id"),
        "match": hit.get("match"),
    }


def _new_nominal_payload(detainee: dict[str, Any], pnc: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "surname": detainee["surname"],
        "forenames": list(detainee["forenames"]),
        "date_of_birth": detainee["date_of_birth"],
        "sex": detainee.get("sex", "unknown"),
    }
    for key in ("cro_number", "ethnicity", "address"):
        if detainee.get(key) is not None:
            payload[key] = detainee[key]
    if pnc:
        payload["pnc_id"] = pnc
    return payload


def _created_meanwhile(
    client: Any, exc: UpstreamError, detainee: dict[str, Any], pnc: str | None
) -> dict[str, Any] | None:
    """The nominal another booking of the same person created between our search and our create.

    Records answers 409 (RMS-NOM-002) when the PNC ID is already held: with simultaneous book-ins
    of one new person, one create wins and the others must link to the nominal it made.
    """
    rule = (exc.problem or {}).get("rule")
    if exc.status != 409 or not pnc or rule not in (None, "RMS-NOM-002"):
        return None
    hits = client.search_nominals(pnc_id=pnc, limit=20)
    return _pick_by_pnc(hits, detainee) if hits else None


def identify(client: Any, detainee: dict[str, Any], pnc: str | None) -> tuple[dict[str, Any], str]:
    """Find or create the detainee's nominal; returns it and how it was identified."""
    try:
        if detainee.get("nominal_id"):
            nominal = client.get_nominal(detainee["nominal_id"])
            if nominal is None:
                raise Problem(
                    "business-rule",
                    f"The records system has no nominal {detainee['nominal_id']}.",
                    rule="CUS-NOMINAL-UNKNOWN",
                    errors=[{"field": "detainee.nominal_id", "message": "no such nominal"}],
                )
            return nominal, "nominal_id"
        if pnc:
            hits = client.search_nominals(pnc_id=pnc, limit=20)
            if hits:
                return _pick_by_pnc(hits, detainee), "pnc_id"
        if _can_create(detainee):
            if not detainee.get("create_new"):
                hits = client.search_nominals(
                    surname=detainee["surname"],
                    forename=detainee["forenames"][0],
                    date_of_birth=detainee["date_of_birth"],
                    limit=20,
                )
                strong = [h for h in hits if _score(h) >= 1.0]
                if len(strong) == 1:
                    return strong[0], "name_and_date_of_birth"
                if hits:
                    raise Problem(
                        "conflict",
                        f"{len(hits)} nominal(s) in records may be this person "
                        f"({len(strong)} exact); book in again with the right detainee.nominal_id, or with "
                        "detainee.create_new if none of them is.",
                        rule="CUS-DETAINEE-AMBIGUOUS",
                        candidates=[_candidate(h) for h in hits],
                    )
            try:
                return client.create_nominal(_new_nominal_payload(detainee, pnc)), "created"
            except UpstreamError as exc:
                raced = _created_meanwhile(client, exc, detainee, pnc)
                if raced is not None:
                    return raced, "pnc_id"
                if exc.status in (400, 409, 422):
                    upstream = exc.problem or {}
                    raise Problem(
                        "business-rule",
                        f"The records system refused to create the nominal: {upstream.get('detail') or exc}.",
                        rule="CUS-DETAINEE-REJECTED",
                        errors=upstream.get("errors") or None,
                        upstream={"system": "records", "status": exc.status, "rule": upstream.get("rule")},
                    ) from exc
                raise
        raise Problem(
            "business-rule",
            "No nominal in records has this PNC ID, and there is not enough to create one "
            "(surname, forenames and date of birth).",
            rule="CUS-DETAINEE-IDENTITY",
            errors=[{"field": "detainee", "message": "not found and cannot be created"}],
        )
    except UpstreamError as exc:
        if exc.status in (400, 409, 422):
            upstream = exc.problem or {}
            raise Problem(
                "business-rule",
                f"The records system refused the detainee's identity: {upstream.get('detail') or exc}.",
                rule="CUS-DETAINEE-REJECTED",
                errors=upstream.get("errors") or None,
                upstream={"system": "records", "status": exc.status, "rule": upstream.get("rule")},
            ) from exc
        raise _upstream(exc) from exc


def link_role(occurrence: dict[str, Any]) -> str:
    """A person arrested for a crime is its suspect; on an incident (no crime) they are a subject."""
    return "subject" if occurrence.get("type") == "incident" else "suspect"


def link_to_occurrence(client: Any, occurrence: dict[str, Any], occurrence_id: str, nominal_id: str) -> str:
    """Link the detainee to the occurrence; a refusal by records (4xx) is a 422 naming its rule."""
    role = link_role(occurrence)
    try:
        client.add_occurrence_link(occurrence_id, nominal_id, role)
    except UpstreamError as exc:
        if exc.status in (400, 409, 422):
            upstream = exc.problem or {}
            raise Problem(
                "business-rule",
                f"The records system refused to link the detainee to occurrence "
                f"{occurrence_id} as {role}: {upstream.get('detail') or exc}.",
                rule="CUS-OCCURRENCE-LINK-REFUSED",
                upstream={"system": "records", "status": exc.status, "rule": upstream.get("rule")},
            ) from exc
        raise _upstream(exc) from exc
    return role
