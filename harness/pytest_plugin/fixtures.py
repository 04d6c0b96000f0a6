"""Fixtures: the reference ecosystem inside a vendor's tests. Registered only when asked for.

    # conftest.py (the top-level one of the suite)
    pytest_plugins = ["harness.pytest_plugin.fixtures"]

Nothing starts until a test requests a fixture: the simulators start on free loopback ports at
the first `interop_ecosystem` of the session (one ecosystem per xdist worker), seeded
(`--interop-seed`, `--interop-population`). A test says what it needs of them with a mark or an
indirect parameter, and gets it undone afterwards:

    @pytest.mark.interop(quirks={"custody": ["dates-dmy"]}, faults={"records": {"latency_ms": 200}},
                         reset=True)

Fixtures a conftest or test module defines with the same names win over these, as for any plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.pytest_plugin.range import ReferenceEcosystem, SimulatedClock

MARK = "interop"
DEFAULT_POPULATION = 40
SETTINGS = ("quirks", "faults", "reset")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARK}(quirks={{system: [names]}}, faults={{system: {{...}}}}, reset=False): what the reference "
        "ecosystem of the interop_ecosystem fixture plays for this test (docs/pytest.md)",
    )


@pytest.fixture(scope="session")
def interop_reference(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[ReferenceEcosystem]:
    """The simulators of the session, as started: use `interop_ecosystem` in tests."""
    from harness.embedded import embedded_ecosystem

    seed = pytestconfig.getoption("interop_seed", None)
    population = pytestconfig.getoption("interop_population", None)
    seed = 1 if seed is None else seed
    population = DEFAULT_POPULATION if population is None else population
    home = tmp_path_factory.mktemp("interop-range")
    with embedded_ecosystem(home=home, population=population, seed=seed) as eco:
        yield ReferenceEcosystem(dict(eco.urls), seed=seed, population=population)


def _settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The test's wishes: the closest `interop` mark, then an indirect parameter (which wins)."""
    settings: dict[str, Any] = {}
    for mark in reversed(list(request.node.iter_markers(MARK))):  # farthest first, closest last
        settings.update(mark.kwargs)
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, dict):
            raise TypeError(
                f"interop_ecosystem parameters are dicts with {', '.join(SETTINGS)}; got {param!r}"
            )
        settings.update(param)
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"interop: unknown settings {sorted(unknown)}; use {', '.join(SETTINGS)}")
    return settings


@pytest.fixture
def interop_ecosystem(
    interop_reference: ReferenceEcosystem, request: pytest.FixtureRequest
) -> Iterator[ReferenceEcosystem]:
    """The reference simulators, with this test's quirks and faults (undone after the test)."""
    settings = _settings(request)
    eco = interop_reference
    quirks: dict[str, list[str]] = dict(settings.get("quirks") or {})
    faults: dict[str, dict[str, Any]] = dict(settings.get("faults") or {})
    for system in [*quirks, *faults]:
        eco.url(system)  # an unknown system name fails here, before anything changes
    if settings.get("reset"):
        eco.reset()
    try:
        for system, names in quirks.items():
            eco.set_quirks(system, names)
        for system, values in faults.items():
            eco.set_faults(system, values)
        yield eco
    finally:
        for system in faults:
            eco.set_faults(system, {})
        for system in quirks:
            eco.set_quirks(system, [])


@pytest.fixture
def interop_token(interop_ecosystem: ReferenceEcosystem) -> Callable[..., str]:
    """`interop_token("custody:read records:read")`: an access token with those scopes.

    `client_id=` (and `client_secret=`) take another local client: the traffic log records it.
    """
    return interop_ecosystem.token


@pytest.fixture
def interop_records_client(interop_ecosystem: ReferenceEcosystem) -> Any:
    """The typed records client (simulators.clients.records.RecordsClient), all scopes."""
    return interop_ecosystem.client("records")


@pytest.fixture
def interop_custody_client(interop_ecosystem: ReferenceEcosystem) -> Any:
    """The typed custody client (simulators.clients.custody.CustodyClient), all scopes."""
    return interop_ecosystem.client("custody")


@pytest.fixture
def interop_intelligence_client(interop_ecosystem: ReferenceEcosystem) -> Any:
    """The typed intelligence client (simulators.clients.intelligence.IntelligenceClient), all scopes."""
    return interop_ecosystem.client("intelligence")


@pytest.fixture
def interop_clock(interop_ecosystem: ReferenceEcosystem) -> Iterator[SimulatedClock]:
    """Simulated time on every system: `set(instant)`, `advance(hours=6)`; back to real time after."""
    clock = SimulatedClock(interop_ecosystem)
    try:
        yield clock
    finally:
        clock.reset()


@pytest.fixture
def interop_traffic(interop_ecosystem: ReferenceEcosystem) -> Callable[..., list[dict[str, Any]]]:
    """`interop_traffic("custody", client_id="vendor")`: what reached a system during this test.

    Each exchange has method, path, query, status, client_id, request_valid, response_valid and
    errors (the spec check of what was sent and answered). The log is emptied when the test starts.
    """
    interop_ecosystem.clear_traffic()
    return interop_ecosystem.traffic
