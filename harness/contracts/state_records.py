"""Provider states of a records (RMS) system, set up with its own endpoints:
`POST /nominals`, `POST /nominals/{id}/merges`, `POST /occurrences`, `POST .../links`,
`POST .../custody-outcomes`, read with `GET /nominals?pnc_id=` and `GET /events`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.contracts.state_catalogue import state
from harness.contracts.target_api import StateError, TargetApi

READ, WRITE = ["records:read"], ["records:read", "records:write"]
DEFAULT_ADDRESS = {"line1": "1 Contract Street", "town": "Leeds", "postcode": "LS1 1AA"}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def person(params: dict[str, Any]) -> dict[str, Any]:
    """A valid new nominal (POLE 4+1) from the state's parameters, with defaults for the rest."""
    forenames = params.get("forenames") or ["Alex"]
    return {
        "surname": params.get("surname") or "Contract",
        "forenames": list(forenames) if isinstance(forenames, list) else [str(forenames)],
        "sex": params.get("sex") or "unknown",
        "date_of_birth": params.get("date_of_birth") or "1985-06-15",
        "address": params.get("address") or DEFAULT_ADDRESS,
    }


def create_nominal(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return api.call("POST", "/nominals", WRITE, json=person(params), expect=(201,), require=("nominal_id",))


def nominal_with_pnc(api: TargetApi, pnc_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """The active nominal holding `pnc_id`, created when there is none (PNC IDs are unique)."""
    page = api.call("GET", "/nominals", READ, params={"pnc_id": pnc_id, "limit": 1}, expect=(200,))
    items = page.get("items")
    if isinstance(items, list) and items and isinstance(items[0], dict) and items[0].get("nominal_id"):
        return items[0]
    return api.call(
        "POST",
        "/nominals",
        WRITE,
        json={**person(params), "pnc_id": pnc_id},
        expect=(201,),
        require=("nominal_id",),
    )


@state(
    "records",
    r"a nominal with PNC ID (?P<pnc_id>\S+) exists",
    "a nominal with PNC ID <pnc_id> exists -> nominal_id, pnc_id",
)
def _nominal_with_pnc(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    nominal = nominal_with_pnc(api, str(params["pnc_id"]), params)
    return {"nominal_id": nominal["nominal_id"], "pnc_id": nominal.get("pnc_id") or params["pnc_id"]}


@state(
    "records",
    r"an? (?:new )?nominal exists",
    "a nominal exists (params: surname, forenames, date_of_birth, sex) -> nominal_id",
)
def _nominal(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return {"nominal_id": create_nominal(api, params)["nominal_id"]}


@state("records", r"no nominal with id (?P<nominal_id>\S+) exists", "no nominal with id <uuid> exists")
def _no_nominal(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return {"nominal_id": params["nominal_id"]}


@state(
    "records",
    r"a nominal has been merged into another",
    "a nominal has been merged into another -> nominal_id (the merged-away id), duplicate_id, survivor_id",
)
def _merged(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    survivor = create_nominal(api, params)["nominal_id"]
    duplicate = create_nominal(api, params)["nominal_id"]
    api.call(
        "POST",
        f"/nominals/{survivor}/merges",
        WRITE,
        json={"duplicate_id": duplicate, "reason": "Same person: contract verification"},
        expect=(200,),
    )
    return {"nominal_id": duplicate, "duplicate_id": duplicate, "survivor_id": survivor}


def create_crime(api: TargetApi, params: dict[str, Any]) -> tuple[dict[str, Any], datetime]:
    now = api.now()
    happened = now - timedelta(days=2)
    occurrence = api.call(
        "POST",
        "/occurrences",
        WRITE,
        expect=(201,),
        require=("occurrence_id",),
        json={
            "type": "crime",
            "classification": {"code": str(params.get("classification") or "8N")},
            "summary": str(params.get("summary") or "Assault outside a takeaway (contract verification)"),
            "occurred_from": iso(happened),
            "occurred_to": iso(happened + timedelta(minutes=15)),
            "reported_at": iso(happened + timedelta(hours=1)),
            "location": {"line1": "3 High Street", "town": "Leeds", "postcode": "LS1 1AA"},
        },
    )
    return occurrence, now


@state(
    "records",
    r"an? crime occurrence exists",
    "a crime occurrence exists (param: classification) -> occurrence_id, decided_at",
)
def _crime(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    occurrence, now = create_crime(api, params)
    return {"occurrence_id": occurrence["occurrence_id"], "decided_at": iso(now - timedelta(hours=1))}


@state(
    "records",
    r"an? crime occurrence and a nominal exist",
    "a crime occurrence and a nominal exist -> occurrence_id, nominal_id, decided_at",
)
def _crime_and_nominal(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    occurrence, now = create_crime(api, params)
    nominal = create_nominal(api, params)
    return {
        "occurrence_id": occurrence["occurrence_id"],
        "nominal_id": nominal["nominal_id"],
        "decided_at": iso(now - timedelta(hours=1)),
    }


@state(
    "records",
    r"an? crime occurrence with a charged suspect exists",
    "a crime occurrence with a charged suspect exists -> occurrence_id, nominal_id, custody_id",
)
def _charged_crime(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    occurrence, now = create_crime(api, params)
    occurrence_id = occurrence["occurrence_id"]
    nominal = (
        nominal_with_pnc(api, str(params["pnc_id"]), params)
        if params.get("pnc_id")
        else create_nominal(api, params)
    )
    nominal_id = nominal["nominal_id"]
    api.call(
        "POST",
        f"/occurrences/{occurrence_id}/links",
        WRITE,
        json={"nominal_id": nominal_id, "role": "suspect"},
        expect=(200, 201),
    )
    custody_id = str(uuid.uuid4())
    charge = {
        "cjs_code": str(params.get("cjs_code") or "OF61102"),
        "title": str(params.get("charge") or "Assault occasioning actual bodily harm (s.47)"),
    }
    api.call(
        "POST",
        f"/occurrences/{occurrence_id}/custody-outcomes",
        WRITE,
        expect=(200, 201),
        json={
            "custody_id": custody_id,
            "custody_number": str(params.get("custody_number") or f"LS-{now.year}-{now.strftime('%H%M%S')}"),
            "nominal_id": nominal_id,
            "outcome": {"type": "charged", "decided_at": iso(now - timedelta(hours=1)), "charges": [charge]},
        },
    )
    return {"occurrence_id": occurrence_id, "nominal_id": nominal_id, "custody_id": custody_id}


@state(
    "records", r"no occurrence with id (?P<occurrence_id>\S+) exists", "no occurrence with id <uuid> exists"
)
def _no_occurrence(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return {"occurrence_id": params["occurrence_id"]}


@state(
    "records",
    r"the records change feed has an event after a cursor",
    "the records change feed has an event after a cursor -> after, nominal_id",
)
def _feed(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    create_nominal(api, params)  # so that there is a cursor even on an empty feed
    after = api.feed_end(READ)
    if not after:
        raise StateError("GET /events shows no event after a nominal was created")
    nominal = create_nominal(api, params)
    return {"after": after, "nominal_id": nominal["nominal_id"]}
