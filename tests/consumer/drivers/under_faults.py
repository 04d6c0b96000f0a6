"""A product driver for `interop observe --faults`: `python under_faults.py careful|sloppy`.

It meets each fault of tests/consumer/test_resilience.py's plan in turn (it reads the reference
system's /_sim/faults only to know when: a test driver's convenience, not something a product
does) and behaves as a careful or a sloppy product would:

1. a create slowed beyond its 0.5 s timeout: sloppy sends it again at once (a duplicate); careful
   looks for the record before sending anything again;
2. records throttled (429, Retry-After 2): sloppy retries at once, gives up, and reports the work
   done anyway (lost work); careful waits as asked and keeps the work until it is taken;
3. every token expired: sloppy keeps its token and never works again; careful fetches a new one.
"""

from __future__ import annotations

import json
import os
import sys
import time

import requests

MODE = sys.argv[1]
RECORDS = os.environ["INTEROP_RECORDS_URL"]
ACTIONS = os.environ["INTEROP_ACTIONS_FILE"]
ADDRESS = {"line1": "14 Rue Street", "town": "Leeds", "postcode": "LS6 2AB"}
FIRST = {
    "surname": "Ferreira",
    "forenames": ["Inês"],
    "sex": "female",
    "date_of_birth": "1990-03-04",
    "address": ADDRESS,
}
SECOND = {
    "surname": "Okonkwo",
    "forenames": ["Chidi"],
    "sex": "male",
    "date_of_birth": "1985-07-21",
    "address": ADDRESS,
}


def token() -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": os.environ["INTEROP_CLIENT_ID"],
        "client_secret": os.environ["INTEROP_CLIENT_SECRET"],
        "scope": "records:read records:write",
    }
    resp = requests.post(os.environ["INTEROP_TOKEN_URL"], data=form, timeout=10)
    resp.raise_for_status()
    return str(resp.json()["access_token"])


TOKEN = token()


def call(method: str, path: str, timeout: float = 10, **kw: object) -> requests.Response:
    global TOKEN
    resp = requests.request(
        method, RECORDS + path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=timeout, **kw
    )
    if resp.status_code == 401 and MODE == "careful":
        TOKEN = token()  # expired: a careful product fetches a new one and asks again
        resp = requests.request(
            method, RECORDS + path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=timeout, **kw
        )
    return resp


def wait_for(test: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        faults = requests.get(RECORDS + "/_sim/faults", timeout=10).json()
        if eval(test, {}, dict(faults)):  # noqa: S307 - the test's own fixed expressions
            return
        time.sleep(0.1)
    raise SystemExit(f"the fault plan never reached: {test}")


def report_done(body: dict[str, object]) -> None:
    with open(ACTIONS, "a", encoding="utf-8") as out:
        out.write(
            json.dumps({"system": "records", "method": "POST", "path": "/nominals", "request": body}) + "\n"
        )


# 1. a slow create
wait_for("latency_ms == 1500")
try:
    call("POST", "/nominals", timeout=0.5, json=FIRST)
except requests.Timeout:
    if MODE == "sloppy":
        call("POST", "/nominals", json=FIRST)  # blind: the first one was made all the same
    else:
        time.sleep(2.0)
        found = call("GET", "/nominals", params={"surname": FIRST["surname"], "limit": 5}).json()
        assert any(n.get("date_of_birth") == FIRST["date_of_birth"] for n in found["items"]), found
report_done(FIRST)

# 2. throttled
wait_for("down and status == 429")
if MODE == "sloppy":
    for _ in range(3):
        if call("POST", "/nominals", json=SECOND).status_code == 201:
            break
else:
    while True:
        resp = call("POST", "/nominals", json=SECOND)
        if resp.status_code == 201:
            break
        time.sleep(float(resp.headers.get("Retry-After") or 1) + 0.2)
report_done(SECOND)
wait_for("not down")
assert call("GET", "/nominals", params={"limit": 5}).status_code == 200

# 3. every token expired
wait_for("expire_tokens")
for _ in range(7):
    call("GET", "/nominals", params={"limit": 5})
    time.sleep(1.0)
