"""Qt charts shared by the Statistics page and the combined (national) statistics."""

from __future__ import annotations

import math

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from shelterdesk.i18n import _
from shelterdesk.reports.statistics.charts import nice_step
from shelterdesk.reports.statistics.csv_export import TOTAL
from shelterdesk.reports.statistics.disclosure import Mark
from shelterdesk.reports.statistics.tables import PublishedTable

PALETTE = ["#1f6fb2", "#e07b39", "#2e9d5b", "#c0392b", "#7d5ba6", "#8c6d31"]  # as in the PDF


def bar_chart(table: PublishedTable) -> QChart:
    """Period totals as horizontal bars; a suppressed total gets no bar."""
    chart = QChart()
    chart.setTitle(_(table.title))
    chart.legend().hide()
    if table.withheld:
        return chart
    bars = QBarSet(_(TOTAL))
    bars.setColor(QColor(PALETTE[0]))
    order = list(reversed(range(len(table.row_codes))))  # Qt draws the first at the bottom
    for i in order:
        value, mark = table.row_total(i)
        bars.append(value if mark is Mark.SHOWN else 0)
    series = QHorizontalBarSeries()
    series.append(bars)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([table.row_labels[i] for i in order])
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    top = max([bars.at(i) for i in range(bars.count())] + [1])
    step = max(1, nice_step(top))
    axis_x = QValueAxis()
    axis_x.setLabelFormat("%d")
    axis_x.setTickType(QValueAxis.TickType.TicksDynamic)
    axis_x.setTickAnchor(0)
    axis_x.setTickInterval(step)
    axis_x.setRange(0, step * math.ceil(top / step))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    return chart
