"""Schema-based fuzzing of a product against the standard's OpenAPI document (Schemathesis 4).

    options.py   the budget (`--max-examples`, `--seed`, `--workers`, `--max-time`) and its defaults
    spec.py      the document as fuzzed (no test-support paths) and what it says about scopes
    engine.py    drives Schemathesis's own engine and records what it sent, saw and failed
    auth.py      the auth probes Schemathesis cannot make against OAuth2 (no token, bad token, wrong scope)
    curl.py      a recorded request as a curl command that reproduces it (tokens as shell variables)
    findings.py  the check catalogue (requirement ids, titles) and one finding per check and operation

`harness.suites.fuzz.FuzzSuite` ties them together and speaks the harness's event stream.
"""
