"""Consumers need a media type, not one spelling of it: every committed pact accepts the JSON and
problem types with parameters (`; charset=utf-8`, RFC 9110 section 8.3.1) and refuses other types.

The Pact verifier matches a header regex against the whole value, so a rule like
`^application/json` would pin the exact string and fail a product that adds a charset.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.consumers.conftest import PACTS_DIR, WRITE

pytestmark = pytest.mark.skipif(WRITE, reason="reads the committed pacts, which are being rewritten")

ALLOWED = ("{}", "{}; charset=utf-8", "{};charset=UTF-8", "{} ; charset=utf-8", "{}".upper())
REFUSED = ("text/html", "application/xml", "{}x", "{}/extra", "text/{}")


def _content_type_rules() -> list[tuple[str, str, str]]:
    """(pact file and interaction, the response's declared media type, the header regex)."""
    found = []
    for path in sorted(PACTS_DIR.glob("*.json")):
        for interaction in json.loads(path.read_text(encoding="utf-8"))["interactions"]:
            response = interaction["response"]
            declared = (response.get("body") or {}).get("contentType")
            if not declared:
                continue
            rules = (response.get("matchingRules") or {}).get("header") or {}
            rule = next((r for name, r in rules.items() if name.lower() == "content-type"), None)
            regexes = [m["regex"] for m in (rule or {}).get("matchers", []) if m.get("match") == "regex"]
            label = f"{path.name}: {interaction['description']}"
            assert len(regexes) == 1, f"{label}: Content-Type is not matched by one media-type regex"
            found.append((label, declared, regexes[0]))
    return found


def test_every_response_body_has_a_media_type_rule() -> None:
    rules = _content_type_rules()
    assert {declared for _, declared, _ in rules} == {"application/json", "application/problem+json"}


@pytest.mark.parametrize("label,declared,regex", _content_type_rules() if not WRITE else [])
def test_media_type_rule_allows_parameters_and_nothing_else(label: str, declared: str, regex: str) -> None:
    for form in ALLOWED:
        value = form.format(declared)
        assert re.fullmatch(regex, value), f"{label}: {value!r} refused by {regex}"
    for form in REFUSED:
        value = form.format(declared.split("/")[1]) if form.startswith("text/") else form.format(declared)
        assert not re.fullmatch(regex, value), f"{label}: {value!r} accepted by {regex}"
