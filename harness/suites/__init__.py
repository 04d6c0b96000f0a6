"""The verification suites. Each module exposes a class with `name` and `run(ctx, emit)`."""

from __future__ import annotations

import importlib
from typing import Any

from harness.errors import InteropError

SUITE_CLASSES: dict[str, tuple[str, str]] = {
    "contracts": ("harness.suites.contracts", "ContractsSuite"),
    "fuzz": ("harness.suites.fuzz", "FuzzSuite"),
    "scenarios": ("harness.suites.scenarios", "ScenariosSuite"),
    "rules": ("harness.suites.rules", "RulesSuite"),
    "load": ("harness.suites.load", "LoadSuite"),  # opt-in: only with --suite load (docs/load.md)
    "consumer": ("harness.suites.consumer", "ConsumerSuite"),  # opt-in: interop observe (docs/consumers.md)
    "portability": ("harness.suites.portability", "PortabilitySuite"),  # opt-in (docs/portability.md)
}
OPT_IN_SUITES = ("load", "consumer", "portability")
ALL_SUITES = tuple(s for s in SUITE_CLASSES if s not in OPT_IN_SUITES)  # the default set


def available_suites() -> list[str]:
    out = []
    for name in ALL_SUITES:
        module = SUITE_CLASSES[name][0]
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        out.append(name)
    return out


def load_suite(name: str, **options: Any) -> Any:
    if name not in SUITE_CLASSES:
        raise InteropError(f"unknown suite {name!r}; choose from {', '.join(SUITE_CLASSES)}")
    module, cls = SUITE_CLASSES[name]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            raise InteropError(f"the {name} suite is not available in this version") from exc
        raise
    return getattr(mod, cls)(**options)
