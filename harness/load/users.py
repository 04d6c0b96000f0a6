"""The Locust user that plays one role's workload (imported only inside the load processes).

One class, `InteropUser`, for every role: `configure()` gives it the role's operations, data,
tokens, target and pace before any user spawns (on a worker, when the master sends the
configuration), so the same class name exists on the master and on workers of any host.
Every answer is classified (5xx, timeout, connection, 4xx); the first good answer of each operation,
and one in `sample_every` after it, is also checked against the standard's response schema and for
wrong data (an id read back that is not the id asked, a PNC search returning another person, an
original text in the sanitised view).
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from datetime import datetime, timedelta
from random import Random
from typing import Any

from locust import FastHttpUser, constant_throughput, task

from harness.load.timeline import Recorder
from harness.load.workload import LoadOperation, book_in, operations

RECORDER = Recorder()
SAMPLED: Counter[str] = Counter()  # operation name -> answers checked against the standard
GOOD_ANSWERS: Counter[str] = Counter()  # operation name -> answers with the expected status so far


class InFlight:
    """Requests sent and not yet answered in this process, integrated over time: `area()` grows by
    the number in flight each second, so its growth over a span is the mean number of users
    waiting on the product then (sampling the count itself would lock onto the users' pace)."""

    def __init__(self) -> None:
        self.count = 0
        self._area = 0.0
        self._last = time.monotonic()

    def change(self, delta: int) -> None:
        now = time.monotonic()
        self._area += self.count * (now - self._last)
        self._last = now
        self.count += delta

    def area(self) -> float:
        self.change(0)
        return self._area


IN_FLIGHT = InFlight()
_CONFIG: dict[str, Any] = {}
_CHECKER: Any = None
_SERIAL = itertools.count()


def configure(cfg: dict[str, Any]) -> type[InteropUser]:
    global _CHECKER
    from simulators.core.response_check import ResponseChecker
    from simulators.core.spec import load_spec

    _CONFIG.clear()
    _CONFIG.update(cfg)
    _CHECKER = ResponseChecker(load_spec(cfg["role"]))
    InteropUser.host = cfg["target_url"]
    InteropUser.wait_time = constant_throughput(cfg["per_user_rate"])
    InteropUser.network_timeout = float(cfg.get("timeout", 10.0))
    InteropUser.connection_timeout = float(cfg.get("timeout", 10.0))
    return InteropUser


def on_request(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: Any = None,
    **_kw: Any,
) -> None:
    """Locust's request event: every request into the per-second windows."""
    RECORDER.record(time.time(), name, response_time or 0.0, str(exception) if exception else None)


class InteropUser(FastHttpUser):
    host = "http://127.0.0.1"

    def on_start(self) -> None:
        self.ops: tuple[LoadOperation, ...] = operations(_CONFIG["role"])
        self.rng = Random(f"{_CONFIG.get('seed', 0)}:{next(_SERIAL)}")
        self.data: dict[str, Any] = _CONFIG["data"]

    @task
    def act(self) -> None:
        op = self.rng.choices(self.ops, weights=[o.weight for o in self.ops])[0]
        path, body, check = getattr(self, "_" + op.name.replace(" ", "_").replace("-", "_").lower())()
        headers = {
            "Authorization": f"Bearer {self.data['tokens'][' '.join(op.scopes)]}",
            **_CONFIG.get("headers", {}),
        }
        expected = 201 if op.method == "POST" else 200
        IN_FLIGHT.change(1)
        answered = False
        try:
            with self.client.request(
                op.method, path, name=op.name, json=body, headers=headers, catch_response=True
            ) as resp:
                IN_FLIGHT.change(-1)
                answered = True
                kind = _classify(resp, expected)
                # Per operation, its first good answer and every n-th after it: a rare operation
                # (a create among many reads) is always checked at least once.
                nth = GOOD_ANSWERS[op.name]
                if kind is None:
                    GOOD_ANSWERS[op.name] += 1
                if kind is None and nth % int(_CONFIG.get("sample_every", 10)) == 0:
                    SAMPLED[op.name] += 1
                    kind = _judge(op, resp, check)
                if kind:
                    resp.failure(kind)
                else:
                    resp.success()
        finally:
            if not answered:
                IN_FLIGHT.change(-1)

    # -- records --------------------------------------------------------------------------------
    def _search_by_name(self) -> tuple[str, None, Any]:
        return f"/nominals?surname={self.rng.choice(self.data['surnames'])}&limit=20", None, None

    def _read_by_id(self) -> tuple[str, None, Any]:
        wanted = self.rng.choice(self.data["nominals"])["nominal_id"]
        return f"/nominals/{wanted}", None, lambda doc: doc.get("nominal_id") == wanted

    def _read_by_pnc_id(self) -> tuple[str, None, Any]:
        wanted = self.rng.choice(self.data["nominals"])["pnc_id"]

        def same_person(doc: Any) -> bool:
            items = doc.get("items") or []
            return bool(items) and all(i.get("pnc_id") == wanted for i in items)

        return f"/nominals?pnc_id={wanted}", None, same_person

    def _create_occurrence(self) -> tuple[str, dict[str, Any], Any]:
        nominal = self.rng.choice(self.data["nominals"])["nominal_id"]
        when = datetime(2024, 1, 1) + timedelta(minutes=self.rng.randrange(500_000))
        body = {
            "type": "crime",
            "classification": {"code": self.rng.choice(self.data["crime_codes"])},
            "summary": "Load test occurrence",
            "occurred_from": when.isoformat() + "Z",
            "links": [{"nominal_id": nominal, "role": "suspect"}],
        }
        return "/occurrences", body, lambda doc: bool(doc.get("occurrence_id"))

    # -- custody --------------------------------------------------------------------------------
    def _read_with_the_clock(self) -> tuple[str, None, Any]:
        wanted = self.rng.choice(self.data["custody_ids"])
        return f"/custody-records/{wanted}", None, lambda doc: doc.get("custody_id") == wanted

    def _timeline(self) -> tuple[str, None, Any]:
        wanted = self.rng.choice(self.data["custody_ids"])
        return f"/custody-records/{wanted}/timeline", None, lambda doc: bool(doc.get("items"))

    def _book_in(self) -> tuple[str, dict[str, Any], Any]:
        from harness.oracle.custody_probes import booking

        now = datetime.fromisoformat(self.data["now"])
        return (
            "/custody-records",
            book_in(now, self.rng.randrange(1000), booking),
            lambda d: bool(d.get("custody_id")),
        )

    # -- intelligence ---------------------------------------------------------------------------
    def _search(self) -> tuple[str, None, Any]:
        return f"/reports?q={self.rng.choice(self.data['words'])}&limit=20", None, None

    def _read_sanitised(self) -> tuple[str, None, Any]:
        wanted = self.rng.choice(self.data["report_ids"])
        return (
            f"/reports/{wanted}",
            None,
            lambda doc: doc.get("report_id") == wanted and not doc.get("original_text"),
        )

    def _submit_report(self) -> tuple[str, dict[str, Any], Any]:
        from harness.oracle.intelligence_probes import report

        body = report({"source_evaluation": "2", "intelligence_assessment": "B", "handling_code": "P"})
        return "/reports", body, lambda doc: bool(doc.get("report_id"))


def _classify(resp: Any, expected: int) -> str | None:
    status = resp.status_code or 0
    if status == 0:
        text = f"{type(resp.error).__name__} {resp.error}".lower() if resp.error else ""
        return "timeout" if "timeout" in text or "timed out" in text else "connection"
    if status >= 500:
        return "5xx"
    if status != expected:
        return "4xx" if 400 <= status < 500 else "unexpected-status"
    return None


def _judge(op: LoadOperation, resp: Any, check: Any) -> str | None:
    """'schema' when the answer breaks the standard's document, 'wrong-data' when it is not what was asked."""
    headers = resp.headers or {}
    media = (headers.get("Content-Type") or "").split(";")[0].strip()
    body = resp.content or b""
    if _CHECKER.check(op.template, op.method, resp.status_code, media, body, headers):
        return "schema"
    if check is not None:
        try:
            doc = json.loads(body)
        except ValueError:
            return "schema"
        if not isinstance(doc, dict) or not check(doc):
            return "wrong-data"
    return None
