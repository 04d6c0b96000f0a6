"""The load report's charts as static inline SVG, drawn when report.html is written.

No script (the report's Content-Security-Policy forbids any) and no style attribute (the CSP
allows only the page's own stylesheet): presentation attributes only. Every text is escaped.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 150, 14, 34
COLOURS = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#555555")
PERCENTILES = (("p50", "#2e8b57"), ("p95", "#d35400"), ("p99", "#c0392b"))


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return float(m * step)
    return float(10 * step)


def line_chart(
    title: str, unit: str, lines: list[tuple[str, str, list[tuple[float, float]]]], seconds: float
) -> Markup:
    """One chart: `lines` of (label, colour, [(t, value)]), x from 0 to `seconds`."""
    values = [v for _l, _c, pts in lines for _t, v in pts]
    top = _nice_max(max(values) if values else 0.0)
    span = max(1.0, float(seconds))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: float) -> float:
        return LEFT + plot_w * min(t, span) / span

    def y(v: float) -> float:
        return TOP + plot_h * (1 - min(v, top) / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="load-chart" role="img" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#999999"/>',
    ]
    for i in range(5):  # horizontal grid with its values
        v = top * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e5e5"/>'
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" fill="#333333">'
            f"{v:g}</text>"
        )
    for i in range(5):
        t = span * i / 4
        parts.append(
            f'<text x="{x(t):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="11" '
            f'fill="#333333">{t:g}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 4}" text-anchor="middle" font-size="11" '
        f'fill="#333333">seconds of steady state</text>'
        f'<text x="12" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="11" fill="#333333" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})">{escape(unit)}</text>'
    )
    for n, (label, colour, pts) in enumerate(lines):
        if pts:
            coords = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in pts)
            parts.append(
                f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2" points="{coords}">'
                f"<title>{escape(label)}</title></polyline>"
            )
        ly = TOP + 12 + 16 * n
        parts.append(
            f'<line x1="{LEFT + plot_w + 10}" x2="{LEFT + plot_w + 26}" y1="{ly - 4}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="3"/>'
            f'<text x="{LEFT + plot_w + 30}" y="{ly}" font-size="11" fill="#333333">'
            f"{escape(label[:22])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped text and numbers only


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def load_charts(load: dict[str, Any]) -> Markup:
    """Latency percentiles over time per operation, and throughput per operation over time."""
    series: dict[str, list[dict[str, Any]]] = load.get("series") or {}
    seconds = _num(load.get("steady_seconds")) or 1.0
    out = []
    throughput = []
    for n, (op, points) in enumerate(sorted(series.items())):
        lines = []
        for key, colour in PERCENTILES:
            pts = [
                (t, v)
                for p in points
                if (t := _num(p.get("t"))) is not None and (v := _num(p.get(key))) is not None
            ]
            lines.append((key, colour, pts))
        out.append(
            f'<figure class="load-figure"><figcaption>Latency of {escape(op)} (ms, per second)</figcaption>'
            f"{line_chart(f'Latency percentiles of {op}', 'ms', lines, seconds)}</figure>"
        )
        pts = [
            (t, v)
            for p in points
            if (t := _num(p.get("t"))) is not None and (v := _num(p.get("requests"))) is not None
        ]
        throughput.append((str(op), COLOURS[n % len(COLOURS)], pts))
    if throughput:
        out.insert(
            0,
            '<figure class="load-figure">'
            "<figcaption>Throughput per operation (requests per second)</figcaption>"
            f"{line_chart('Throughput per operation', 'requests/s', throughput, seconds)}</figure>",
        )
    return Markup("".join(out))  # noqa: S704 - every part above is escaped
