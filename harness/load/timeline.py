"""Per-second figures of a load run, per operation: requests, errors by kind, latency histogram.

Each Locust process records what its users did (`Recorder.record`, from Locust's request event);
workers send their windows to the master with Locust's own reports, where they are merged. The
histograms round response times the way Locust does (exact below 100 ms, to 10 ms below 1 s, to
100 ms above), so percentiles are Locust's figures, computable per second or over any span.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def bucket(ms: float) -> int:
    if ms < 100:
        return int(round(ms))
    if ms < 1000:
        return int(round(ms, -1))
    return int(round(ms, -2))


def percentile(hist: dict[int, int], fraction: float) -> float | None:
    """The smallest bucket at or above which `fraction` of the requests fall (None when empty)."""
    total = sum(hist.values())
    if not total:
        return None
    rank = math.ceil(total * fraction)
    seen = 0
    for ms in sorted(hist):
        seen += hist[ms]
        if seen >= rank:
            return float(ms)
    return float(max(hist))


@dataclass
class Window:
    """One operation in one second."""

    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    hist: Counter[int] = field(default_factory=Counter)

    def add(self, other: Window) -> None:
        self.requests += other.requests
        self.errors.update(other.errors)
        self.hist.update(other.hist)

    def to_wire(self) -> dict[str, Any]:
        return {"n": self.requests, "e": dict(self.errors), "h": {str(k): v for k, v in self.hist.items()}}

    @classmethod
    def from_wire(cls, raw: dict[str, Any]) -> Window:
        return cls(
            int(raw["n"]),
            Counter({str(k): int(v) for k, v in raw["e"].items()}),
            Counter({int(k): int(v) for k, v in raw["h"].items()}),
        )


class Recorder:
    """Windows keyed by (whole second, operation name)."""

    def __init__(self) -> None:
        self.windows: dict[tuple[int, str], Window] = {}

    def record(self, when: float, operation: str, response_ms: float, error: str | None) -> None:
        w = self.windows.setdefault((int(when), operation), Window())
        w.requests += 1
        w.hist[bucket(response_ms)] += 1
        if error:
            w.errors[error] += 1

    def drain(self) -> list[list[Any]]:
        """The windows as plain data (for a worker's report to its master), emptied."""
        out = [[sec, op, w.to_wire()] for (sec, op), w in self.windows.items()]
        self.windows = {}
        return out

    def merge(self, wire: list[list[Any]]) -> None:
        for sec, op, raw in wire:
            self.windows.setdefault((int(sec), str(op)), Window()).add(Window.from_wire(raw))


def summarise(windows: dict[tuple[int, str], Window], start: int, end: int) -> dict[str, Any]:
    """Figures over the seconds [start, end) per operation and in total, plus the per-second series."""
    per_op: dict[str, Window] = {}
    total = Window()
    series: dict[str, list[dict[str, Any]]] = {}
    for (sec, op), w in sorted(windows.items()):
        if not start <= sec < end:
            continue
        per_op.setdefault(op, Window()).add(w)
        total.add(w)
        series.setdefault(op, []).append(
            {
                "t": sec - start,
                "requests": w.requests,
                "errors": sum(w.errors.values()),
                "p50": percentile(w.hist, 0.50),
                "p95": percentile(w.hist, 0.95),
                "p99": percentile(w.hist, 0.99),
            }
        )
    seconds = max(1, end - start)
    return {
        "seconds": seconds,
        "operations": {op: figures(w, seconds) for op, w in sorted(per_op.items())},
        "total": figures(total, seconds),
        "series": series,
    }


def figures(w: Window, seconds: int) -> dict[str, Any]:
    errors = sum(w.errors.values())
    return {
        "requests": w.requests,
        "errors": errors,
        "errors_by_kind": dict(sorted(w.errors.items())),
        "error_rate": round(errors / w.requests, 4) if w.requests else 0.0,
        "throughput": round(w.requests / seconds, 2),
        "p50": percentile(w.hist, 0.50),
        "p95": percentile(w.hist, 0.95),
        "p99": percentile(w.hist, 0.99),
        "max": float(max(w.hist)) if w.hist else None,
        "mean": round(sum(k * v for k, v in w.hist.items()) / w.requests, 1) if w.requests else None,
    }
