"""Service levels: the latency, error-rate and throughput thresholds a load run is judged by.

Given on the command line (`--service-levels "p95=400,p99=900"`) or in a YAML file, with defaults
for every operation and overrides per operation of the workload (docs/load.md).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from harness.errors import InteropError

METRICS = ("p50", "p95", "p99", "error_rate", "throughput")
# The requirement each service level stands for (contracts/requirements.yaml, group "performance").
REQUIREMENTS = {
    "p50": "LOAD-p50",
    "p95": "LOAD-p95",
    "p99": "LOAD-p99",
    "error_rate": "LOAD-error-rate",
    "throughput": "LOAD-throughput",
}


@dataclass(frozen=True)
class Levels:
    """Thresholds for one operation: latency percentiles in milliseconds (at most), error rate as a
    fraction of requests (at most), throughput as a fraction of the asked rate (at least)."""

    p50: float | None = 300.0
    p95: float | None = 800.0
    p99: float | None = 1500.0
    error_rate: float | None = 0.01
    throughput: float | None = 0.9

    def merged(self, raw: dict[str, Any], where: str) -> Levels:
        return replace(self, **_values(raw, where))


@dataclass(frozen=True)
class ServiceLevels:
    default: Levels = Levels()
    per_operation: tuple[tuple[str, Levels], ...] = ()

    def for_operation(self, name: str) -> Levels:
        return next((lv for op, lv in self.per_operation if op == name), self.default)

    def describe(self) -> dict[str, Any]:
        return {
            "default": _as_dict(self.default),
            "operations": {op: _as_dict(lv) for op, lv in self.per_operation},
        }


def _as_dict(levels: Levels) -> dict[str, float | None]:
    return {f.name: getattr(levels, f.name) for f in fields(levels)}


def _values(raw: Any, where: str) -> dict[str, float | None]:
    if not isinstance(raw, dict):
        raise InteropError(f"{where}: expected a mapping of {', '.join(METRICS)}")
    out: dict[str, float | None] = {}
    for key, value in raw.items():
        if key not in METRICS:
            raise InteropError(f"{where}: unknown service level {key!r}; choose from {', '.join(METRICS)}")
        if value is None or (isinstance(value, str) and value.strip().lower() in ("off", "none", "")):
            out[key] = None  # not judged
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InteropError(f"{where}: {key} must be a number; got {value!r}") from None
        if not (0 <= number < float("inf")):
            raise InteropError(f"{where}: {key} must be a finite number >= 0; got {value!r}")
        if key in ("error_rate", "throughput") and number > 1:
            raise InteropError(f"{where}: {key} is a fraction between 0 and 1; got {value!r}")
        out[key] = number
    return out


def parse_inline(text: str) -> dict[str, str]:
    """`p95=400,p99=900,error_rate=0.02` as a mapping (the `--service-levels` inline form)."""
    out: dict[str, str] = {}
    for item in text.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep or not key.strip():
            raise InteropError(f"--service-levels: expected KEY=VALUE pairs or a YAML file; got {item!r}")
        out[key.strip()] = value.strip()
    return out


def load_levels(spec: str | None, operations: list[str] | None = None) -> ServiceLevels:
    """Service levels from `--service-levels` (a YAML file or inline pairs), over the defaults.

    YAML: `default: {p95: 500, ...}` and `operations: {"search by name": {p95: 300}}`.
    """
    if not spec:
        return ServiceLevels()
    path = Path(spec)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, or with a NUL
        is_file = False
    if not is_file:
        return ServiceLevels(Levels().merged(parse_inline(spec), "--service-levels"))
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InteropError(
            f"--service-levels {path}: cannot be read as YAML ({type(exc).__name__})"
        ) from None
    if not isinstance(doc, dict) or not set(doc) <= {"default", "operations"}:
        raise InteropError(f"--service-levels {path}: expected a mapping with 'default' and/or 'operations'")
    default = Levels().merged(doc.get("default") or {}, f"{path}: default")
    per_op = doc.get("operations") or {}
    if not isinstance(per_op, dict):
        raise InteropError(f"{path}: operations must map an operation name to its levels")
    if operations is not None:
        unknown = sorted(set(per_op) - set(operations))
        if unknown:
            raise InteropError(
                f"{path}: unknown operation {unknown[0]!r}; this workload has {', '.join(operations)}"
            )
    return ServiceLevels(
        default, tuple((str(op), default.merged(raw or {}, f"{path}: {op}")) for op, raw in per_op.items())
    )
