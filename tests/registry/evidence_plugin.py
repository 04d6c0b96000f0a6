"""Importing this registers the evidence system (what `INTEROP_SYSTEM_MODULES` names for a child process)."""

from tests.registry.evidence_system import register

register()
