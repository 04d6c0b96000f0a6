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
