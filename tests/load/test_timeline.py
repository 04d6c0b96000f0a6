"""Per-second windows: Locust's rounding, percentiles, merging what workers send."""

from __future__ import annotations

from harness.load.timeline import Recorder, bucket, percentile, summarise


def test_buckets_round_like_locust() -> None:
    assert [bucket(x) for x in (3.4, 99.6, 123, 987, 1234, 15049)] == [3, 100, 120, 990, 1200, 15000]


def test_percentiles_of_a_histogram() -> None:
    hist = {10: 50, 20: 45, 500: 5}
    assert (percentile(hist, 0.5), percentile(hist, 0.95), percentile(hist, 0.99)) == (10.0, 20.0, 500.0)
    assert percentile({}, 0.5) is None


def test_workers_windows_merge_into_the_masters() -> None:
    a, b, master = Recorder(), Recorder(), Recorder()
    a.record(100.2, "read", 10, None)
    b.record(100.7, "read", 30, "5xx")
    b.record(101.1, "read", 20, "schema")
    master.merge(a.drain())
    master.merge(b.drain())
    assert a.windows == {} and b.windows == {}
    win = master.windows[(100, "read")]
    assert (win.requests, dict(win.errors), dict(win.hist)) == (2, {"5xx": 1}, {10: 1, 30: 1})


def test_summary_keeps_only_the_steady_state() -> None:
    rec = Recorder()
    for sec in range(10):
        for _ in range(4):
            rec.record(sec + 0.5, "read", 1000 if sec < 2 else 10, "timeout" if sec == 5 else None)
    out = summarise(rec.windows, 2, 10)  # seconds 0 and 1 are the ramp-up
    fig = out["operations"]["read"]
    assert fig["requests"] == 32 and fig["throughput"] == 4.0 and fig["p99"] == 10.0
    assert fig["errors_by_kind"] == {"timeout": 4} and fig["error_rate"] == 0.125
    assert [p["t"] for p in out["series"]["read"]] == list(range(8))
