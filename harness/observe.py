"""Observe a product that plays no provider role: give it the range, let it run, judge its calls.

The reference ecosystem is started in this process on free ports (or given with `--peer` URLs of
a running `interop up` that shares INTEROP_HOME, so it knows the product's client). The product's
driver runs with the product's credentials and the systems' URLs in its environment; afterwards
the consumer suite judges every exchange carrying the product's client id.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from harness.consumer.client import ProductClient, product_client, product_env
from harness.consumer.container import listen_address, parse_container, run_container
from harness.consumer.faults import FaultSchedule, FaultStep
from harness.consumer.resilience import read_claims
from harness.consumer.traffic import last_seq
from harness.engine import RunContext, VerificationRun
from harness.engine.events import Finding
from harness.errors import InteropError
from harness.reports import default_writers
from harness.suites.consumer import ConsumerSuite
from simulators.core.config import SYSTEMS

ROLE = "consumer"
ACTIONS_FILE = "actions.ndjson"  # INTEROP_ACTIONS_FILE: what the product says it did, a JSON line each


@contextmanager
def reference_systems(
    client: ProductClient, peers: dict[str, str], population: int, seed: int, host: str = "127.0.0.1"
) -> Iterator[dict[str, str]]:
    """URLs of every system: the given peers, and reference simulators for the others."""
    if all(s in peers for s in SYSTEMS):
        yield dict(peers)
        return
    from harness.embedded import embedded_ecosystem

    with embedded_ecosystem(
        SYSTEMS,
        population=population,
        seed=seed,
        external=peers,
        config_overrides={"clients_file": client.clients_file},
        host=host,
    ) as eco:
        yield {s: eco.urls[s] for s in SYSTEMS}


def run_driver(command: str, env: dict[str, str], log_path: Path, timeout: float | None) -> int | None:
    """Run the vendor's driver to the end (or `timeout`, or Ctrl-C); its exit code, None if stopped."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            command,
            shell=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **env},
        )
        try:
            return proc.wait(timeout)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            return None
        finally:
            if proc.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    with suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def wait(duration: float | None) -> None:
    """Let a product started elsewhere use the range for `duration` seconds (None: until Ctrl-C)."""
    deadline = None if duration is None else time.monotonic() + duration
    with suppress(KeyboardInterrupt):
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2 if deadline is None else min(0.2, max(0.0, deadline - time.monotonic())))


def observe(
    *,
    report_dir: Path,
    home: Path,
    peers: dict[str, str] | None = None,
    command: str | None = None,
    duration: float | None = None,
    population: int = 200,
    seed: int = 1,
    product: dict[str, str] | None = None,
    faults: list[FaultStep] | None = None,
    write_pact: Path | None = None,
    console: bool = True,
    announce: Callable[[dict[str, str]], None] | None = None,
) -> VerificationRun:
    """Start (or use) the range, let the product run, judge its traffic; reports written."""
    peers = dict(peers or {})
    for role in peers:
        if role not in SYSTEMS:
            raise InteropError(f"--peer: unknown role {role!r}; choose from {', '.join(SYSTEMS)}")
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InteropError(f"--report-dir {report_dir} cannot be created: {exc.strerror or exc}") from None
    client = product_client(home)
    container = parse_container(command)
    host = listen_address(container) if container else "127.0.0.1"
    with reference_systems(client, peers, population, seed, host) as urls:
        actions = report_dir / ACTIONS_FILE
        actions.unlink(missing_ok=True)  # a product's claims of an earlier run are not this run's
        env = {**product_env(client, urls), "INTEROP_ACTIONS_FILE": str(actions.resolve())}
        before = last_seq(urls, client.client_id)
        if announce is not None:
            announce(env)
        exit_code: int | None = 0
        with FaultSchedule(urls, list(faults or [])) as schedule:
            if container:
                exit_code = run_container(container, env, report_dir / "driver.log", duration)
            elif command:
                exit_code = run_driver(command, env, report_dir / "driver.log", duration)
            else:
                wait(duration)
            observed_until = time.time()
        ctx = RunContext(
            role=ROLE,
            target=command or "observed traffic",
            base_url=urls[SYSTEMS[0]],
            tokens=None,
            report_dir=report_dir,
            options={
                "consumer_urls": urls,
                "consumer_client_id": client.client_id,
                "consumer_after": before,
                "consumer_faults": list(schedule.applied),
                "consumer_actions_file": str(actions),
                "consumer_observed_until": observed_until,
            },
            peers=peers,
            product=dict(product or {}),
        )
        run = VerificationRun(ctx, default_writers(report_dir, console=console))
        run.run_suite(ConsumerSuite())
        if write_pact is not None:
            from harness.consumer.pact import write_pacts
            from harness.consumer.traffic import read_traffic

            name = (product or {}).get("name") or client.client_id
            write_pacts(read_traffic(urls, client.client_id, after=before), write_pact, name)
        claims_error = read_claims(actions)[1]
        if claims_error:
            run.emit(
                Finding(
                    "consumer",
                    "actions-file",
                    "warning",
                    "",
                    "The product's list of completed actions could not be read in full",
                    f"{claims_error} (INTEROP_ACTIONS_FILE, docs/consumers.md). Lost work was judged on "
                    "the lines before it.",
                )
            )
        for error in schedule.errors:
            run.emit(
                Finding(
                    "consumer",
                    "fault-plan",
                    "warning",
                    "PUT /_sim/faults",
                    "A step of the fault plan could not be applied",
                    f"{error}. The product was judged without it.",
                )
            )
        if command and exit_code:
            run.emit(
                Finding(
                    "consumer",
                    "driver",
                    "warning",
                    "",
                    f"The driver exited with status {exit_code}",
                    f"`{command}` ended with {exit_code}; its output is in driver.log. What it did "
                    "before that was judged.",
                )
            )
        run.finish()
    return run
