"""Inline SVG charts for the HTML report: horizontal bars and an outlet → relay → site flow.

Why SVG written here rather than a chart library: the report must be one file that opens offline
and reads the same with scripts off; a few rectangles and paths do that in a few kilobytes. Every
label is scraped or user text, so every label goes through ``esc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .html_escape import esc

BAR_ROWS = 30  # bars drawn before the rest are folded into one "N more" line
FLOW_NODES = 14  # nodes per column of the flow chart before the rest are folded into "other"
LABEL_CHARS = 34


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as written at the bar's end
    title: str = ""  # tooltip (the full label and counts)


def bar_chart(title: str, bars: Sequence[Bar], chart_id: str, scale_max: float | None = None) -> str:
    """One bar per row, longest scale ``scale_max`` (default the largest value)."""
    if not bars:
        return ""
    shown = list(bars[:BAR_ROWS])
    top = scale_max if scale_max is not None else max((bar.value for bar in shown), default=0) or 1
    label_w, bar_w, row_h = 250, 360, 22
    height = row_h * len(shown) + (row_h if len(bars) > BAR_ROWS else 0) + 8
    width = label_w + bar_w + 80
    parts = [f'<svg class="chart" id="{esc(chart_id)}" role="img" aria-labelledby="{esc(chart_id)}-t" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f'<title id="{esc(chart_id)}-t">{esc(title)}</title>']
    for row, bar in enumerate(shown):
        y = 4 + row * row_h
        length = max(1.0, bar_w * (bar.value / top)) if bar.value > 0 else 0.0
        tip = esc(bar.title or f"{bar.label}: {bar.shown}")
        parts.append(
            f'<g class="bar"><title>{tip}</title>'
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{esc(_short(bar.label))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 6}"></rect>'
            f'<text x="{label_w + length + 5:.1f}" y="{y + 15}">{esc(bar.shown)}</text></g>')
    if len(bars) > BAR_ROWS:
        y = 4 + len(shown) * row_h
        parts.append(f'<text x="{label_w}" y="{y + 15}" class="more">'
                     f"… and {len(bars) - BAR_ROWS} more</text>")
    parts.append("</svg>")
    return "".join(parts)


def _fold(weights: dict[str, int], limit: int) -> dict[str, str]:
    """Node name -> shown name: the ``limit`` heaviest keep theirs, the rest become "other"."""
    ranked = sorted(weights, key=lambda name: (-weights[name], name))
    kept = set(ranked[:limit])
    other = f"other ({len(ranked) - limit})"
    return {name: name if name in kept else other for name in ranked}


def flow_chart(title: str, paths: dict[tuple[str, str, str], int], chart_id: str) -> str:
    """Outlet → relay → site: three columns of nodes, links as wide as the paragraphs they carry."""
    if not paths:
        return ""
    columns: list[dict[str, int]] = [{}, {}, {}]
    for triple, count in paths.items():
        for column, name in enumerate(triple):
            columns[column][name] = columns[column].get(name, 0) + count
    folds = [_fold(column, FLOW_NODES) for column in columns]
    links: list[dict[tuple[str, str], int]] = [{}, {}]
    shown_columns: list[dict[str, int]] = [{}, {}, {}]
    for triple, count in paths.items():
        names = [folds[column][name] for column, name in enumerate(triple)]
        for column, name in enumerate(names):
            shown_columns[column][name] = shown_columns[column].get(name, 0) + count
        for step in range(2):
            key = (names[step], names[step + 1])
            links[step][key] = links[step].get(key, 0) + count
    total = sum(paths.values())
    node_h_total, gap, col_x, node_w = 420.0, 6.0, (200, 470, 740), 12
    height = int(node_h_total + gap * FLOW_NODES + 40)
    positions: list[dict[str, tuple[float, float]]] = []
    for column in shown_columns:
        ranked = sorted(column, key=lambda name: (name.startswith("other ("), -column[name], name))
        y, placed = 30.0, {}
        for name in ranked:
            h = max(3.0, node_h_total * column[name] / total)
            placed[name] = (y, h)
            y += h + gap
        positions.append(placed)
    parts = [f'<svg class="chart flow" id="{esc(chart_id)}" role="img" aria-labelledby="{esc(chart_id)}-t" '
             f'viewBox="0 0 960 {height}" width="960" height="{height}">',
             f'<title id="{esc(chart_id)}-t">{esc(title)}</title>']
    for column, heading in enumerate(("outlet (original)", "relay", "site")):
        parts.append(f'<text class="head" x="{col_x[column] + node_w / 2}" y="16" text-anchor="middle">'
                     f"{heading}</text>")
    for step in range(2):
        out_used: dict[str, float] = {}
        in_used: dict[str, float] = {}
        for (source, target), count in sorted(links[step].items(), key=lambda kv: (-kv[1], kv[0])):
            width = max(1.0, node_h_total * count / total)
            sy, _ = positions[step][source]
            ty, _ = positions[step + 1][target]
            y1 = sy + out_used.get(source, 0.0) + width / 2
            y2 = ty + in_used.get(target, 0.0) + width / 2
            out_used[source] = out_used.get(source, 0.0) + width
            in_used[target] = in_used.get(target, 0.0) + width
            x1, x2 = col_x[step] + node_w, col_x[step + 1]
            mid = (x1 + x2) / 2
            parts.append(
                f'<path class="link" d="M{x1},{y1:.1f} C{mid},{y1:.1f} {mid},{y2:.1f} {x2},{y2:.1f}" '
                f'stroke-width="{width:.1f}"><title>{esc(source)} → {esc(target)}: {count} paragraphs</title>'
                "</path>")
    for column, placed in enumerate(positions):
        for name, (y, h) in placed.items():
            x = col_x[column]
            anchor, tx = ("end", x - 5) if column == 0 else ("start", x + node_w + 5)
            parts.append(
                f'<g class="node"><title>{esc(name)}: {shown_columns[column][name]} paragraphs</title>'
                f'<rect x="{x}" y="{y:.1f}" width="{node_w}" height="{h:.1f}"></rect>'
                f'<text x="{tx}" y="{y + h / 2 + 4:.1f}" text-anchor="{anchor}">'
                f"{esc(_short(name, 28))}</text></g>")
    parts.append("</svg>")
    return "".join(parts)
