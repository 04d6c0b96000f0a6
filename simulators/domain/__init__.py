"""Domain facts shared by generators and validators: identifier formats, code lists, name variants.

``identifiers`` holds the check-character and format rules (PNC ID, CRO number, postcode, CJS
offence code layout); ``codelists`` holds code -> title dictionaries; ``names`` holds the spelling
variants of names. All are pure and importable without Flask, so the population generator, the
simulators and the harness apply one set of rules.
"""

from simulators.domain import codelists, identifiers, names

__all__ = ["codelists", "identifiers", "names"]
