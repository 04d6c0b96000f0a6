"""The product under test: a URL already running, a local command, or a Docker image.

http(s)://host:port[/base]   already running; checked for reachability
cmd:<shell command with {port}>   started here on a free port, stopped afterwards
docker:<image>[:tag]          started through the Docker Engine API (see harness/docker_target.py)
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlparse

import requests

from harness.errors import InteropError
from harness.target import Target
from simulators.core.server import HealthTimeout, ServerStopped, free_port, wait_for_health

# A Docker image reference, [registry[:port]/]name[/name...][:tag][@sha256:digest], after the
# grammar of github.com/distribution/reference (reference.go), simplified: checked before the
# Docker engine is asked, so a typo is one line without a round trip.
_NAME = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE_REFERENCE = re.compile(
    rf"(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?{_NAME}(?:/{_NAME})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}})?"
    r"(?:@sha256:[0-9a-f]{64})?"
)


def check_image(image: str) -> None:
    if not IMAGE_REFERENCE.fullmatch(image):
        raise InteropError(
            f"a docker: target needs an image reference, e.g. docker:vendor/custody:1.4; got {image[:200]!r}"
        )


def probe(base_url: str, timeout: float = 5.0) -> requests.Response:
    """Any HTTP answer means the product is reachable; no answer raises InteropError (exit 2)."""
    try:
        return requests.get(base_url.rstrip("/") + "/health", timeout=timeout)
    except requests.Timeout as exc:
        raise InteropError(f"target {base_url} did not answer within {timeout:.0f}s") from exc
    except requests.RequestException as exc:
        reason = type(exc).__name__
        if isinstance(exc, requests.ConnectionError):
            reason = "connection refused or host unreachable"
        raise InteropError(f"target {base_url} is unreachable: {reason}") from exc


def wait_until_answers(base_url: str, timeout: float, alive: Callable[[], bool] | None = None) -> None:
    """Until the started product answers HTTP at /health (any status); InteropError (exit 2) if not."""
    try:
        wait_for_health(base_url, timeout, alive=alive)
    except ServerStopped:
        raise InteropError("the target process exited before it answered HTTP") from None
    except HealthTimeout as exc:
        raise InteropError(
            f"target {base_url} did not answer HTTP within {timeout:.0f}s ({exc.last})"
        ) from None


def _tail(path: Path, lines: int = 5) -> str:
    if not path.exists():
        return ""
    return " | ".join([ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()][-lines:])


@contextmanager
def _command_target(
    raw: str, command: str, report_dir: Path, startup_timeout: float, env: dict[str, str] | None = None
) -> Iterator[Target]:
    if "{port}" not in command:
        raise InteropError("a cmd: target must contain {port}, e.g. cmd:my-product --port {port}")
    try:
        program = shlex.split(command)[0]
    except ValueError as exc:  # an unclosed quote
        raise InteropError(
            f"the cmd: target cannot be read as a shell command ({exc}): {command[:200]!r}"
        ) from None
    port = free_port()
    report_dir.mkdir(parents=True, exist_ok=True)
    log_path = report_dir / "target.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        command.replace("{port}", str(port)),
        shell=True,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {}), "PORT": str(port)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answers(base, startup_timeout, alive=lambda: proc.poll() is None)
        except InteropError as exc:
            log.flush()
            raise InteropError(f"{exc}: {_tail(log_path)}" if _tail(log_path) else str(exc)) from None
        yield Target(raw, base, "cmd", {"pid": proc.pid, "log": str(log_path), "command": program})
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


@contextmanager
def open_target(
    raw: str,
    *,
    report_dir: Path,
    startup_timeout: float = 60.0,
    container_port: int = 8080,
    env: dict[str, str] | None = None,
) -> Iterator[Target]:
    """Resolve TARGET to a base URL for the duration of the block, starting/stopping it if ours to run."""
    if raw.startswith("cmd:"):
        with _command_target(raw, raw[4:].strip(), report_dir, startup_timeout, env) as target:
            yield target
        return
    if raw.startswith("docker:"):
        check_image(raw[7:].strip())
        try:
            from harness.docker_target import docker_target
        except ImportError as exc:
            raise InteropError("docker: targets need the docker Python SDK (pip install docker)") from exc
        with docker_target(
            raw,
            raw[7:].strip(),
            report_dir=report_dir,
            startup_timeout=startup_timeout,
            container_port=container_port,
            env=env or {},
        ) as target:
            yield target
        return
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InteropError(
            f"TARGET must be http(s)://host:port[/base], cmd:<command with {{port}}> or "
            f"docker:<image>; got {raw!r}"
        )
    base = raw.rstrip("/")
    probe(base)
    yield Target(raw, base, "url")
