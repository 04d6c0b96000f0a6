"""Typed clients one system uses to call another, exactly as a vendor product would.

`client_for(config, "records")` builds the client a simulator uses to reach its records peer,
with client credentials at that peer's own token endpoint.
"""

from __future__ import annotations

import importlib
from typing import Any

from simulators.clients.base import ServiceClient, TokenSource, UpstreamError, token_source_for

_CLASSES = {
    "records": ("simulators.clients.records", "RecordsClient"),
    "custody": ("simulators.clients.custody", "CustodyClient"),
    "intelligence": ("simulators.clients.intelligence", "IntelligenceClient"),
}


def client_for(config: Any, system: str) -> Any:
    """The client `config.system` uses to call `system` at `config.peers[system]`."""
    module, name = _CLASSES[system]
    cls = getattr(importlib.import_module(module), name)
    url = config.peers[system]
    client_id, secret = config.peer_credentials
    return cls(url, token_source_for(url, client_id, secret), timeout=config.peer_timeout)


__all__ = ["ServiceClient", "TokenSource", "UpstreamError", "client_for", "token_source_for"]
