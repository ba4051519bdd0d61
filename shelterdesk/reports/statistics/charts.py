"""Vector charts for the PDF report: bars for categories, lines for monthly trends.

Drawn from reportlab.graphics shapes so every label uses the embedded font and
suppressed values are shown as they are in the tables ("<5", "x"), never as bars.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from shelterdesk.reports.fonts import REGULAR

PALETTE = [colors.HexColor(c) for c in ("#1f6fb2", "#e07b39", "#2e9d5b", "#c0392b", "#7d5ba6",
                                        "#8c6d31")]
GRID = colors.HexColor("#d9d9d9")
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")

Number = Callable[[float], str]


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose initial state uses the embedded font (else reportlab sets Helvetica)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR
    return drawing


def nice_step(top: float, ticks: int = 4) -> float:
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _fit(text: str, width: float, size: float) -> str:
    """Shorten a label with an ellipsis to fit ``width`` points."""
    if stringWidth(text, REGULAR, size) <= width:
        return text
    while text and stringWidth(text + "…", REGULAR, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def bar_chart(labels: list[str], values: list[int | None], notes: list[str], number: Number, *,
              width: float, size: float = 7) -> Drawing:
    """Horizontal bars; a value of None is drawn as its note ("<5", "x") instead of a bar."""
    row = size * 2.1
    height = row * len(labels) + 16
    drawing = _drawing(width, height)
    label_width = min(width * 0.42, max((stringWidth(t, REGULAR, size) for t in labels),
                                        default=0) + 4)
    plot_left, plot_width = label_width + 4, width - label_width - 34
    top = max([v for v in values if v is not None] + [1])
    step = nice_step(top)
    scale_top = step * math.ceil(top / step)
    for tick in range(int(scale_top / step) + 1):
        x = plot_left + plot_width * tick * step / scale_top
        drawing.add(Line(x, 10, x, height, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(x, 2, number(tick * step), fontName=REGULAR, fontSize=size - 1,
                           fillColor=MUTED, textAnchor="middle"))
    for i, (label, value, note) in enumerate(zip(labels, values, notes, strict=True)):
        y = height - row * (i + 1) + row * 0.25
        drawing.add(String(label_width, y + row * 0.15, _fit(label, label_width, size),
                           fontName=REGULAR, fontSize=size, fillColor=INK, textAnchor="end"))
        length = 0.0 if value is None else plot_width * value / scale_top
        if length > 0:
            drawing.add(Rect(plot_left, y, length, row * 0.62, fillColor=PALETTE[0],
                             strokeColor=None))
        drawing.add(String(plot_left + length + 2, y + row * 0.15,
                           note if value is None else number(value), fontName=REGULAR,
                           fontSize=size - 0.5, fillColor=INK if value is not None else MUTED))
    return drawing


def line_chart(x_labels: list[str], series: list[tuple[str, list[float | None]]],
               number: Number, *, width: float, height: float = 120,
               size: float = 7) -> Drawing:
    """Lines over months; None breaks a line (a suppressed or withheld month)."""
    drawing = _drawing(width, height)
    legend_rows = math.ceil(len(series) / 3) if len(series) > 1 else 0
    legend_height = legend_rows * (size + 4)
    bottom = legend_height + size + 9
    values = [v for _name, points in series for v in points if v is not None]
    top = max(values + [1])
    step = nice_step(top)
    scale_top = step * math.ceil(top / step)
    left = max(stringWidth(number(scale_top), REGULAR, size - 1) + 6, 20)
    plot_width, plot_height = width - left - 6, height - bottom - 6
    ticks = int(scale_top / step)
    for tick in range(ticks + 1):
        y = bottom + plot_height * tick / ticks
        drawing.add(Line(left, y, left + plot_width, y, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(left - 3, y - 2, number(tick * step), fontName=REGULAR,
                           fontSize=size - 1, fillColor=MUTED, textAnchor="end"))
    count = len(x_labels)
    every = max(1, math.ceil(count / 12))

    def x_at(i: int) -> float:
        return left + (plot_width * (i + 0.5) / count)

    for i, label in enumerate(x_labels):
        if i % every == 0:
            drawing.add(String(x_at(i), bottom - size - 3, label, fontName=REGULAR,
                               fontSize=size - 1, fillColor=MUTED, textAnchor="middle"))
    for n, (name, points) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        run: list[float] = []
        for i, value in enumerate(points + [None]):
            if value is None:
                if len(run) >= 4:
                    drawing.add(PolyLine(run, strokeColor=colour, strokeWidth=1.4))
                elif len(run) == 2:
                    drawing.add(Circle(run[0], run[1], 1.6, fillColor=colour, strokeColor=None))
                run = []
                continue
            run += [x_at(i), bottom + plot_height * value / scale_top]
        if legend_rows:
            column, line = n % 3, n // 3
            x = left + column * plot_width / 3
            y = legend_height - (line + 1) * (size + 4) + 3
            drawing.add(Rect(x, y, 8, 3, fillColor=colour, strokeColor=None))
            drawing.add(String(x + 11, y - 1, _fit(name, plot_width / 3 - 14, size - 0.5),
                               fontName=REGULAR, fontSize=size - 0.5, fillColor=INK))
    return drawing
