"""Acceptance evidence: the requirements catalogue, force acceptance profiles, and the signed
evidence pack (`interop accept`, `interop evidence verify|diff`). See docs/evidence.md."""
