"""Simultaneous book-ins of one new detainee all succeed and share one nominal (issue 26).

Each booking searches records by PNC ID, finds nothing and creates the nominal; records lets one
create win and answers the others 409 (RMS-NOM-002). Custody must then link to the nominal just
created, not refuse the booking (CUS-DETAINEE-REJECTED). Real records and custody servers.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from simulators.domain.identifiers import make_pnc_id
from tests.custody.helpers import RW, booking
from tests.simkit import start_system

BOOKERS = 8


@pytest.fixture(scope="module")
def systems(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("concurrent-booking")
    records = start_system("records", base / "records", population=20)
    custody = start_system("custody", base / "custody", population=20, peers={"records": records.url})
    yield records, custody
    custody.stop()
    records.stop()


def test_simultaneous_bookings_of_a_new_person_link_one_nominal(systems: Any) -> None:
    records, custody = systems
    pnc = make_pnc_id(2019, 654321)
    person = {
        "surname": "Quartermaine",
        "forenames": ["Ottoline"],
        "date_of_birth": "1990-05-17",
        "pnc_id": pnc,
    }
    headers = custody.headers(RW)
    start = threading.Barrier(BOOKERS)
    answers: list[requests.Response] = []
    lock = threading.Lock()

    def book() -> None:
        start.wait()
        r = requests.post(
            custody.url + "/custody-records", json=booking(detainee=dict(person)), headers=headers, timeout=30
        )
        with lock:
            answers.append(r)

    threads = [threading.Thread(target=book) for _ in range(BOOKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert [r.status_code for r in answers] == [201] * BOOKERS, [
        r.text[:300] for r in answers if r.status_code != 201
    ]
    nominal_ids = {r.json()["nominal_id"] for r in answers}
    assert len(nominal_ids) == 1
    found = records.get("/nominals", "records:read", params={"pnc_id": pnc}).json()["items"]
    assert [n["nominal_id"] for n in found] == list(nominal_ids)
