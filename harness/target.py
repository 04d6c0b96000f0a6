"""`Target`: a product under test once resolved to a base URL (by harness/targets.py or
harness/docker_target.py); its own module so that neither of those imports the other's record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Target:
    raw: str
    base_url: str
    kind: str
    info: dict[str, Any] = field(default_factory=dict)
