"""A reference ecosystem that knows the product's client, shared by the consumer tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from harness.consumer.client import ProductClient, product_client
from harness.embedded import embedded_ecosystem


@dataclass
class Range:
    urls: dict[str, str]
    client: ProductClient
    home: Path

    def admin_headers(self, scope: str) -> dict[str, str]:
        """A token of the admin client: setup done by the test, never attributed to the product."""
        resp = requests.post(
            self.urls["records"] + "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "interop-admin",
                "client_secret": "interop-admin-secret",
                "scope": scope,
            },
            timeout=10,
        )
        resp.raise_for_status()
        return {"Authorization": f"Bearer {resp.json()['access_token']}"}


@pytest.fixture(scope="module")
def range_(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Range]:
    home = tmp_path_factory.mktemp("consumer-home")
    client = product_client(home)
    with embedded_ecosystem(
        home=home, population=20, config_overrides={"clients_file": client.clients_file}
    ) as eco:
        yield Range(dict(eco.urls), client, home)
