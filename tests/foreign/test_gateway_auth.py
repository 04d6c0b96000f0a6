"""A product with its own identity provider and no test-support endpoints: our simulators behind
the gateway (opaque tokens from its own token URL, vendor-named scopes, `/_sim/` hidden).

Given the product's auth (`--auth FILE`), a conforming product passes. Without it the harness
cannot get in: that is bad usage (exit 2, one line naming the token URL and its answer) or
inconclusive (exit 3), never a pass and never a finding against the product.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.embedded import EmbeddedEcosystem
from tests.foreign.conftest import FAST, verify
from tests.foreign.gateway import Gateway

pytestmark = pytest.mark.slow

ROLES = ["custody", "records"]


def _peers(force: EmbeddedEcosystem, role: str) -> list[str]:
    return [arg for s, url in force.urls.items() if s != role for arg in ("--peer", f"{s}={url}")]


@pytest.mark.parametrize("role", ROLES)
def test_with_the_products_auth_a_conforming_product_passes(
    role: str, force: EmbeddedEcosystem, tmp_path: Path
) -> None:
    with Gateway(force.urls[role], hide_sim=True, own_auth=True) as gateway:
        auth = gateway.auth_file(tmp_path / "auth.yaml")
        result = verify(
            "--role",
            role,
            "--target",
            gateway.url,
            "--auth",
            str(auth),
            *_peers(force, role),
            *FAST,
            report_dir=tmp_path / "report",
        )
    assert result.code == 0, result.explain()
    assert result.report is not None and result.report["verdict"] == "pass", result.explain()
    assert result.report["roles"][role]["url"] == gateway.url


@pytest.mark.parametrize("role", ROLES)
def test_without_the_products_auth_the_verdict_is_never_pass(
    role: str, force: EmbeddedEcosystem, tmp_path: Path
) -> None:
    with Gateway(force.urls[role], hide_sim=True, own_auth=True) as gateway:
        result = verify(
            "--role",
            role,
            "--target",
            gateway.url,
            *_peers(force, role),
            *FAST,
            report_dir=tmp_path / "report",
        )
    assert result.code in (2, 3), result.explain()
    if result.code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert f"{gateway.url}/oauth/token" in lines[0] and "404" in lines[0], lines[0]
    else:
        assert result.report is not None and result.report["verdict"] == "inconclusive", result.explain()
        assert result.report["inconclusive"], result.explain()
        assert not result.errors(), (
            "a harness that cannot get in must not blame the product:\n" + result.explain()
        )
