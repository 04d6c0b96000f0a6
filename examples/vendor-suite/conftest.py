"""Acme's suite asks for the range's fixtures; the checks come with --interop-role (README.md)."""

pytest_plugins = ["harness.pytest_plugin.fixtures"]
