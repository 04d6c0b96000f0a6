"""A custody product whose PACE clock disagrees with its own timeline, judged without `/_sim`.

The product is our custody simulator behind the gateway (its own identity provider, no test
support), with every detention clock it returns rewritten as a product with a 25-hour basic limit
would compute it. Nothing but the standard API is available to the harness, and the verdict is
"does not conform", naming the PACE rule: the domain oracle reads every custody record the suites
see, and the boundary probes put the times into the requests.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from harness.embedded import EmbeddedEcosystem
from tests.foreign.conftest import FAST, verify
from tests.foreign.gateway import Gateway

pytestmark = pytest.mark.slow

HOUR = timedelta(hours=1)


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _late_limit(clock: dict[str, Any]) -> None:
    """One hour more than PACE s.41 allows on the basic limit (and the figures that follow from it)."""
    if clock.get("limit_basis") != "24h" or not clock.get("detention_limit"):
        return
    limit = _iso(clock["detention_limit"]) + HOUR
    clock["detention_limit"] = limit.isoformat().replace("+00:00", "Z")
    as_at = _iso(clock["as_at"])
    clock["time_remaining_seconds"] = int((limit - as_at).total_seconds())
    clock["detention_overdue"] = as_at > limit + timedelta(minutes=1)
    clock["breaches"] = [
        b for b in clock.get("breaches", []) if b != "PACE-s41-24h" or clock["detention_overdue"]
    ]


def _rewrite(value: Any) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("clock"), dict):
            _late_limit(value["clock"])
        for item in value.values():
            _rewrite(item)
    elif isinstance(value, list):
        for item in value:
            _rewrite(item)


def twenty_five_hours(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    if not path.startswith("/custody-records") or not body:
        return status, headers, body
    try:
        document = json.loads(body)
    except ValueError:
        return status, headers, body
    _rewrite(document)
    return status, headers, json.dumps(document).encode()


def test_a_clock_that_disagrees_with_pace_fails_through_the_standard_api_alone(
    force: EmbeddedEcosystem, tmp_path: Path
) -> None:
    peers = [a for s, url in force.urls.items() if s != "custody" for a in ("--peer", f"{s}={url}")]
    with Gateway(force.urls["custody"], hide_sim=True, own_auth=True, transform=twenty_five_hours) as gateway:
        auth = gateway.auth_file(tmp_path / "auth.yaml")
        result = verify(
            "--role", "custody", "--target", gateway.url, "--auth", str(auth), *peers, *FAST,
            report_dir=tmp_path / "report",
        )  # fmt: skip
    assert result.code == 1, result.explain()
    report = result.report
    assert report is not None and report["verdict"] == "fail"
    pace = [f for f in result.errors() if f.get("requirement") == "PACE-s41-24h"]
    assert pace, result.explain()
    assert any("detention_limit" in f["detail"] for f in pace), pace[0]["detail"]
    assert all(gateway.url in f["reproduce"] and "$TOKEN" in f["reproduce"] for f in pace if f["reproduce"])
    # Judged without test support: the gateway hides /_sim, and no scenario that needs it ran.
    assert not any("/_sim" in f.get("reproduce", "") for f in report["findings"])
