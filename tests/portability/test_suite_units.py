"""The portability suite's parts without a server: field-by-field differences and their kinds,
upload chunks at line ends, the manifest against the files, and the cap on repeated findings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from harness.engine.events import Finding
from harness.portability.client import BulkClient, BulkError, Export, chunks, sha256
from harness.portability.diff import diff
from harness.portability.judge import latest_instant
from harness.portability.lines import manifest_problems, parse
from harness.portability.verdicts import PER_GROUP, FindingSink
from simulators.domain.identifiers import make_pnc_id


def test_each_difference_is_dropped_normalised_changed_or_added() -> None:
    pnc = make_pnc_id(1985, 123456)  # 1985/0123456X
    short = pnc[2:5] + pnc[5:].lstrip("0")  # 85/123456X: the same PNC ID written short
    before = {
        "pnc_id": pnc,
        "aliases": [{"surname": "A"}],
        "address": {"postcode": "ls1 4ab", "town": "Leeds"},
        "surname": "Smith",
        "ethnicity": None,
        "version": 2,
    }
    after = {
        "pnc_id": short,
        "aliases": [],
        "address": {"postcode": "LS1 4AB", "town": "York"},
        "surname": "Smith",
        "ethnicity": "W1",
        "version": 2,
    }
    kinds = {c.field: c.kind for c in diff(before, after)}
    assert kinds == {
        "pnc_id": "normalised",
        "aliases": "dropped",
        "address.postcode": "normalised",
        "address.town": "changed",
        "ethnicity": "added",
    }


def test_lists_of_objects_in_another_order_are_the_same_but_names_are_not() -> None:
    links = [{"link_id": "a", "role": "suspect"}, {"link_id": "b", "role": "victim"}]
    assert diff({"links": links}, {"links": list(reversed(links))}) == []
    assert [c.field for c in diff({"forenames": ["Ann", "Mary"]}, {"forenames": ["Mary", "Ann"]})] == [
        "forenames"
    ]
    assert diff({"clock": 1, "x": 1}, {"clock": 2, "x": 1}, ignore=frozenset({"clock"})) == []


def test_uploads_are_cut_at_line_ends_within_the_bound() -> None:
    data = b"".join(f'{{"n":{i},"pad":"{"x" * 30}"}}\n'.encode() for i in range(100))
    pieces = chunks(data, limit=200)
    assert b"".join(pieces) == data
    assert all(len(p) <= 200 and p.endswith(b"\n") for p in pieces)
    long_line = b"y" * 500 + b"\n"
    assert chunks(b"a\n" + long_line + b"b\n", limit=100) == [b"a\n", long_line, b"b\n"]


def _export(lines: list[bytes], entry: dict[str, Any]) -> Export:
    data = b"".join(lines)
    fetched = {"count": len(lines), "sha256": sha256(data), "bytes": len(data), "entry": entry}
    return Export({"state": "completed"}, {"nominal": data}, {"nominal": [fetched]})


def test_the_manifest_is_judged_against_the_files() -> None:
    lines = [b'{"nominal_id":"a"}\n', b'{"nominal_id":"b"}\n', b'{"nominal_id":"a"}\n']
    data = b"".join(lines)
    right = {"type": "nominal", "count": 3, "sha256": sha256(data), "bytes": len(data)}
    assert manifest_problems("records", _export(lines, right), ["nominal"]) == []
    wrong = {**right, "count": 2, "sha256": "0" * 64}
    titles = [p.title for p in manifest_problems("records", _export(lines, wrong), ["nominal", "merge"])]
    assert titles == [
        "no merge file in the export",
        "the manifest's count for nominal is wrong",
        "the manifest's SHA-256 for nominal is wrong",
    ]
    parsed = parse("records", _export(lines, right))
    assert sorted(parsed.docs["nominal"]) == ["a", "b"]
    assert [p.title for p in parsed.problems] == ["nominal a is in the export twice"]


def test_the_same_finding_is_listed_five_times_then_counted() -> None:
    emitted: list[Finding] = []
    sink = FindingSink("portability", emitted.append)
    for i in range(PER_GROUP + 3):
        sink.add(
            ("PORT-EXPORT-FIDELITY", "nominal", "aliases"),
            "c",
            f"aliases of nominal {i} dropped in export",
            "",
            "PORT-EXPORT-FIDELITY",
        )
    sink.add(
        ("PORT-EXPORT-FIDELITY", "nominal", "pnc_id"),
        "c",
        "pnc_id of nominal 9 rewritten",
        "",
        "PORT-EXPORT-FIDELITY",
    )
    sink.close(lambda g: "c")
    assert len(emitted) == PER_GROUP + 2
    assert emitted[-1].title == "3 more like: aliases of nominal 0 dropped in export"
    assert all(f.requirement == "PORT-EXPORT-FIDELITY" and f.severity == "error" for f in emitted)


def test_the_latest_time_of_a_line_is_found_at_any_depth() -> None:
    doc = {
        "created_at": "2026-01-01T00:00:00+00:00",
        "links": [{"created_at": "2026-03-01T10:00:00Z"}],
        "summary": "at 2027-01-01",
        "at": "not a time",
    }
    assert latest_instant(doc) == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert latest_instant({"name": "x"}) is None


def test_file_urls_are_fetched_only_from_the_product_itself() -> None:
    client = BulkClient("http://127.0.0.1:5000", None, "records", public_url="https://rms.vendor.example")
    assert (
        client.url("/bulk/exports/1/files/nominal.ndjson")
        == "http://127.0.0.1:5000/bulk/exports/1/files/nominal.ndjson"
    )
    assert (
        client.url("https://rms.vendor.example/bulk/f") == "http://127.0.0.1:5000/bulk/f"
    )  # through the tap
    for elsewhere in ("https://storage.example/f.ndjson", "//storage.example/f.ndjson"):
        with pytest.raises(BulkError, match="not on the product's own address"):
            client.url(elsewhere)
