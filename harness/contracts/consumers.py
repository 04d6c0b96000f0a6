"""Which scopes a consumer's requests are verified with: the ones its client really has.

A pact carries an example bearer token; at verification the harness swaps in a real token from the
target with the scopes of the consumer's client (simulators/core/default_clients.yaml, or the file
INTEROP_CLIENTS_FILE names), narrowed to the provider's own scopes. A provider that demands more
than the consumer is given (a scope the consumer does not hold) then fails the pact, as it would in
service. A consumer we do not know (a vendor's) gets the `vendor` client's scopes.
"""

from __future__ import annotations

import os
from pathlib import Path

from simulators.core.auth import VENDOR_CLIENT, load_clients


def client_id_for(consumer: str, known: set[str]) -> str:
    for candidate in (consumer, f"{consumer}-system"):
        if candidate in known:
            return candidate
    return VENDOR_CLIENT


def consumer_scopes(consumer: str, provider_role: str) -> list[str]:
    """The scopes `consumer`'s client holds for `provider_role` (e.g. records:read)."""
    path = os.environ.get("INTEROP_CLIENTS_FILE")
    clients = load_clients(Path(path) if path else None)
    client = clients.get(client_id_for(consumer, set(clients)))
    if client is None:
        return []
    return sorted(s for s in client.scopes if s.split(":", 1)[0] == provider_role)
