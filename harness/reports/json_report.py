"""report.json: the machine-readable record of a run.

Strings are bounded and have control characters written as visible escapes (safe.py), so a
huge or binary body from the target cannot bloat the file or make it unencodable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.reports.safe import bounded


class JsonWriter:
    def __init__(self, report_dir: Path) -> None:
        self.path = Path(report_dir) / "report.json"

    def handle(self, event: Any) -> None:
        """Everything needed is on the run at close; nothing to do per event."""

    def close(self, run: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(bounded(run.summary()), indent=2, ensure_ascii=False) + "\n"
        self.path.write_text(text, encoding="utf-8")
