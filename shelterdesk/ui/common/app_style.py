"""The application's style: the platform's, with room for the dot of a capital İ in tabs
and table headers.

Qt draws a tab's label clipped to a text rectangle as tall as the font's ascent, and
shifts unselected tabs down; the dot of "İ" (Azerbaijani and Turkish capital i) rises
above the ascent and was cut off, so "İstifadəçilər" read as "Istifadəçilər" — another
letter. The label's rectangle gets a few pixels more above and below; a table's column
header ("İş" in Referrals) clipped it the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

# Pixels added above a tab's label: the dot of İ sits ~1–3 px above the ascent.
TAB_TEXT_HEADROOM = 4


class ShelterDeskStyle(QProxyStyle):
    """The platform style; tab and header labels are not clipped at the font's ascent."""

    def subElementRect(self, element: QStyle.SubElement, option: QStyleOption,  # noqa: N802
                       widget: QWidget | None = None) -> QRect:
        rect = super().subElementRect(element, option, widget)
        if element in (QStyle.SubElement.SE_TabBarTabText, QStyle.SubElement.SE_HeaderLabel):
            rect = rect.adjusted(0, -TAB_TEXT_HEADROOM, 0, TAB_TEXT_HEADROOM // 2)
        return rect


def install(application: QApplication) -> ShelterDeskStyle:
    """Give ``application`` our style once (before its style sheet, which wraps it)."""
    installed = application.findChild(ShelterDeskStyle)
    if installed is None:
        installed = ShelterDeskStyle()  # the platform's default style underneath
        application.setStyle(installed)
        installed.setParent(application)
    return installed
