"""Read-back bookkeeping: what was written for each id, what later reads showed, judged at drain.

Why deferred: the tap reports an exchange when it ends, and with concurrent clients (fuzz
workers) a read may be reported before the write whose result it already shows. So reads are kept
with their time span and judged when the suite is drained, once every write of the suite is
known: a read is right when it shows the state left by the last write finished before the read
began, or the state of any write that overlapped the read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.tap import TappedExchange

#: shown object, expected values -> rule id -> what disagrees ([] when it agrees)
Compare = Callable[[dict[str, Any], dict[str, Any]], dict[str, list[str]]]


@dataclass(frozen=True)
class _Write:
    values: dict[str, Any] | None  # None: unknown from here on (e.g. after a merge)
    started: float
    finished: float


@dataclass(frozen=True)
class _Read:
    exchange: TappedExchange
    key: str
    shown: dict[str, Any]
    started: float
    finished: float


class ReadBack:
    def __init__(self, compare: Compare) -> None:
        self.compare = compare
        self._lock = threading.Lock()
        self._writes: dict[str, list[_Write]] = {}
        self._reads: list[_Read] = []

    def latest(self, key: str) -> dict[str, Any] | None:
        """The values of the last write to `key` known so far (None when unknown)."""
        with self._lock:
            writes = self._writes.get(key)
            return max(writes, key=lambda w: w.finished).values if writes else None

    def knows(self, key: str) -> bool:
        with self._lock:
            return key in self._writes

    def wrote(self, key: str, values: dict[str, Any] | None, started: float, finished: float) -> None:
        with self._lock:
            self._writes.setdefault(key, []).append(_Write(values, started, finished))

    def read(
        self, exchange: TappedExchange, key: str, shown: dict[str, Any], started: float, finished: float
    ) -> None:
        """Keep a read of a known id to judge at drain."""
        with self._lock:
            if key in self._writes:
                self._reads.append(_Read(exchange, key, shown, started, finished))

    def settle(self, suite: str) -> list[tuple[TappedExchange, dict[str, list[str]]]]:
        """Judge (and forget) the reads of `suite`: each exchange with its verdicts."""
        with self._lock:
            mine = [r for r in self._reads if r.exchange.suite == suite]
            self._reads = [r for r in self._reads if r.exchange.suite != suite]
            writes = {k: list(v) for k, v in self._writes.items()}
        out = []
        for read in mine:
            states = _states(writes.get(read.key, []), read)
            if not states or any(s is None for s in states):
                continue  # nothing known before the read, or unknown since a merge
            verdicts = [self.compare(read.shown, s) for s in states if s is not None]
            good = next((v for v in verdicts if not any(v.values())), None)
            out.append((read.exchange, good if good is not None else verdicts[0]))
        return out


def _states(writes: list[_Write], read: _Read) -> list[dict[str, Any] | None]:
    """The states a read may rightly show: the last before it, then any overlapping it."""
    before = [w for w in writes if w.finished <= read.started]
    overlapping = [w for w in writes if w.finished > read.started and w.started < read.finished]
    states = [max(before, key=lambda w: w.finished).values] if before else []
    return states + [w.values for w in overlapping]
