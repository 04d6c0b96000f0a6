"""Shared fixtures: real simulators on free ports (see tests/simkit.py)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")


@pytest.fixture
def postgres_url() -> str:
    """A PostgreSQL URL for storage tests; CI must have one, local runs skip with the reason."""
    url = os.environ.get("INTEROP_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("INTEROP_TEST_POSTGRES_URL is not set in CI: .ci/run must start PostgreSQL")
        pytest.skip("PostgreSQL not available: set INTEROP_TEST_POSTGRES_URL (bash .ci/run starts one)")
    return url


@pytest.fixture
def fresh_postgres(postgres_url: str):  # type: ignore[no-untyped-def]
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from simulators.core.db import _normalise_url

    name = f"interop_t_{secrets.token_hex(6)}"
    admin = create_engine(_normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_normalise_url(postgres_url)).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
