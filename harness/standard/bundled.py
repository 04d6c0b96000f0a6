"""Generate `contracts/bundled/<system>.json` from the split sources, and tell when they are stale.

The sources stay split (`contracts/openapi/<system>.yaml` + `common.yaml`) for the people who edit
them; vendors, tools and the simulators read one self-contained document per system.
"""

from __future__ import annotations

from pathlib import Path

from simulators.core import registry
from simulators.core.spec import bundle_sources, bundled_path, render_bundled


def _standard_systems() -> list[str]:
    """The systems whose documents are the standard's (not one registered with its own document)."""
    return [s.name for s in registry.systems() if s.in_standard]


def expected(system: str) -> str:
    """The text `contracts/bundled/<system>.json` must hold for the current sources."""
    return render_bundled(bundle_sources(system))


def stale() -> list[str]:
    """The systems whose checked-in bundled document is missing or differs from its sources."""
    out = []
    for system in _standard_systems():
        path = bundled_path(system)
        if not path.exists() or path.read_text() != expected(system):
            out.append(system)
    return out


def write_all() -> list[Path]:
    """Regenerate every bundled document; returns the files written."""
    written = []
    for system in _standard_systems():
        path = bundled_path(system)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(expected(system))
        written.append(path)
    return written
