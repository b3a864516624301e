"""Charts drawn on the server as SVG (统计图表): bars for volumes, a line for the trend.

Server-side so they need no script and print the same in a PDF. The Content-Security-Policy
forbids inline style attributes, so every colour and font comes from classes in
static/css/app.css; geometry is in SVG attributes. Each chart carries a <title> and <desc>
named by ``aria-labelledby``; a bar with a link is a focusable <a> with its own label, so the
chart is as usable from the keyboard as the table beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 180  # the names left of the bars
ROW = 28
LINE_HEIGHT = 220
PAD = 32


@dataclass(frozen=True)
class Bar:
    """One bar: its name, its value and where clicking it leads (optional)."""

    label: str
    value: int
    href: str | None = None


def _frame(ident: str, title: str, desc: str, height: int, body: str, role: str) -> Markup:
    # Every text and attribute put in passes through escape(); the numbers are ours.
    return Markup(  # noqa: S704
        f'<svg class="chart" id="{escape(ident)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="{role}" aria-labelledby="{escape(ident)}-t {escape(ident)}-d" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(ident)}-t">{escape(title)}</title>'
        f'<desc id="{escape(ident)}-d">{escape(desc)}</desc>{body}</svg>'
    )


def bars(ident: str, title: str, desc: str, items: list[Bar]) -> Markup:
    """A horizontal bar chart, longest bar for the largest value, its value at its end."""
    top = max((b.value for b in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 60
    parts = []
    for i, bar in enumerate(items):
        y = i * ROW + 4
        width = max(round(span * bar.value / top), 1 if bar.value else 0)
        label = escape(bar.label)
        row = (
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 17}" '
            f'text-anchor="end">{label}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{ROW - 8}">'
            f"</rect>"
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6}" y="{y + 17}">'
            f"{bar.value}</text>"
        )
        if bar.href:
            row = (
                f'<a class="chart-link" href="{escape(bar.href)}" '
                f'aria-label="{label}: {bar.value}">{row}</a>'
            )
        parts.append(row)
    height = max(len(items), 1) * ROW + 8
    return _frame(ident, title, desc, height, "".join(parts), "group" if items else "img")


@dataclass(frozen=True)
class Series:
    """One line: its name (the legend) and a value per point; ``kind`` picks its class."""

    label: str
    values: list[int]
    kind: str = "now"  # "now" or "before"


def line(ident: str, title: str, desc: str, days: list[dt.date], series: list[Series]) -> Markup:
    """A line chart of counts over ``days`` (the first day of each bucket), one line per
    series, the largest count marked on the axis and a legend below."""
    top = max((v for s in series for v in s.values), default=0) or 1
    left, right, bottom = PAD + 8, WIDTH - PAD, LINE_HEIGHT - PAD - 16
    steps = max(len(days) - 1, 1)

    def point(i: int, value: int) -> str:
        x = left + (right - left) * i / steps
        y = bottom - (bottom - PAD) * value / top
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<line class="chart-axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"></line>',
        f'<line class="chart-axis" x1="{left}" y1="{PAD}" x2="{left}" y2="{bottom}"></line>',
        f'<text class="chart-label" x="{left - 6}" y="{PAD + 4}" text-anchor="end">{top}</text>',
        f'<text class="chart-label" x="{left - 6}" y="{bottom + 4}" text-anchor="end">0</text>',
    ]
    ticks = sorted({0, len(days) // 2, len(days) - 1}) if days else []
    for i in ticks:
        x = left + (right - left) * i / steps
        parts.append(
            f'<text class="chart-label" x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">'
            f"{days[i].strftime('%m-%d')}</text>"
        )
    for n, s in enumerate(series):
        points = " ".join(point(i, v) for i, v in enumerate(s.values))
        kind = escape(s.kind)
        parts.append(
            f'<polyline class="chart-line chart-line-{kind}" points="{points}"></polyline>'
        )
        x = left + n * 200
        parts.append(
            f'<rect class="chart-key chart-key-{kind}" x="{x}" y="{LINE_HEIGHT - 12}" '
            f'width="14" height="4"></rect>'
            f'<text class="chart-label" x="{x + 20}" y="{LINE_HEIGHT - 6}">{escape(s.label)}</text>'
        )
    return _frame(ident, title, desc, LINE_HEIGHT, "".join(parts), "img")


# A PDF has no app.css: the same classes, inside each chart, since WeasyPrint styles an
# inline SVG only from the SVG's own <style>, and its text does not inherit the page's font.
PRINT_CSS = (
    ".chart-bar{{fill:{brand}}}"
    ".chart-label,.chart-value{{fill:#1f2937;font-size:13px;font-family:{font}}}"
    ".chart-axis{{stroke:#6b7280;stroke-width:1}}.chart-line{{fill:none;stroke-width:2.5}}"
    ".chart-line-now{{stroke:{brand}}}.chart-key-now{{fill:{brand}}}"
    ".chart-line-before{{stroke:#6b7280;stroke-dasharray:6 4}}.chart-key-before{{fill:#6b7280}}"
)
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")


def for_print(chart: Markup, brand: str, font: str) -> Markup:
    """``chart`` with its colours and font inside it, for a PDF: the tenant's ``brand``
    colour, the PDF's font-family stack ``font`` (ours, never user text)."""
    colour = brand if COLOUR.fullmatch(brand or "") else "#1d4ed8"
    style = f"<style>{PRINT_CSS.format(brand=colour, font=font.replace('<', ''))}</style>"
    return Markup(str(chart).replace("</desc>", "</desc>" + style, 1))  # noqa: S704 - ours
