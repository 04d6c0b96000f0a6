"""Charge and keep in police detention (PACE s.37(7)(d), s.38): the rules, as pure functions.

After charge the pre-charge limits stop (clock.py, PACE-s41-after-charge), reviews go on at the same
intervals by the custody officer (PACE-s40-after-charge), and a juvenile kept in detention is moved
to local authority accommodation unless the custody officer certifies why not
(`PACE-s38-6-transfer`, docs/domain.md 2.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from simulators.custody.appropriate_adult import check_informed_before_charge
from simulators.custody.clock import Breach, Detention, _check_event_time, _check_open, _fmt, rank_at_least

#: How a juvenile kept after charge is accommodated (s.38(6)): moved, or a certificate says why not.
TRANSFER_ARRANGED = "transferred"
CERTIFIED = ("not_practicable", "no_secure_accommodation")
SECURE_FROM_AGE = 12  # s.38(6)(b)


def check_charge(
    d: Detention,
    charged_at: datetime,
    rank: str,
    *,
    charges: Sequence[Any],
    juvenile: bool,
    vulnerable: bool,
    adult_informed: list[datetime],
    accommodation: dict[str, Any] | None,
    now: datetime,
    age: int | None = None,
) -> Breach | None:
    """Charge a detainee who is kept in police detention: once, by a custody officer, in order."""
    breach = _check_open(d, "a charge")
    if breach:
        return breach
    if d.charged_at is not None:
        return Breach("CUS-ALREADY-CHARGED", f"The detainee was charged at {_fmt(d.charged_at)}.", status=409)
    if d.authorised_at is None:
        return Breach(
            "CUS-NOT-AUTHORISED", "Detention has not been authorised: there is no detention to continue."
        )
    breach = _check_event_time(d, charged_at, now, "charged_at", after_authorisation=True)
    if breach:
        return breach
    if not rank_at_least(rank, "sergeant"):
        return Breach(
            "CUS-OUTCOME-RANK",
            f"The custody officer, a sergeant or above, charges the detainee; the officer is a {rank}.",
            "charged_by.rank",
        )
    if not charges:
        return Breach("CUS-OUTCOME-CHARGES", "A charge names at least one offence.", "charges")
    breach = check_informed_before_charge(juvenile or vulnerable, adult_informed, charged_at)
    if breach:
        return breach
    if juvenile:
        return check_transfer(accommodation, age)
    return None


def check_transfer(accommodation: dict[str, Any] | None, age: int | None = None) -> Breach | None:
    """PACE-s38-6-transfer: moved to local authority accommodation, or certified why not, with the
    reason; "no secure accommodation" only for a juvenile of 12 or over (`age`, when known)."""
    kind = (accommodation or {}).get("arrangement")
    if kind == TRANSFER_ARRANGED:
        return None
    if kind == "no_secure_accommodation" and age is not None and age < SECURE_FROM_AGE:
        return Breach(
            "PACE-s38-6-transfer",
            f"A certificate that no secure accommodation is available is for a juvenile of 12 or over; "
            f"the detainee is {age}.",
            "local_authority_accommodation.arrangement",
        )
    if kind in CERTIFIED:
        reason = str((accommodation or {}).get("certificate_reason") or "").strip()
        if not reason:
            return Breach(
                "PACE-s38-6-transfer",
                "A juvenile kept after charge who is not moved to local authority accommodation needs "
                "the custody officer's certificate giving the reason (certificate_reason).",
                "local_authority_accommodation.certificate_reason",
            )
        return None
    return Breach(
        "PACE-s38-6-transfer",
        "A juvenile kept in police detention after charge is moved to local authority accommodation "
        "(arrangement transferred), or the custody officer certifies why that is not practicable or, "
        "for a juvenile of 12 or over, that no secure accommodation is available.",
        "local_authority_accommodation",
    )
