"""The records management system (RMS) simulator: nominals, occurrences, POLE links, merges."""

from simulators.records.app import create_app

__all__ = ["create_app"]
