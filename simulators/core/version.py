"""The range's version (the installed `interop-range` distribution), reported by `/health` and the CLI."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("interop-range")
except PackageNotFoundError:  # running from a source tree without installation
    VERSION = "0.0.0+local"
