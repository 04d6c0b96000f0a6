"""The range inside a vendor's own pytest run (docs/pytest.md). Off unless asked for.

This module is the `pytest11` entry point, so pytest loads it in every run of an environment
where interop-range is installed, the project's own test suite included. It therefore only adds
the `--interop-*` command-line options; everything else stays unregistered until asked for:

- `--interop-role ROLE --interop-target URL` registers the checks (harness/pytest_plugin/checks.py):
  one test item per check of a verification run.
- `pytest_plugins = ["harness.pytest_plugin.fixtures"]` in a conftest (or `-p
  harness.pytest_plugin.fixtures`) registers the fixtures: the reference ecosystem, tokens,
  typed clients, the simulated clock and the traffic log.

Heavy imports (the harness, the simulators) happen only then, never at load.
"""

from __future__ import annotations

from typing import Any

import pytest

GROUP = "interop"
# The options that only mean something together with --interop-role.
CHECK_OPTIONS = (
    "interop_target",
    "interop_suite",
    "interop_auth",
    "interop_peer",
    "interop_max_examples",
    "interop_max_time",
    "interop_report_dir",
)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    from harness.suites import ALL_SUITES
    from simulators.core.config import SYSTEMS

    group = parser.getgroup(GROUP, "interop-range: the standard's checks as test items (docs/pytest.md)")
    group.addoption(
        "--interop-role",
        choices=SYSTEMS,
        default=None,
        help="Verify a product playing this role; each check becomes a test item.",
    )
    group.addoption(
        "--interop-target",
        default=None,
        metavar="URL",
        help="The product: http(s)://host:port, cmd:<command with {port}> or docker:<image>.",
    )
    group.addoption(
        "--interop-suite",
        action="append",
        choices=ALL_SUITES,
        default=None,
        help="A suite to run (repeatable; default all): " + ", ".join(ALL_SUITES) + ".",
    )
    group.addoption(
        "--interop-auth", default=None, metavar="FILE", help="The product's auth file (docs/vendors.md)."
    )
    group.addoption(
        "--interop-peer",
        action="append",
        default=None,
        metavar="ROLE=URL",
        help="Where the product's peer for ROLE runs (repeatable); others are reference simulators.",
    )
    group.addoption(
        "--interop-seed",
        type=_positive_int,
        default=None,
        metavar="N",
        help="Seed of the run (fuzz) and of the fixtures' reference population (default 1).",
    )
    group.addoption(
        "--interop-max-examples",
        type=_positive_int,
        default=None,
        metavar="N",
        help="Fuzz: examples per operation.",
    )
    group.addoption(
        "--interop-max-time", type=float, default=None, metavar="S", help="Fuzz: time budget in seconds."
    )
    group.addoption(
        "--interop-report-dir",
        default=None,
        metavar="DIR",
        help="Where the run's report.json, junit.xml and report.html go (default: a new temporary folder).",
    )
    group.addoption(
        "--interop-population",
        type=_positive_int,
        default=None,
        metavar="N",
        help="Fixtures: people in the reference ecosystem's seeded population (default 40).",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the checks only when --interop-role is given; otherwise leave the run untouched."""
    role = config.getoption("interop_role", None)
    if role is None:
        given = [name for name in CHECK_OPTIONS if config.getoption(name, None) not in (None, [])]
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise pytest.UsageError(f"{flag} needs --interop-role ROLE (docs/pytest.md)")
        return
    from harness.pytest_plugin.checks import InteropChecks

    config.pluginmanager.register(InteropChecks(config), InteropChecks.NAME)


def options_of(config: Any) -> dict[str, Any]:
    """The fuzz and run options given on the command line, as `interop verify` takes them."""
    values = {
        "seed": config.getoption("interop_seed", None),
        "max_examples": config.getoption("interop_max_examples", None),
        "max_time": config.getoption("interop_max_time", None),
    }
    return {k: v for k, v in values.items() if v is not None}
