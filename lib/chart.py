"""A small grouped bar chart as inline SVG (no JavaScript, prints and scales anywhere)."""
from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 28, 34


def nice_ceiling(value: float) -> float:
    """The smallest 1/2/2.5/5 x 10^n at or above `value` (axis top)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def short_amount(value: float, thousands_sep: str = ",") -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:,.0f}".replace(",", thousands_sep)


def monthly_bars_svg(labels, series, currency_symbol="", thousands_sep=",", title=""):
    """`series`: [(name, values, colour)], one value per label; negative values drawn as 0."""
    count = len(labels)
    top = nice_ceiling(max([v for _n, values, _c in series for v in values] + [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(count, 1)
    bar_w = slot * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="o_client_hub_chart" role="img" aria-label="{escape(title)}" '
        'style="width:100%;max-width:720px;height:auto;font-family:sans-serif;font-size:11px">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):  # horizontal grid with amounts
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">'
            f"{escape(currency_symbol)}{escape(short_amount(value, thousands_sep))}</text>"
        )
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + slot * 0.1
        for j, (name, values, colour) in enumerate(series):
            value = max(values[i], 0.0)
            h = plot_h * value / top
            x = x0 + bar_w * j
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{escape(colour)}"><title>{escape(name)} {escape(label)}: '
                f"{escape(currency_symbol)}{values[i]:,.2f}</title></rect>"
            )
        parts.append(
            f'<text x="{LEFT + slot * (i + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'fill="#444">{escape(label)}</text>'
        )
    x = LEFT
    for name, _values, colour in series:  # legend
        parts.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{escape(colour)}"/>')
        parts.append(f'<text x="{x + 14}" y="17" fill="#222">{escape(name)}</text>')
        x += 20 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)
