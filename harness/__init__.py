"""The `interop` harness: starts the ecosystem and verifies products against the open standard."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("interop-range")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+local"
