"""The parts of the contracts suite (harness/suites/contracts.py).

pactfile (read pacts, split them into single interactions), consumers (the scopes a consumer's
client holds), states + state_records/custody/intelligence (provider states set up through the
standard API), target_api (the product's API as the state set-up uses it), state_server (the
state-change URL the verifier calls), proxy (real tokens, recorded exchanges, dead or slow
targets), runner (pact-python's Verifier) and translate (CheckResults and Findings).
"""
