"""report.json: the machine-readable record of a run (shape fixed in DESIGN.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class JsonWriter:
    def __init__(self, report_dir: Path) -> None:
        self.path = Path(report_dir) / "report.json"

    def handle(self, event: Any) -> None:
        """Everything needed is on the run at close; nothing to do per event."""

    def close(self, run: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(run.summary(), indent=2, ensure_ascii=False) + "\n")
