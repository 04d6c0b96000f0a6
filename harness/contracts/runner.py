"""Run pact-python 4's verifier over one single-interaction pact file and return what it found.

The Pact FFI prints its report on the process's standard output; the harness has its own console
and reports, so the FFI's output is caught (file descriptor 1 redirected while it runs) and only
the structured results (`Verifier.results`) are used.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

_STDOUT_LOCK = threading.Lock()
# The FFI's own log lines (state change failed, ...) would reach stderr through logging's last
# resort; the harness reports the same facts as findings.
logging.getLogger("pact").addHandler(logging.NullHandler())


@dataclass
class VerifierOutcome:
    passed: bool
    errors: list[dict[str, Any]] = field(default_factory=list)  # `results["errors"]` entries
    output: str = ""
    crash: str | None = None  # the verifier itself failed to run


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to a temporary file while the FFI runs (it prints its own report)."""
    with _STDOUT_LOCK, tempfile.TemporaryFile() as sink:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            os.dup2(sink.fileno(), 1)
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


@contextlib.contextmanager
def _loopback_without_proxy() -> Iterator[None]:
    """The verifier honours HTTP(S)_PROXY; the harness's proxy and state endpoint are on loopback."""
    names = ("NO_PROXY", "no_proxy")
    saved = {n: os.environ.get(n) for n in names}
    if any(
        os.environ.get(v) for v in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY")
    ):
        for n in names:
            os.environ[n] = ",".join(x for x in (saved[n], "127.0.0.1", "localhost") if x)
    try:
        yield
    finally:
        for n, value in saved.items():
            if value is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = value


def verify_file(
    pact_path: Path, provider: str, proxy_url: str, state_url: str | None, request_timeout_s: float
) -> VerifierOutcome:
    """Verify the one interaction in `pact_path` through the proxy; never raises."""
    from pact import Verifier

    crash = None
    try:
        verifier = (
            Verifier(provider, host="127.0.0.1")
            .add_transport(url=proxy_url)
            .add_source(str(pact_path))
            .set_request_timeout(int(request_timeout_s * 1000))
            .set_coloured_output(enabled=False)
        )
        if state_url:
            verifier.state_handler(state_url, body=True, teardown=True)
    except (ValueError, TypeError, RuntimeError) as exc:  # e.g. a --state-url the FFI refuses
        return VerifierOutcome(False, [], "", f"the verifier could not be set up: {exc}")
    with _quiet_stdout(), _loopback_without_proxy():
        try:
            verifier.verify()
        except RuntimeError as exc:
            crash = str(exc)  # also raised when an interaction merely failed; results tell which
    try:
        results = verifier.results
    except Exception as exc:  # no structured results: the verifier could not run at all
        return VerifierOutcome(False, [], "", f"{crash or ''} {type(exc).__name__}: {exc}".strip())
    errors = [e for e in results.get("errors") or [] if isinstance(e, dict)]
    errors += [e for e in results.get("pendingErrors") or [] if isinstance(e, dict)]
    output = "\n".join(results.get("output") or []) if isinstance(results.get("output"), list) else ""
    passed = bool(results.get("result")) and not errors
    return VerifierOutcome(passed, errors, output, None if passed or errors else crash)
