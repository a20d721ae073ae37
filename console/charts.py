"""Charts as SVG drawn on the server: no JavaScript library, nothing from a CDN. Every bar is a
link to the conversations behind it, and every chart has a table with the same numbers."""
from html import escape
from typing import List, Optional, Sequence, Tuple

COLORS = ["#1b5e8c", "#b35900", "#2e7d32", "#6a1b9a", "#8c1b1b", "#37474f"]


def stacked_bars(title: str, labels: Sequence[str], series: List[Tuple[str, Sequence[float]]],
                 links: Optional[List[List[str]]] = None, percent: bool = False, width: int = 720,
                 height: int = 220) -> str:
    """Vertical stacked bars, one per label; series are (name, values)."""
    n = max(len(labels), 1)
    left, bottom, top = 44, 28, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    totals = [sum(s[1][i] for s in series) for i in range(len(labels))]
    peak = 100.0 if percent else max(totals + [1])
    bar_w = max(plot_w / n * 0.8, 1)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="group" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    ticks = [0, 50, 100] if percent else sorted({0, round(peak / 2), peak})
    for value in ticks:
        y = top + plot_h * (1 - value / peak)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#333">'
                     f'{value:.0f}{"%" if percent else ""}</text>')
    step = max(1, n // 8)
    for i, label in enumerate(labels):
        x = left + plot_w / n * i + (plot_w / n - bar_w) / 2
        y = top + plot_h
        for k, (name, values) in enumerate(series):
            v = values[i]
            if not v:
                continue
            share = v / totals[i] * 100 if percent and totals[i] else v
            h = plot_h * share / peak
            y -= h
            rect = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{COLORS[k % 6]}">'
                    f'<title>{escape(label)}: {escape(name)} {v:g}{f" ({share:.0f}%)" if percent else ""}</title></rect>')
            link = links[k][i] if links else None
            parts.append(f'<a href="{escape(link)}" aria-label="{escape(label)}: {escape(name)} {v:g}">{rect}</a>'
                         if link else rect)
        if i % step == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" text-anchor="middle" font-size="11" '
                         f'fill="#333">{escape(label)}</text>')
    parts.append("</svg>")
    legend = "".join(f'<li><span class="swatch swatch-{k % 6}"></span>{escape(name)}</li>'
                     for k, (name, _) in enumerate(series))
    return "".join(parts) + (f'<ul class="legend">{legend}</ul>' if len(series) > 1 else "")


def horizontal_bars(title: str, items: List[Tuple[str, float, Optional[str]]], width: int = 720) -> str:
    """(label, value, link) rows, largest first."""
    row_h, left = 24, 230
    if not items:
        return '<p class="hint">Nothing in this date range.</p>'
    height = max(len(items), 1) * row_h + 10
    peak = max([v for _, v, _ in items] + [1])
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="group" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value, link) in enumerate(items):
        y = 5 + i * row_h
        w = (width - left - 60) * value / peak
        rect = (f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="{COLORS[0]}">'
                f'<title>{escape(label)}: {value:g}</title></rect>')
        parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12" fill="#222">'
                     f'{escape(label)}</text>')
        parts.append(f'<a href="{escape(link)}" aria-label="{escape(label)}: {value:g}">{rect}</a>' if link else rect)
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 13}" font-size="12" fill="#222">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)
