"""Domain rules judged from the standard API alone: the oracle (every response the harness sees)
and the boundary probes of the `rules` suite (requests at each rule's boundary, both sides)."""

from harness.oracle.oracle import DomainOracle

__all__ = ["DomainOracle"]
