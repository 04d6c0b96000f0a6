"""The records oracle: a nominal read back carries the identifiers that were sent for it.

Stateful over one run: the PNC ID and CRO number of every nominal the target created
(`POST /nominals`) or changed (`PATCH /nominals/{id}`, merge-patch: null removes) are remembered,
and every later answer showing that nominal must carry them, either exactly as sent or in the
canonical form the standard documents (`YYYY/NNNNNNNC`; `NNNNNN/YYC` or `SFYY/NC`), computed with
the project's own identifier code (`simulators/domain/identifiers.py`). A merge forgets the
nominals it names (the survivor may rightly take the duplicate's identifiers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.oracle.exchange import UUID_RE, objects
from harness.oracle.exchange import shown as shown_value
from harness.oracle.readback import ReadBack
from harness.tap import TappedExchange
from simulators.domain.identifiers import normalise_cro_number, normalise_pnc_id

#: Identifier field -> (rule id of the standard, its canonical form).
IDENTIFIERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "pnc_id": ("RMS-ID-001", normalise_pnc_id),
    "cro_number": ("RMS-ID-002", normalise_cro_number),
}
TITLES = {
    "RMS-ID-001": "A nominal read back does not carry the PNC ID that was sent for it",
    "RMS-ID-002": "A nominal read back does not carry the CRO number that was sent for it",
}


def _allowed(value: Any, normalise: Callable[[str], str]) -> set[Any]:
    """What the standard allows back for a value sent: itself, or its canonical form."""
    if not isinstance(value, str):
        return {value}
    try:
        return {value, normalise(value)}
    except ValueError:
        return {value}


def _compare(shown: dict[str, Any], sent: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, (rule, normalise) in IDENTIFIERS.items():
        bad = out.setdefault(rule, [])
        got, given = shown.get(name), sent.get(name)
        allowed = _allowed(given, normalise)
        if not isinstance(got, str | None) or got not in allowed:
            canonical = allowed - {given}
            also = f" (or its canonical form {shown_value(next(iter(canonical)))})" if canonical else ""
            bad.append(
                f"nominal {shown_value(shown.get('nominal_id'), 60)}: {name} is {shown_value(got)}, "
                f"but {shown_value(given)}{also} was sent for it"
            )
    return out


class RecordsJudge:
    def __init__(self) -> None:
        self.book = ReadBack(_compare)

    def learn(self, ex: TappedExchange, started: float, finished: float) -> None:
        if ex.status is None or not 200 <= ex.status < 300 or ex.method not in ("POST", "PATCH"):
            return
        parts = ex.path.rstrip("/").split("/")
        sent = ex.request_json()
        if "merges" in parts:
            named = {p.lower() for p in parts if UUID_RE.match(p)}
            named |= {
                str(v).lower()
                for o in objects(sent)
                for v in o.values()
                if isinstance(v, str) and UUID_RE.match(v)
            }
            for nid in named:
                if self.book.knows(nid):
                    self.book.wrote(nid, None, started, finished)  # the survivor may take the other's ids
            return
        if not isinstance(sent, dict):
            return
        if ex.method == "POST" and parts == ["", "nominals"]:
            body = ex.json()
            created = body.get("nominal_id") if isinstance(body, dict) else None
            if isinstance(created, str):
                self.book.wrote(
                    created.lower(), {name: sent.get(name) for name in IDENTIFIERS}, started, finished
                )
        elif (
            ex.method == "PATCH"
            and len(parts) == 3
            and parts[1] == "nominals"
            and self.book.knows(parts[2].lower())
        ):
            nid = parts[2].lower()
            before = self.book.latest(nid)
            changed = {name: sent[name] for name in IDENTIFIERS if name in sent}
            self.book.wrote(nid, None if before is None else {**before, **changed}, started, finished)

    def judge(self, ex: TappedExchange, started: float, finished: float) -> dict[str, list[str]]:
        """Reads are kept and judged at drain (`settle`), once every write of the suite is known."""
        if ex.method == "GET" and ex.status is not None and 200 <= ex.status < 300:
            for obj in objects(ex.json()):
                nid = obj.get("nominal_id")
                if isinstance(nid, str) and "resolved_from" not in obj and all(k in obj for k in IDENTIFIERS):
                    shown = {"nominal_id": nid, **{k: obj.get(k) for k in IDENTIFIERS}}
                    self.book.read(ex, nid.lower(), shown, started, finished)
        return {}

    def settle(self, suite: str) -> list[tuple[TappedExchange, dict[str, list[str]]]]:
        return self.book.settle(suite)
