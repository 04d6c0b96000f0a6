"""The intelligence system simulator (port 8103): 3x5x2-graded reports, sanitisation, audit."""

from simulators.intelligence.app import create_app

__all__ = ["create_app"]
