"""The custody system simulator (PACE custody records and the detention clock)."""

from simulators.custody.app import create_app

__all__ = ["create_app"]
