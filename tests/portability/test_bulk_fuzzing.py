"""The fuzzer can send the standard's NDJSON upload bodies (harness/fuzz/ndjson.py): without a
serializer Schemathesis generates no request for a bulk upload and its auth probes never run."""

from __future__ import annotations

from schemathesis.transport.requests import REQUESTS_TRANSPORT

from harness.fuzz.ndjson import MEDIA_TYPE, ndjson_body


def test_the_ndjson_serializer_is_registered() -> None:
    import harness.fuzz.engine  # noqa: F401  (the engine registers it on import)

    found = REQUESTS_TRANSPORT.get_first_matching_media_type(MEDIA_TYPE)
    assert found is not None and found[0] == MEDIA_TYPE


def test_generated_values_become_whole_utf8_lines() -> None:
    assert ndjson_body("abc") == b"abc\n"
    assert ndjson_body("a\n") == b"a\n"
    assert ndjson_body([{"a": 1}, "Zoë"]) == b'{"a": 1}\n"Zo\xc3\xab"\n'
    assert ndjson_body({"k": None}) == b'{"k": null}\n'
    assert ndjson_body(b"raw") == b"raw"
