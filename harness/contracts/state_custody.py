"""Provider states of a custody system, set up with its own endpoints: `POST /custody-records`
(booking in, which identifies or creates the detainee in the custody system's own records peer),
`POST .../authorisation` and `POST .../outcome`. Times come from the target's clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from harness.contracts.state_catalogue import state
from harness.contracts.state_records import iso
from harness.contracts.target_api import StateError, TargetApi

READ, WRITE = ["custody:read"], ["custody:read", "custody:write"]
SERGEANT = {"name": "PS Rob Hart", "collar_number": "2210", "rank": "sergeant"}
CONSTABLE = {"name": "PC Amy Walsh", "collar_number": "4512", "rank": "constable"}
THEFT = {"cjs_code": "TH68010", "title": "Theft from a shop"}


def book_in(api: TargetApi, params: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Book a new detainee in (created in records: `create_new`, so reruns are never ambiguous)."""
    now = now or api.now()
    arrived = now - timedelta(hours=3)
    forenames = params.get("forenames") or ["Alex"]
    detainee = {
        "surname": params.get("surname") or "Contract",
        "forenames": list(forenames) if isinstance(forenames, list) else [str(forenames)],
        "date_of_birth": params.get("date_of_birth") or "1985-06-15",
        "sex": params.get("sex") or "unknown",
        "address": params.get("address")
        or {"line1": "1 Contract Street", "town": "Leeds", "postcode": "LS1 1AA"},
        "create_new": True,
    }
    return api.call(
        "POST",
        "/custody-records",
        WRITE,
        expect=(201,),
        require=("custody_id", "nominal_id"),
        json={
            "station": {"code": str(params.get("station") or "LS"), "name": "Leeds District Custody Suite"},
            "arrest": {
                "arrested_at": iso(arrived - timedelta(minutes=35)),
                "location": "Briggate, Leeds",
                "reason": "Suspected theft from a shop; necessary for a prompt and effective investigation",
                "officer": CONSTABLE,
            },
            "arrived_at": iso(arrived),
            "offences": [
                {
                    "cjs_code": str(params.get("cjs_code") or THEFT["cjs_code"]),
                    "title": str(params.get("offence") or THEFT["title"]),
                }
            ],
            "detainee": detainee,
            "booked_in_by": SERGEANT,
        },
    )


def _values(record: dict[str, Any]) -> dict[str, Any]:
    if not record.get("custody_id") or not record.get("nominal_id"):
        raise StateError("POST /custody-records answered without custody_id and nominal_id")
    return {
        "custody_id": record["custody_id"],
        "nominal_id": record["nominal_id"],
        "custody_number": record.get("custody_number"),
    }


@state(
    "custody",
    r"an? detainee has been booked into custody|a custody record for a nominal exists",
    "a detainee has been booked into custody (params: surname, forenames, date_of_birth) -> custody_id, "
    "nominal_id, custody_number",
)
def _booked(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return _values(book_in(api, params))


@state(
    "custody",
    r"a custody record with a charge outcome exists",
    "a custody record with a charge outcome exists -> custody_id, nominal_id, custody_number",
)
def _charged(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    now = api.now()
    record = book_in(api, params, now)
    values = _values(record)
    path = f"/custody-records/{values['custody_id']}"
    api.call(
        "POST",
        f"{path}/authorisation",
        WRITE,
        expect=(200,),
        json={
            "authorised_at": iso(now - timedelta(hours=2, minutes=45)),
            "authorised_by": SERGEANT,
            "grounds": "Necessary to obtain evidence by questioning",
        },
    )
    charge = {
        "cjs_code": str(params.get("cjs_code") or THEFT["cjs_code"]),
        "title": str(params.get("offence") or THEFT["title"]),
    }
    api.call(
        "POST",
        f"{path}/outcome",
        WRITE,
        expect=(200,),
        json={
            "type": "charged",
            "decided_at": iso(now - timedelta(hours=1)),
            "decided_by": SERGEANT,
            "charges": [charge],
            "detail": "Charged and bailed to Leeds Magistrates' Court",
        },
    )
    return values


@state(
    "custody",
    r"no custody record with id (?P<custody_id>\S+) exists",
    "no custody record with id <uuid> exists",
)
def _no_record(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return {"custody_id": params["custody_id"]}


@state(
    "custody",
    r"nominal (?P<nominal_id>\S+) has never been in custody",
    "nominal <uuid> has never been in custody",
)
def _never(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    return {"nominal_id": params["nominal_id"]}


@state(
    "custody",
    r"the custody change feed has an event after a cursor",
    "the custody change feed has an event after a cursor -> after, custody_id",
)
def _feed(api: TargetApi, params: dict[str, Any]) -> dict[str, Any]:
    book_in(api, params)
    after = api.feed_end(READ)
    if not after:
        raise StateError("GET /events shows no event after a detainee was booked in")
    return {"after": after, "custody_id": _values(book_in(api, params))["custody_id"]}
