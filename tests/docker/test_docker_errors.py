"""`docker:` target errors that need no engine: one clear line and exit 2 before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.docker_target import docker_target, split_image
from harness.errors import InteropError
from tests.docker.conftest import one_clear_line, run_cli
from tests.docker.probe_suite import PROBE_TOKEN

pytest.importorskip("docker.errors", reason="docker: targets need the docker Python SDK")


def test_no_engine_is_one_line(tmp_path: Path) -> None:
    r = run_cli(
        "verify",
        "--role",
        "records",
        "--target",
        "docker:anything",
        "--suite",
        "probe",
        "--token",
        PROBE_TOKEN,
        "--report-dir",
        str(tmp_path),
        env={"DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"},
    )
    line = one_clear_line(r)
    assert "no Docker engine answers" in line and "DOCKER_HOST" in line


def test_bad_options_fail_before_anything_starts(tmp_path: Path) -> None:
    with (
        pytest.raises(InteropError, match="needs an image"),
        docker_target("docker:", "", report_dir=tmp_path),
    ):
        pass
    with (
        pytest.raises(InteropError, match="network must be one of"),
        docker_target("docker:x", "x", report_dir=tmp_path, network="overlay"),
    ):
        pass
    with (
        pytest.raises(InteropError, match="container-port"),
        docker_target("docker:x", "x", report_dir=tmp_path, container_port=0),
    ):
        pass


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("vendor/custody", ("vendor/custody", "latest")),
        ("vendor/custody:1.4", ("vendor/custody", "1.4")),
        ("registry.example:5000/vendor/custody", ("registry.example:5000/vendor/custody", "latest")),
        ("registry.example:5000/vendor/custody:2", ("registry.example:5000/vendor/custody", "2")),
        ("vendor/custody@sha256:abc", ("vendor/custody@sha256:abc", "")),
    ],
)
def test_image_references_split_like_docker(ref: str, expected: tuple[str, str]) -> None:
    assert split_image(ref) == expected
