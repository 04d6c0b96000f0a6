"""The fuzzer can send the standard's NDJSON upload bodies (harness/fuzz/ndjson.py): without a
serializer Schemathesis generates no request for a bulk upload and its auth probes never run."""

from __future__ import annotations

from schemathesis.transport.requests import REQUESTS_TRANSPORT

from harness.fuzz.ndjson import MEDIA_TYPE, ndjson_body


def test_the_ndjson_serializer_is_registered() -> None:
    import harness.fuzz.engine  # noqa: F401  (the engine registers it on import)

    found = REQUESTS_TRANSPORT.get_first_matching_media_type(MEDIA_TYPE)
    assert found is not None and found[0] == MEDIA_TYPE
    assert found[1](None, '{"a": 1}') == {"data": b'{"a": 1}\n'}  # the body as sent


def test_generated_values_become_whole_utf8_lines() -> None:
    assert ndjson_body("abc") == b"abc\n"
    assert ndjson_body("a\n") == b"a\n"
    assert ndjson_body("Zoë") == b"Zo\xc3\xab\n"
    assert ndjson_body(b"raw") == b"raw"


def test_a_value_of_another_type_is_sent_as_json_without_a_line_end() -> None:
    # Only a negative test makes one; the standard says to refuse it (BULK-IMP-003: whole lines).
    assert ndjson_body([{"a": 1}, "Zoë"]) == b'[{"a": 1}, "Zo\xc3\xab"]'
    assert ndjson_body({"k": None}) == b'{"k": null}'
    assert ndjson_body(4) == b"4"
