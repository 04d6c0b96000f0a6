"""`interop generate --format bulk`: the seeded world in the standard's bulk format.

Each system is started in-process on a scratch SQLite database with the seeded population, and
its own export writer (`simulators.core.bulk.exporter.write_files`) writes the files, so the
output is byte for byte what an export of a freshly seeded simulator gives: a vendor loads it
into a product with the product's own bulk import before a test. Deterministic: the manifest's
export id is derived from the seed and size, and its transaction time is the population's
reference time (the custody clocks and review dates are as at that time).
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulators.core.clock import isoformat

SYSTEM_BULK = {
    "records": ("simulators.records.bulk", "RECORDS_BULK"),
    "custody": ("simulators.custody.bulk", "CUSTODY_BULK"),
    "intelligence": ("simulators.intelligence.bulk", "INTELLIGENCE_BULK"),
}


def _bulk_of(system: str) -> Any:
    import importlib

    module, name = SYSTEM_BULK[system]
    return getattr(importlib.import_module(module), name)


def write_bulk_world(
    seed: int,
    people: int,
    defect_rate: float | None,
    out: Path,
    *,
    population_cache: Path | None = None,
    on_system: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Write `out/<system>/<type>.ndjson` and `out/<system>/manifest.json`; the manifests."""
    import importlib

    from simulators.core.bulk.exporter import write_files
    from simulators.core.bulk.model import ExportOptions
    from simulators.core.config import SimConfig
    from simulators.population import PopulationSpec

    reference = PopulationSpec(seed=seed, people=people).reference_time
    manifests = {}
    with tempfile.TemporaryDirectory(prefix="interop-bulk-world-") as scratch:
        home = Path(scratch)
        for system in SYSTEM_BULK:
            if on_system is not None:
                on_system(system)
            overrides: dict[str, Any] = {
                "home": home,
                "db_url": f"sqlite:///{home / (system + '.db')}",
                "seed": seed,
                "population": people,
                "response_validation": "off",
                "traffic_log": False,
                "population_cache": population_cache or home / "population",
            }
            if defect_rate is not None:
                overrides["defect_rate"] = defect_rate
            config = SimConfig.for_system(system, **overrides)
            app = importlib.import_module(f"simulators.{system}").create_app(config)
            ctx = app.extensions["interop"]
            bulk = _bulk_of(system)
            folder = out / system
            folder.mkdir(parents=True, exist_ok=True)
            options = ExportOptions(since=None, quirks=(), transaction_time=reference)
            try:
                with app.app_context():
                    output = write_files(ctx, bulk, bulk.names, options, folder, "")
            finally:
                ctx.close()
            total = sum(o["count"] for o in output)
            manifest = {
                "export_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"interop-world/{system}/{seed}/{people}")),
                "system": system,
                "standard_version": str(ctx.spec.get("info", {}).get("version", "")),
                "state": "completed",
                "types": bulk.names,
                "since": None,
                "transaction_time": isoformat(reference),
                "requires_access_token": True,
                "progress": {"done": total, "total": total, "percent": 100},
                "completed_at": isoformat(reference),
                "expires_at": None,
                "output": output,
                "error": None,
            }
            (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
            manifests[system] = manifest
    return manifests
