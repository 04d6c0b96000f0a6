"""`docker:` targets against a real engine: a product that conforms, one that exits at start, one
that never answers, one that is slow to listen, and clean-up in every case (findings, errors,
Ctrl-C, SIGTERM, a harness killed outright). Each test also fails if a container outlives it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.docker_target import LABEL, LABEL_HOST, LABEL_PID, LOG_FILE, docker_target, reap_orphans
from tests.docker.conftest import REPO, cli_command, harness_containers, one_clear_line, record_child, run_cli
from tests.docker.probe_suite import PROBE_TOKEN

pytestmark = [
    pytest.mark.docker,
    pytest.mark.usefixtures("no_container_left"),
]


def target(image: str) -> str:
    return f"docker:{image}"


def test_a_conforming_container_is_verified_end_to_end(test_image: str, tmp_path: Path) -> None:
    report = tmp_path / "report"
    r = run_cli(
        "verify",
        "--role",
        "records",
        "--target",
        target(test_image),
        "--suite",
        "probe",
        "--token",
        PROBE_TOKEN,
        "--env",
        "GREETING=hello from the harness",
        "--report-dir",
        str(report),
        env={"INTEROP_PROBE_EXPECT_ENV": "GREETING=hello from the harness"},
    )
    assert r.returncode == 0, (r.stdout, r.stderr)
    doc = json.loads((report / "report.json").read_text())
    assert doc["verdict"] == "pass" and doc["target"] == target(test_image)
    assert doc["suites"] == [{"name": "probe", "passed": 2, "failed": 0, "skipped": 0}]
    log = (report / LOG_FILE).read_text()
    assert "test-product: listening on 8080" in log
    assert "response:200" in log  # the suite's requests, as the product logged them
    assert (report / "junit.xml").exists()


def test_findings_exit_1_and_the_container_is_still_removed(test_image: str, tmp_path: Path) -> None:
    r = run_cli(
        "verify",
        "--role",
        "records",
        "--target",
        target(test_image),
        "--suite",
        "probe",
        "--token",
        PROBE_TOKEN,
        "--report-dir",
        str(tmp_path),
        env={"INTEROP_PROBE_FAIL": "1"},
    )
    assert r.returncode == 1, (r.stdout, r.stderr)
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["verdict"] == "fail" and doc["findings"][0]["operation"] == "GET /nominals"
    assert "response:404" in (tmp_path / LOG_FILE).read_text()


def test_a_container_that_exits_at_start_is_one_line_with_its_last_log_lines(
    test_image: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    r = run_cli(
        "verify",
        "--role",
        "custody",
        "--target",
        target(test_image),
        "--suite",
        "probe",
        "--token",
        PROBE_TOKEN,
        "--env",
        "MODE=exit",
        "--env",
        "EXIT_CODE=7",
        "--report-dir",
        str(tmp_path),
    )
    line = one_clear_line(r)
    assert "exited with code 7 before it answered HTTP" in line
    assert "fatal: no licence key configured" in line
    assert time.monotonic() - started < 30  # reported at once, not after the start-up timeout
    assert "fatal: no licence key configured" in (tmp_path / LOG_FILE).read_text()


def test_a_container_that_never_answers_times_out_with_a_clear_line(test_image: str, tmp_path: Path) -> None:
    r = run_cli(
        "verify",
        "--role",
        "records",
        "--target",
        target(test_image),
        "--suite",
        "probe",
        "--token",
        PROBE_TOKEN,
        "--env",
        "MODE=silent",
        "--startup-timeout",
        "3",
        "--report-dir",
        str(tmp_path),
    )
    line = one_clear_line(r)
    assert "did not answer HTTP within 3s" in line and "never listens" in line
    assert "--container-port" in line
    assert (tmp_path / LOG_FILE).exists()


def test_a_missing_image_is_one_line_and_no_registry_is_asked(docker_client: Any, tmp_path: Path) -> None:
    r = run_cli(
        "verify",
        "--role",
        "records",
        "--target",
        "docker:interop-test/no-such-image:1.0",
        "--suite",
        "probe",
        "--token",
        PROBE_TOKEN,
        "--report-dir",
        str(tmp_path),
    )
    line = one_clear_line(r)
    assert "interop-test/no-such-image:1.0 is not on this machine" in line


def test_the_product_is_waited_for_until_it_listens(test_image: str, tmp_path: Path) -> None:
    # The published port accepts connections at once; only HTTP answers count.
    with docker_target(
        "docker:x", test_image, report_dir=tmp_path, startup_timeout=30, env={"MODE": "slow", "DELAY": "2"}
    ) as t:
        assert requests.get(t.base_url + "/health", timeout=5).json()["status"] == "ok"
    assert "warming up" in (tmp_path / LOG_FILE).read_text()


def test_container_port_and_env_reach_the_product(test_image: str, tmp_path: Path) -> None:
    with docker_target(
        "docker:x",
        test_image,
        report_dir=tmp_path,
        container_port=9090,
        env={"PORT": "9090", "FORCE": "west-midlands"},
    ) as t:
        assert t.base_url.startswith("http://127.0.0.1:") and t.info["container_port"] == 9090
        assert "FORCE=west-midlands" in requests.get(t.base_url + "/env.txt", timeout=5).text


def test_the_port_is_published_on_loopback_only(docker_client: Any, test_image: str, tmp_path: Path) -> None:
    with docker_target("docker:x", test_image, report_dir=tmp_path) as t:
        container = docker_client.containers.get(t.info["container"])
        bindings = container.attrs["HostConfig"]["PortBindings"]["8080/tcp"]
        assert [b["HostIp"] for b in bindings] == ["127.0.0.1"]
        assert container.labels[LABEL] == "1"


def test_an_error_inside_the_block_still_removes_the_container(
    docker_client: Any, test_image: str, tmp_path: Path
) -> None:
    with (
        pytest.raises(RuntimeError, match="suite crashed"),
        docker_target("docker:x", test_image, report_dir=tmp_path) as t,
    ):
        name = t.info["container"]
        raise RuntimeError("suite crashed")
    assert name not in {c.name for c in harness_containers(docker_client)}
    assert "listening" in (tmp_path / LOG_FILE).read_text()


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_or_sigterm_during_the_suites_removes_the_container(
    docker_client: Any, test_image: str, tmp_path: Path, sig: int, code: int
) -> None:
    hold = tmp_path / "holding"
    args = [
        "verify",
        "--role",
        "records",
        "--target",
        target(test_image),
        "--suite",
        "probe",
        "--token",
        PROBE_TOKEN,
    ]
    proc = subprocess.Popen(
        cli_command(*args, "--report-dir", str(tmp_path / "report")),
        cwd=REPO,
        env={**os.environ, "INTEROP_PROBE_HOLD": str(hold)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    record_child(proc.pid)
    try:
        deadline = time.monotonic() + 60
        while not hold.exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        assert harness_containers(docker_client, {proc.pid})
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == code, (out, err)
    assert "Traceback" not in err
    assert not harness_containers(docker_client, {proc.pid})
    assert (tmp_path / "report" / LOG_FILE).exists()


def test_containers_of_a_killed_harness_are_reaped_by_the_next_run(
    docker_client: Any, test_image: str, tmp_path: Path
) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    import socket

    orphan = docker_client.containers.run(
        test_image,
        detach=True,
        name=f"interop-orphan-{dead.pid}",
        labels={LABEL: "1", LABEL_PID: str(dead.pid), LABEL_HOST: socket.gethostname()},
    )
    try:
        reap_orphans(docker_client)  # (another worker's docker: target may reap it first: same outcome)
        assert orphan.name not in {c.name for c in harness_containers(docker_client)}
    finally:
        for c in harness_containers(docker_client):
            if c.name == orphan.name:
                c.remove(force=True, v=True)
