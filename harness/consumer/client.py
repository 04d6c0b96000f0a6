"""The product under test's own OAuth client, so every exchange it makes is attributed to it.

The secret is made once per INTEROP_HOME (kept in `product-client.json`, mode 0600) and added to
a clients file (`clients.yaml` in the same folder: the simulators' clients plus this one, with
every scope) that simulators started by `interop up` and `interop observe` read through
`INTEROP_CLIENTS_FILE`. The simulators log the verified token's `client_id` on every exchange;
the consumer suite judges exactly the exchanges carrying this id.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml

from simulators.core.auth import SCOPES, load_clients

PRODUCT_CLIENT_ID = "vendor-product"
SECRET_FILE = "product-client.json"
CLIENTS_FILE = "clients.yaml"


@dataclass(frozen=True)
class ProductClient:
    client_id: str
    client_secret: str
    clients_file: Path  # what INTEROP_CLIENTS_FILE must name for the simulators to accept it


def product_client(home: Path) -> ProductClient:
    """The product's client for this home: created on first use, the same afterwards."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / SECRET_FILE
    if path.exists():
        secret = str(json.loads(path.read_text())["client_secret"])
    else:
        secret = secrets.token_urlsafe(24)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"client_id": PRODUCT_CLIENT_ID, "client_secret": secret}))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # another process won the race: use its secret
        except FileExistsError:
            secret = str(json.loads(path.read_text())["client_secret"])
        finally:
            tmp.unlink(missing_ok=True)
    clients_file = home / CLIENTS_FILE
    _write_clients_file(clients_file, secret)
    return ProductClient(PRODUCT_CLIENT_ID, secret, clients_file)


def _write_clients_file(path: Path, secret: str) -> None:
    """The simulators' usual clients (INTEROP_CLIENTS_FILE's, or the defaults) plus the product's."""
    base = os.environ.get("INTEROP_CLIENTS_FILE")
    usual = load_clients(Path(base) if base and Path(base).resolve() != path.resolve() else None)
    entries = [
        {
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "description": c.description,
            "scopes": list(c.scopes),
        }
        for c in usual.values()
        if c.client_id != PRODUCT_CLIENT_ID
    ]
    entries.append(
        {
            "client_id": PRODUCT_CLIENT_ID,
            "client_secret": secret,
            "description": "The product under test (interop up / observe); every scope.",
            "scopes": list(SCOPES),
        }
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(yaml.safe_dump({"clients": entries}, sort_keys=False))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def product_env(client: ProductClient, urls: dict[str, str]) -> dict[str, str]:
    """What a product (a `--run` driver, a cmd:/docker: target) is given to reach the range."""
    env = {"INTEROP_CLIENT_ID": client.client_id, "INTEROP_CLIENT_SECRET": client.client_secret}
    if urls:
        first = next(iter(urls.values()))
        env["INTEROP_TOKEN_URL"] = first.rstrip("/") + "/oauth/token"
    for role, url in urls.items():
        env[f"INTEROP_{role.upper()}_URL"] = url
    return env
