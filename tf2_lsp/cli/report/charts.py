"""The report's charts as inline SVG strings (no script, no network: they render anywhere)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from html import escape

from tf2_lsp.cli.report.aggregate import FIX_CLASSES, FixClass, Group
from tf2_lsp.cli.report.treemap import Node, build_tree, layout

FIX_LABELS: dict[FixClass, str] = {
    "safe": "safe fix",
    "unsafe": "unsafe fix (review)",
    "manual": "manual migration",
    "none": "no fix for this use",
}


def _num(value: int) -> str:
    return f"{value:,}"


def _f(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")


def donut(parts: Sequence[tuple[str, int, str]], label: str, sub: str) -> str:
    """A ring of (css class, value, title) parts with a label in the middle."""
    total = sum(value for _, value, _ in parts)
    size, radius, width = 180, 70, 26
    center = size / 2
    pieces = [
        f'<circle class="ring-track" cx="{center}" cy="{center}" r="{radius}" '
        f'stroke-width="{width}" fill="none"/>'
    ]
    start = -math.pi / 2
    for css, value, title in parts:
        if value <= 0 or total <= 0:
            continue
        share = value / total
        if share >= 0.9999:
            pieces.append(
                f'<circle class="seg {css}" cx="{center}" cy="{center}" r="{radius}" '
                f'stroke-width="{width}" fill="none"><title>{escape(title)}</title></circle>'
            )
            break
        end = start + share * 2 * math.pi
        x1, y1 = center + radius * math.cos(start), center + radius * math.sin(start)
        x2, y2 = center + radius * math.cos(end), center + radius * math.sin(end)
        large = 1 if share > 0.5 else 0
        pieces.append(
            f'<path class="seg {css}" d="M{x1:.2f},{y1:.2f} A{radius},{radius} 0 {large} 1 '
            f'{x2:.2f},{y2:.2f}" stroke-width="{width}" fill="none">'
            f"<title>{escape(title)}</title></path>"
        )
        start = end
    pieces.append(
        f'<text class="ring-value" x="{center}" y="{center + 2}" text-anchor="middle">'
        f"{escape(label)}</text>"
        f'<text class="ring-sub" x="{center}" y="{center + 22}" text-anchor="middle">'
        f"{escape(sub)}</text>"
    )
    return (
        f'<svg class="chart donut" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="{escape(sub)}">' + "".join(pieces) + "</svg>"
    )


def _row(key: str, title: str, bar: str, count: str) -> str:
    """One row of a bar chart: the label and the numbers are HTML (they wrap and stay
    readable at any width), the bar is an SVG stretched over the row's track."""
    return (
        f'<div class="bar-row" data-key="{escape(key)}">'
        f'<div class="bar-label" title="{escape(title)}">{escape(title)}</div>'
        f'<svg class="bar-track" viewBox="0 0 1000 24" preserveAspectRatio="none" '
        f'aria-hidden="true">{bar}</svg><div class="bar-count">{count}</div></div>'
    )


def family_bars(groups: Sequence[Group]) -> str:
    """One horizontal bar per rule family, stacked by fix class, longest first."""
    if not groups:
        return ""
    biggest = max(g.counts.findings for g in groups) or 1
    rows = []
    for group in groups:
        x = 0.0
        segments = []
        for fix_class in FIX_CLASSES:
            value = getattr(group.counts, fix_class)
            if not value:
                continue
            w = 1000 * value / biggest
            segments.append(
                f'<rect class="seg {fix_class}" x="{x:.2f}" y="2" width="{max(w, 2):.2f}" '
                f'height="20"><title>{escape(group.title)}: {_num(value)} '
                f"{FIX_LABELS[fix_class]}</title></rect>"
            )
            x += w
        blocking = (
            f' <span class="bar-blocking">{_num(group.counts.blocking)} blocking</span>'
            if group.counts.blocking
            else ""
        )
        rows.append(
            _row(
                group.id,
                group.title,
                "".join(segments),
                f"<b>{_num(group.counts.findings)}</b>{blocking}",
            )
        )
    return (
        '<div class="chart bars" role="img" aria-label="Findings by rule family">'
        + "".join(rows)
        + "</div>"
    )


def trend_bars(families: Sequence[tuple[str, str, int, int]]) -> str:
    """Per family, two bars: findings fixed since the baseline (green), new ones (red)."""
    if not families:
        return ""
    biggest = max(max(fixed, new) for _, _, fixed, new in families) or 1
    rows = []
    for family, title, fixed, new in families:
        bars = "".join(
            f'<rect class="seg {css}" x="0" y="{y}" width="{max(1000 * value / biggest, 2):.2f}" '
            f'height="10"><title>{escape(title)}: {_num(value)} {css}</title></rect>'
            for css, value, y in (("fixed", fixed, 1), ("new", new, 13))
            if value
        )
        count = " ".join(
            part
            for part in (
                f'<span class="good">−{_num(fixed)}</span>' if fixed else "",
                f'<span class="bad">+{_num(new)}</span>' if new else "",
            )
            if part
        )
        rows.append(_row(family, title, bars, count))
    return (
        '<div class="chart trend" role="img" aria-label="Fixed and new findings by rule family">'
        + "".join(rows)
        + "</div>"
    )


# Findings per 1,000 lines -> colour, on a scale that ends at the tree's own worst files (its
# 90th percentile), so the worst places stand out whatever the overall density.
_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (254, 240, 138)),
    (0.15, (253, 186, 116)),
    (0.4, (249, 115, 22)),
    (0.7, (220, 38, 38)),
    (1.0, (127, 29, 29)),
)
CLEAN_COLOUR = "#bbf7d0"
MIN_TOP = 10.0  # below this many findings per 1,000 lines, nothing is "the worst"


def density_top(files: Sequence[tuple[str, int, int, int]]) -> float:
    """The density (findings per 1,000 lines) at which the colour scale ends."""
    densities = sorted(f * 1000 / max(lines, 1) for _, lines, f, _ in files if f)
    if not densities:
        return MIN_TOP
    return max(MIN_TOP, densities[min(len(densities) - 1, int(len(densities) * 0.9))])


def density_colour(findings: int, lines: float, top: float) -> str:
    if findings <= 0:
        return CLEAN_COLOUR
    position = min(findings * 1000 / max(lines, 1) / top, 1.0)
    for (low, a), (high, b) in itertools.pairwise(_STOPS):
        if position <= high:
            t = (position - low) / (high - low)
            r, g, bl = (round(a[i] + (b[i] - a[i]) * t) for i in range(3))
            return f"#{r:02x}{g:02x}{bl:02x}"
    r, g, bl = _STOPS[-1][1]
    return f"#{r:02x}{g:02x}{bl:02x}"


def _dark(colour: str) -> bool:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b < 140


def treemap(
    files: Sequence[tuple[str, int, int, int]], width: int = 1120, height: int = 520
) -> str:
    """Files as tiles sized by lines, coloured by findings per 1,000 lines."""
    root = build_tree(files)
    if root.size <= 0:
        return ""
    top = density_top(files)
    parts = []
    for tile in layout(root, width, height):
        node: Node = tile.node
        if tile.w < 0.4 or tile.h < 0.4:
            continue
        summary = (
            f"{node.path or '.'}: {_num(int(node.size))} lines, {_num(node.findings)} TF1 uses"
            + (f" ({_num(node.blocking)} blocking)" if node.blocking else "")
        )
        if node.is_file:
            colour = density_colour(node.findings, node.size, top)
            text_class = "tile-text light" if _dark(colour) else "tile-text"
            parts.append(
                f'<g class="tile" data-path="{escape(node.path)}">'
                f'<rect x="{tile.x:.1f}" y="{tile.y:.1f}" width="{tile.w:.1f}" '
                f'height="{tile.h:.1f}" fill="{colour}"><title>{escape(summary)}</title></rect>'
            )
            if tile.w > 54 and tile.h > 15:
                chars = int((tile.w - 8) / 6.2)
                name = node.name if len(node.name) <= chars else node.name[: chars - 1] + "…"
                parts.append(
                    f'<text class="{text_class}" x="{tile.x + 4:.1f}" y="{tile.y + 12:.1f}">'
                    f"{escape(name)}</text>"
                )
                if tile.h > 30 and node.findings:
                    parts.append(
                        f'<text class="{text_class} small" x="{tile.x + 4:.1f}" '
                        f'y="{tile.y + 25:.1f}">{_num(node.findings)}</text>'
                    )
            parts.append("</g>")
        else:
            parts.append(
                f'<g class="dir"><rect x="{tile.x:.1f}" y="{tile.y:.1f}" width="{tile.w:.1f}" '
                f'height="{tile.h:.1f}"><title>{escape(summary)}</title></rect>'
            )
            if tile.h > 45 and tile.w > 40:
                chars = int((tile.w - 8) / 6.4)
                label = f"{node.name}/ · {_num(node.findings)}"
                if len(label) > chars:
                    label = label[: max(chars - 1, 1)] + "…"
                parts.append(
                    f'<text class="dir-label" x="{tile.x + 4:.1f}" y="{tile.y + 12:.1f}">'
                    f"{escape(label)}</text>"
                )
            parts.append("</g>")
    return (
        f'<svg class="chart treemap" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Directory treemap: area is lines, colour is findings per 1,000 lines">'
        + "".join(parts)
        + "</svg>"
    )


def density_legend(top: float) -> str:
    stops = "".join(
        f'<stop offset="{low:.3f}" stop-color="rgb{colour}"/>' for low, colour in _STOPS
    )
    ticks = "".join(
        f'<text x="{40 + 200 * low:.1f}" y="30" text-anchor="middle">{_f(low * top)}'
        f"{'+' if low == 1.0 else ''}</text>"
        for low, _ in _STOPS
        if low in (0.0, 0.4, 1.0)
    )
    return (
        '<svg class="legend-scale" viewBox="0 0 300 34" role="img" '
        'aria-label="Colour scale: findings per 1,000 lines">'
        f'<defs><linearGradient id="density">{stops}</linearGradient></defs>'
        f'<rect x="0" y="4" width="28" height="12" rx="2" fill="{CLEAN_COLOUR}"/>'
        '<text x="14" y="30" text-anchor="middle">clean</text>'
        '<rect x="40" y="4" width="200" height="12" rx="2" fill="url(#density)"/>'
        f"{ticks}"
        '<text x="248" y="14">per 1k lines</text></svg>'
    )
