"""The `interop` harness: starts the ecosystem and verifies products against the open standard."""

from simulators.core.version import VERSION as __version__

__all__ = ["__version__"]
