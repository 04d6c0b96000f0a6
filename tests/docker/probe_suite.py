"""A suite the busybox test product can pass, to prove the docker: plumbing end to end.

The real suites need a real product; this one checks what the test image serves (/health, and
/env.txt, the environment the harness gave it). Its behaviour is steered by environment variables
because the tests run it inside a real `interop` process:

    INTEROP_PROBE_EXPECT_ENV=K=V   the container must have seen K=V (--env)
    INTEROP_PROBE_FAIL=1           also check a path the product does not serve -> an error finding
    INTEROP_PROBE_HOLD=FILE        write FILE (the container is up) and wait, for Ctrl-C tests
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests

from harness.engine.events import CheckResult, Event, Finding
from harness.engine.run import RunContext

NAME = "probe"
# The busybox product has no identity provider and checks no token; the harness never signs one of
# its own for a product (docs/vendors.md), so the tests give it a fixed one with --token.
PROBE_TOKEN = "probe-token"


class ProbeSuite:
    name = NAME

    def run(self, ctx: RunContext, emit: Callable[[Event], None]) -> None:
        checks = [("health", "/health", '"status": "ok"')]
        expect_env = os.environ.get("INTEROP_PROBE_EXPECT_ENV")
        if expect_env:
            checks.append(("environment", "/env.txt", expect_env))
        if os.environ.get("INTEROP_PROBE_FAIL"):
            checks.append(("missing-resource", "/nominals", "nominals"))
        for check, path, expected in checks:
            resp = requests.get(ctx.base_url + path, timeout=5)
            ok = resp.status_code == 200 and expected in resp.text
            emit(CheckResult(NAME, check, "passed" if ok else "failed", operation=f"GET {path}"))
            if not ok:
                emit(
                    Finding(
                        NAME,
                        check,
                        "error",
                        f"GET {path}",
                        f"GET {path} did not give {expected!r}",
                        f"status {resp.status_code}: {resp.text[:200]}",
                    )
                )
        hold = os.environ.get("INTEROP_PROBE_HOLD")
        if hold:
            Path(hold).write_text(ctx.base_url)
            time.sleep(60)


def main(argv: list[str]) -> None:
    """`python -m tests.docker.probe_suite verify ...`: the real CLI with the probe suite registered."""
    import harness.suites

    harness.suites.SUITE_CLASSES[NAME] = ("tests.docker.probe_suite", "ProbeSuite")
    from harness.cli import main as cli_main

    cli_main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
