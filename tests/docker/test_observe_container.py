"""`interop observe --run docker:IMAGE`: a product in a container uses the range and is judged.

The busybox test product in MODE=consume (.ci/docker.sh) takes a token with the credentials the
harness gave it, reads GET /nominals from the records system, and reports that action in
INTEROP_ACTIONS_FILE (a bind mount). On Docker's bridge the reference systems listen on the host's
gateway address and the container reaches them as host.docker.internal; on the host network they
stay on 127.0.0.1 (docs/docker.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.observe import observe
from tests.docker.conftest import run_cli

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_container_left")]


def consumer(image: str) -> str:
    return f"docker:{image} sh -c 'MODE=consume exec sh /app/run.sh'"


def judged(report: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["status"] for c in report["checks"]}


def test_a_product_in_a_container_on_the_bridge_is_observed_through_the_cli(
    test_image: str, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = run_cli(
        "observe", "--run", consumer(test_image), "--duration", "60", "--population", "20",
        "--home", str(tmp_path / "home"), "--report-dir", str(out),
        env={"INTEROP_DOCKER_NETWORK": "bridge"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    log = (out / "driver.log").read_text(encoding="utf-8")
    assert "GET /nominals: HTTP/1.1 200" in log or "GET /nominals: HTTP/1.0 200" in log, log
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "pass", report["findings"]
    stats = next(s for s in report["suites"] if s["name"] == "consumer")["stats"]
    assert stats["exchanges"] == 2 and stats["token_requests"] == 1  # attributed to the product's client
    assert judged(report)["valid-requests"] == "passed" and judged(report)["no-lost-work"] == "passed"


def test_a_product_in_a_container_on_the_host_network_is_observed(
    test_image: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTEROP_DOCKER_NETWORK", "host")
    run = observe(
        report_dir=tmp_path / "report",
        home=tmp_path / "home",
        command=consumer(test_image),
        duration=60,
        population=20,
        console=False,
    )
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert run.verdict == "pass", report["findings"]
    assert judged(report)["no-lost-work"] == "passed"


def test_a_container_that_fails_is_a_driver_warning_with_its_output_kept(
    test_image: str, tmp_path: Path
) -> None:
    run = observe(
        report_dir=tmp_path / "report",
        home=tmp_path / "home",
        command=f"docker:{test_image} sh -c 'MODE=exit EXIT_CODE=5 exec sh /app/run.sh'",
        duration=60,
        population=20,
        console=False,
    )
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert run.verdict == "inconclusive"  # it called nothing
    (driver,) = [f for f in report["findings"] if f["check"] == "driver"]
    assert "status 5" in driver["title"]
    assert "no licence key configured" in (tmp_path / "report" / "driver.log").read_text(encoding="utf-8")
