"""Windows no larger than the screen they open on (a 1366×768 laptop, 1280×720 at 125 %).

A window asks for a comfortable size; on a small screen it gets what the screen has
left (the task bar and title bar taken off), and its content scrolls. The smallest
laptop screen the app is made for is ``SMALLEST_SCREEN`` in logical pixels.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

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


class FittingScrollArea(QScrollArea):
    """A scroll area that asks for all its content (a plain one caps its wish at 24 lines).

    On a big screen the window opens showing everything; on a small one the window gets
    what the screen has and this area scrolls, keeping the buttons under it in view.
    """

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # A frame, not a Tab stop of its own: focus moves into a field, which Qt scrolls to.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(content)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        content = self.widget()
        if content is None:
            return super().sizeHint()
        extra = self.verticalScrollBar().sizeHint().width()
        return content.sizeHint() + QSize(extra, 2 * self.frameWidth())
