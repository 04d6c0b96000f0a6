"""The range's fixtures for this folder's own tests (a vendor's suite names the plugin module in
`pytest_plugins` instead; examples/vendor-suite/conftest.py)."""

from harness.pytest_plugin.fixtures import (  # noqa: F401
    interop_clock,
    interop_ecosystem,
    interop_records_client,
    interop_reference,
    interop_token,
)
