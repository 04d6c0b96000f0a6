"""The simulators against Prism, the stateless OpenAPI mock a vendor would otherwise reach for.

Prism (Stoplight, npm `@stoplight/prism-cli`) mocks the same bundled documents the simulators
serve (`contracts/bundled/<system>.json`), and is sent the same workloads as bench/throughput.py
in the same run: for each workload, one peak run against the simulator and one against Prism,
back to back, so the ratio compares like with like on a machine whose load drifts. A stateful
simulator that checks every request, keeps every record and logs every exchange should still
answer reads faster than a mock that knows nothing: the target is reads >= 1.5x Prism.

Prism is the one `.ci/run` installs into `.ci/node` (or `$INTEROP_PRISM`); when absent the bench
installs it there with npm, and reports "not available" when it cannot.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.results import Figure, at_least, ratio_of
from bench.throughput import LoadOptions, Workload, _plan, build_workloads, peak_run, preflight, run_python
from simulators.core.auth import Issuer
from simulators.core.server import free_port, wait_for_port
from simulators.core.spec import bundled_path

PART = "prism"
REPO = Path(__file__).resolve().parent.parent
PRISM_VERSION = "5.14.2"  # the version .ci/run installs
LOCAL_PRISM = REPO / ".ci" / "node" / "node_modules" / ".bin" / "prism"
READ_TARGET = 1.5
READS = ("read_nominal", "read_custody")


def locate(install: bool = True) -> Path | None:
    """Prism's binary: `$INTEROP_PRISM`, the one in .ci/node, or (install) that one after npm install."""
    named = os.environ.get("INTEROP_PRISM")
    if named:
        found = shutil.which(named)
        return Path(found) if found else None
    if LOCAL_PRISM.is_file() and os.access(LOCAL_PRISM, os.X_OK):
        return LOCAL_PRISM
    if not install or shutil.which("npm") is None:
        return None
    cmd = ["npm", "install", "--prefix", str(REPO / ".ci" / "node"), "--no-audit", "--no-fund"]
    cmd += ["--loglevel=error", f"@stoplight/prism-cli@{PRISM_VERSION}"]
    try:
        subprocess.run(cmd, capture_output=True, timeout=600, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return LOCAL_PRISM if LOCAL_PRISM.is_file() else None


class PrismServer:
    """`prism mock` of one system's bundled document on a free port, in its own process group."""

    def __init__(self, binary: Path, system: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = Path(tempfile.gettempdir(), f"interop-bench-prism-{self.port}.log")
        cmd = [str(binary), "mock", "--errors", "false", "-h", "127.0.0.1", "-p", str(self.port)]
        with self._log.open("wb") as sink:
            self._proc = subprocess.Popen(
                [*cmd, str(bundled_path(system))],
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            wait_for_port("127.0.0.1", self.port, timeout=60)
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"Prism did not start for {system}") from None

    def stop(self) -> None:
        if self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)  # Prism's node process and its children only
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait(timeout=10)
        self._log.unlink(missing_ok=True)


def _not_available(reason: str) -> list[Figure]:
    return [Figure(PART, "vs Prism", None, note=f"not available: {reason}")]


def _workloads(
    urls: dict[str, str], population_dir: Path, key_file: Path, options: LoadOptions
) -> list[Workload]:
    """The throughput part's workloads, drawn with the next seed: its write pool books other
    detainees in than the throughput part's did. If booking fails, the reads alone."""
    try:
        return build_workloads(
            urls, population_dir, key_file, dataclasses.replace(options, seed=options.seed + 1)
        )
    except RuntimeError:
        workloads = build_workloads(urls, population_dir, key_file, dataclasses.replace(options, pool=0))
        return [w for w in workloads if w.requests]


def measure_prism(
    urls: dict[str, str],
    population_dir: Path,
    key_file: Path,
    options: LoadOptions,
    tool: str,
    log: Callable[[str], None],
) -> list[Figure]:
    binary = locate()
    if binary is None:
        return _not_available("Prism is not installed and npm could not install it")
    workloads = _workloads(urls, population_dir, key_file, options)
    issuer = Issuer.from_key_file(key_file)
    figures: list[Figure] = []
    servers: dict[str, PrismServer] = {}
    try:
        for w in workloads:
            if w.system not in servers:
                servers[w.system] = PrismServer(binary, w.system)
            prism_url = servers[w.system].url
            headers = {"Authorization": f"Bearer {issuer.issue('interop-bench', w.scopes)}", **w.headers}
            try:
                preflight(prism_url, w.requests, headers, f"Prism, {w.title}")
            except RuntimeError as exc:
                figures.append(Figure(PART, f"{w.title}: vs Prism", None, note=f"not available: {exc}"[:200]))
                continue
            rates = {}
            for name, url in (("simulator", urls[w.system]), ("Prism", prism_url)):
                if options.warmup > 0:
                    run_python(_plan(url, w.requests, headers, options.warmup, options))
                result = peak_run(_plan(url, w.requests, headers, options.duration, options), tool)
                rates[name] = result.rps
                log(f"  {w.title}: {name} {result.rps:,.0f} req/s ({result.failures} failures)")
            ratio = ratio_of(rates["simulator"], rates["Prism"])
            read = w.key in READS
            figures.append(
                Figure(
                    PART,
                    f"{w.title}: vs Prism",
                    rates["simulator"],
                    "req/s",
                    rates["Prism"],
                    ratio,
                    f">= {READ_TARGET}x" if read else "",
                    at_least(ratio, READ_TARGET) if read else None,
                    note=f"Prism {PRISM_VERSION}, contracts/bundled/{w.system}.json; back to back, {tool}",
                )
            )
    finally:
        for server in servers.values():
            server.stop()
    return figures
