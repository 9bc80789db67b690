"""Inline SVG charts, drawn here (no JavaScript, no fonts, no network): a grouped
bar chart and a horizontal bar chart. Inline in HTML5, so no namespace declaration. Colours differ in lightness too, so a
black-and-white print still tells the series apart; every bar carries its value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

PALETTE = ("#1f4e79", "#9dc3e6", "#c55a11", "#f4b183")
INK, GRID, MUTED = "#222222", "#d0d0d0", "#555555"
FONT = 'font-family="Arial, Helvetica, sans-serif"'


def nice_step(top: float, ticks: int = 4) -> float:
    """A 1, 2 (2.5 from 25 up) or 5 times a power of ten step giving about ``ticks`` gridlines up to top."""
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 2.5, 5, 10) if power >= 10 else (1, 2, 5, 10)
    return max(1, next(m * power for m in steps if m * power >= raw))


def _fmt(value: float, unit: str) -> str:
    return f"{value:.0f}{unit}" if unit == "%" else f"{value:g}"


def _open(width: int, height: int, title: str, desc: str) -> list[str]:
    return [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(title)}" {FONT} font-size="11" class="chart">',
            f"<title>{escape(title)}</title>", f"<desc>{escape(desc)}</desc>"]


def _legend(names: Sequence[str], x: float, y: float) -> list[str]:
    out = []
    for i, name in enumerate(names):
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}" stroke="{INK}" stroke-width="0.5"/>')
        out.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" fill="{INK}">{escape(name)}</text>')
        x += 24 + 6.2 * len(name)
    return out


def grouped_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, title: str,
                 unit: str = "", top: float | None = None, floor: float = 0, width: int = 720, height: int = 250) -> str:
    """Bars per label, one colour per series. ``None`` values are drawn as "n/a". With ``floor`` the
    axis starts there (said on the chart, with a break mark), so shares between 90% and 100% differ
    visibly."""
    left, right, head, foot = 44, 8, 40, 30
    plot_w, plot_h = width - left - right, height - head - foot
    values = [v for _, vs in series for v in vs if v is not None]
    step = nice_step((top or max(values, default=0)) - floor)
    top = top or step * max(1, math.ceil(max(values, default=0) / step))
    desc = "; ".join(f"{name}: " + ", ".join(f"{lab} {'n/a' if v is None else _fmt(v, unit)}" for lab, v in zip(labels, vs))
                     for name, vs in series)
    if floor:
        desc += f"; the axis starts at {_fmt(floor, unit)}"
    out = _open(width, height, title, desc) + _legend([name for name, _ in series], left, 14)
    if floor:
        out.append(f'<path d="M{left - 6} {head + plot_h - 2:.1f} l4 -4 l4 8 l4 -4" fill="none" stroke="{INK}" stroke-width="1"/>')
        out.append(f'<text x="{width - right}" y="{14}" text-anchor="end" fill="{MUTED}" font-size="9.5">axis starts at '
                   f'{escape(_fmt(floor, unit))}</text>')
    for k in range(round((top - floor) / step) + 1):
        value = floor + k * step
        y = head + plot_h - plot_h * (value - floor) / (top - floor)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="{1 if k else 1.2}"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{escape(_fmt(value, unit))}</text>')
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    small = 9 if bar_w < 22 else 10
    for g, label in enumerate(labels):
        x0 = left + g * group_w + group_w * 0.1
        for s, (_, vs) in enumerate(series):
            v = vs[g]
            x = x0 + s * bar_w
            if v is None:
                out.append(f'<text x="{x + bar_w / 2:.1f}" y="{head + plot_h - 3:.1f}" text-anchor="middle" font-size="{small}" fill="{MUTED}">n/a</text>')
                continue
            h = plot_h * (min(max(v, floor), top) - floor) / (top - floor)
            y = head + plot_h - h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}" stroke="{INK}" stroke-width="0.4"/>')
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" font-size="{small}" fill="{INK}">{escape(_fmt(v, unit))}</text>')
        out.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - foot + 16:.1f}" text-anchor="middle" fill="{INK}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def horizontal_bars(labels: Sequence[str], values: Sequence[int], *, title: str, total: int | None = None,
                    width: int = 720, bar: int = 18) -> str:
    """One bar per label, longest first as given; the value (and its share of total) at the end."""
    left, right, head = 210, 90, 6
    height = head + bar * len(labels) + 8
    top = max(values, default=0) or 1
    desc = ", ".join(f"{lab} {v}" for lab, v in zip(labels, values))
    out = _open(width, height, title, desc)
    for i, (label, value) in enumerate(zip(labels, values)):
        y = head + i * bar
        w = (width - left - right) * value / top
        shown = label if len(label) <= 34 else label[:33] + "\u2026"
        share = f" ({100 * value / total:.0f}%)" if total else ""
        out.append(f'<text x="{left - 6}" y="{y + bar * 0.68:.1f}" text-anchor="end" fill="{INK}">{escape(shown)}</text>')
        out.append(f'<rect x="{left}" y="{y + 2:.1f}" width="{w:.1f}" height="{bar - 4}" fill="{PALETTE[0]}" stroke="{INK}" stroke-width="0.4"/>')
        out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar * 0.68:.1f}" fill="{INK}">{value}{share}</text>')
    out.append("</svg>")
    return "\n".join(out)


def axis_floor(values: Sequence[float | None], ceiling: float = 100) -> float:
    """Where a per-cent axis starts: 0, unless every value (and target) is high, when it starts a
    little below the lowest on a multiple of 10, so that 90% and 100% do not look alike. The
    chart then says where its axis starts."""
    known = [v for v in values if v is not None]
    if not known:
        return 0
    lowest = min(known)
    if lowest < 50:
        return 0
    return max(0.0, min(ceiling - 10, 10 * math.floor((lowest - 5) / 10)))


def share_bars(labels: Sequence[str], shares: Sequence[tuple[int, int] | None], *, title: str,
               target: float | None = None, width: int = 360, height: int = 230) -> str:
    """One bar per quarter for a share (n of m), with the per cent above each bar and the count
    under its label, the target drawn as a dashed line, and the axis started where
    ``axis_floor`` says (stated on the chart, with a break mark) so a 90-100% range is readable.
    ``None``: nothing to show in that quarter ("n/a"); 0 of 0 likewise."""
    left, right, head, foot = 40, 62, 22, 40
    plot_w, plot_h = width - left - right, height - head - foot
    pcts = [None if s is None or not s[1] else 100.0 * s[0] / s[1] for s in shares]
    floor, top = axis_floor([*pcts, target]), 100.0
    step = 5 if top - floor <= 30 else 10 if top - floor <= 60 else 20

    def y_of(v: float) -> float:
        return head + plot_h - plot_h * (max(v, floor) - floor) / (top - floor)

    desc = ", ".join(f"{lab} {'n/a' if p is None else f'{p:.1f}% ({s[0]} of {s[1]})'}"
                     for lab, p, s in zip(labels, pcts, shares))
    if target is not None:
        desc += f"; target {target:g}%"
    if floor:
        desc += f"; the axis starts at {floor:g}%"
    out = _open(width, height, title, desc)
    value = floor
    while value <= top + 1e-9:
        y = y_of(value)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{value:g}%</text>')
        value += step
    if floor:  # a break mark on the axis: it does not start at zero
        y = head + plot_h
        out.append(f'<path d="M{left - 6} {y - 2:.1f} l4 -4 l4 8 l4 -4" fill="none" stroke="{INK}" stroke-width="1"/>')
        out.append(f'<text x="{left}" y="{height - 4}" fill="{MUTED}" font-size="9.5">axis starts at {floor:g}%</text>')
    group_w = plot_w / max(len(labels), 1)
    bar_w = min(46.0, group_w * 0.62)
    for g, (label, pct, share) in enumerate(zip(labels, pcts, shares)):
        cx = left + g * group_w + group_w / 2
        if pct is None:
            out.append(f'<text x="{cx:.1f}" y="{head + plot_h - 4:.1f}" text-anchor="middle" fill="{MUTED}">n/a</text>')
        else:
            y = y_of(pct)
            out.append(f'<rect x="{cx - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{head + plot_h - y:.1f}" '
                       f'fill="{PALETTE[0]}" stroke="{INK}" stroke-width="0.4"/>')
            out.append(f'<text x="{cx:.1f}" y="{y - 3:.1f}" text-anchor="middle" fill="{INK}" font-weight="bold">{pct:.1f}%</text>')
        out.append(f'<text x="{cx:.1f}" y="{head + plot_h + 14:.1f}" text-anchor="middle" fill="{INK}">{escape(label)}</text>')
        if share is not None:
            out.append(f'<text x="{cx:.1f}" y="{head + plot_h + 26:.1f}" text-anchor="middle" fill="{MUTED}" '
                       f'font-size="9.5">{share[0]} of {share[1]}</text>')
    if target is not None:
        y = y_of(target)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{PALETTE[2]}" '
                   f'stroke-width="2" stroke-dasharray="6 3"/>')
        out.append(f'<text x="{width - right + 4}" y="{y + 4:.1f}" fill="{PALETTE[2]}" font-weight="bold">target {target:g}%</text>')
    out.append("</svg>")
    return "\n".join(out)
