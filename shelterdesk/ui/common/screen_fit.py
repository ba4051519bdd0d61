"""Windows no larger than the screen they open on (a 1366×768 laptop, 1280×720 at 125 %).

A window asks for a comfortable size; on a small screen it gets what the screen has
left (the task bar and title bar taken off), and its content scrolls. The smallest
laptop screen the app is made for is ``SMALLEST_SCREEN`` in logical pixels.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# 1280×720 at 125 % scaling is 1024×576 logical pixels: every window's minimum fits in it.
SMALLEST_SCREEN = QSize(1024, 576)
_FRAME = QSize(16, 48)  # title bar and borders the window manager adds


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width``×``height``, or less where its screen is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry().size() - _FRAME
        width, height = min(width, available.width()), min(height, available.height())
    minimum = window.minimumSizeHint()
    window.resize(max(width, minimum.width()), max(height, minimum.height()))


def comfortable_width(window: QWidget, width: int) -> None:
    """Open ``window`` at least ``width`` wide, never narrower than its layout needs.

    (An explicit ``setMinimumWidth`` overrides the minimum the layout computes, so a
    longer translation was cut off: "dialog-organisation" in Russian needed 548 px of 520.)
    """
    hint = window.sizeHint()
    window.resize(max(width, hint.width()), hint.height())
