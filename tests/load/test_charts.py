"""The load charts: static SVG, well-formed, no script or style, every name escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from harness.load.charts import load_charts

SVG = "{http://www.w3.org/2000/svg}"


def test_charts_are_well_formed_svg_with_one_line_per_series() -> None:
    series = {
        "read <b>by</b> id": [
            {"t": t, "requests": 10 + t, "p50": 5.0, "p95": 9.0, "p99": None} for t in range(5)
        ],
        "search": [{"t": t, "requests": 3, "p50": 7.0, "p95": 8.0, "p99": 30.0} for t in range(5)],
    }
    html = str(load_charts({"series": series, "steady_seconds": 5}))
    doc = ET.fromstring(f"<div>{html}</div>")
    svgs = doc.findall(f".//{SVG}svg")
    assert len(svgs) == 3  # throughput, then latency of each operation
    throughput, first, second = svgs
    assert len(throughput.findall(f".//{SVG}polyline")) == 2
    assert len(first.findall(f".//{SVG}polyline")) == 2  # p99 had no figure: no line
    assert len(second.findall(f".//{SVG}polyline")) == 3
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "<script" not in html and "style=" not in html


def test_no_series_no_chart() -> None:
    assert str(load_charts({})) == ""
