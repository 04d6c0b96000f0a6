"""A fault schedule applied to the reference systems while the product runs (`--faults PLAN.yaml`).

```yaml
faults:
  - {at: 0, system: records, set: {down: true, operations: ["GET /nominals"]}}
  - {at: 10, system: records, set: {}}        # back to normal
```

`at` is seconds after the product starts; `set` is what `PUT /_sim/faults` takes (latency_ms,
error_rate, down, operations). Every system the plan touched is set back to no faults at the end.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import requests
import yaml

from harness.errors import InteropError
from simulators.core.config import SYSTEMS
from simulators.core.faults import DEFAULTS

MAX_AT_S = 24 * 3600.0


@dataclass(frozen=True)
class FaultStep:
    at: float
    system: str
    settings: dict[str, Any]


def load_plan(path: Path) -> list[FaultStep]:
    """The plan's steps in time order; one clear error for anything else."""
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InteropError(f"--faults {path}: not a readable YAML fault plan ({exc})") from None
    steps = data.get("faults") if isinstance(data, dict) else None
    if not isinstance(steps, list) or not steps:
        raise InteropError(f"--faults {path}: expected a list under `faults:` (docs/consumers.md)")
    out = []
    for i, step in enumerate(steps, 1):
        if not isinstance(step, dict):
            raise InteropError(f"--faults {path}: step {i} is not a mapping")
        at, system, settings = step.get("at"), step.get("system"), step.get("set", {})
        if isinstance(at, bool) or not isinstance(at, int | float) or not 0 <= at <= MAX_AT_S:
            raise InteropError(f"--faults {path}: step {i}: `at` must be seconds from 0 to {MAX_AT_S:.0f}")
        if system not in SYSTEMS:
            raise InteropError(f"--faults {path}: step {i}: `system` must be one of {', '.join(SYSTEMS)}")
        if not isinstance(settings, dict) or set(settings) - set(DEFAULTS):
            raise InteropError(
                f"--faults {path}: step {i}: `set` takes only {', '.join(DEFAULTS)} (PUT /_sim/faults)"
            )
        out.append(FaultStep(float(at), str(system), dict(settings)))
    return sorted(out, key=lambda s: s.at)


class FaultSchedule:
    """Applies the steps at their times on a thread; clears the faults of every system it touched."""

    def __init__(self, urls: dict[str, str], steps: list[FaultStep]) -> None:
        self.urls = urls
        self.steps = steps
        self._touched = {s.system for s in steps}
        self.applied: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-schedule", daemon=True)

    def __enter__(self) -> FaultSchedule:
        # Steps at 0 are in place before the product starts, so its first call already meets them.
        while self.steps and self.steps[0].at <= 0:
            self._apply(self.steps.pop(0))
        if self.steps:
            self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        for system in sorted(self._touched):
            self._put(system, {})

    def _run(self) -> None:
        started = time.monotonic()
        for step in self.steps:
            if self._stop.wait(max(0.0, step.at - (time.monotonic() - started))):
                return
            self._apply(step)

    def _apply(self, step: FaultStep) -> None:
        if self._put(step.system, step.settings):
            self.applied.append(
                {"at": step.at, "wall": time.time(), "system": step.system, "set": step.settings}
            )

    def _put(self, system: str, settings: dict[str, Any]) -> bool:
        try:
            resp = requests.put(f"{self.urls[system]}/_sim/faults", json=settings, timeout=10)
        except requests.RequestException as exc:
            self.errors.append(f"{system}: {exc}")
            return False
        if resp.status_code != 200:
            self.errors.append(f"{system}: PUT /_sim/faults answered {resp.status_code}: {resp.text[:200]}")
            return False
        return True
