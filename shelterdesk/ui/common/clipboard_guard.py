"""The clipboard: whatever is copied in the app is cleared 30 s later, and at lock or quit,
if the clipboard still holds it (KeePassXC's rule)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication

CLEAR_AFTER_MS = 30_000


class ClipboardGuard:
    """Copies text for the app and remembers it, so a timer and a lock can take it back.

    Copies made by Qt's own widgets (Ctrl+C in a field, *Copy* in a label's menu) do not
    pass through :meth:`copy`; they are caught from the clipboard's change signal when
    one of the app's widgets has the keyboard focus, and treated the same way.
    """

    def __init__(self, clipboard: QClipboard, clear_after_ms: int = CLEAR_AFTER_MS) -> None:
        self._clipboard = clipboard
        self._ours: str | None = None
        self._setting = False
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.setInterval(clear_after_ms)
        self.timer.timeout.connect(self.clear_if_ours)
        clipboard.dataChanged.connect(self._changed)

    def copy(self, text: str) -> None:
        self._setting = True
        try:
            self._clipboard.setText(text)
        finally:
            self._setting = False
        self._remember(text)

    def _remember(self, text: str) -> None:
        self._ours = text
        self.timer.start()

    def _changed(self) -> None:
        if self._setting:
            return
        text = self._clipboard.text()
        if text and QApplication.focusWidget() is not None:  # copied in one of our windows
            self._remember(text)

    def holds_ours(self) -> bool:
        return self._ours is not None and self._clipboard.text() == self._ours

    def clear_if_ours(self) -> bool:
        """Empty the clipboard if it still holds our text; True if it did."""
        cleared = self.holds_ours()
        if cleared:
            self._clipboard.clear()
        self._ours = None
        self.timer.stop()
        return cleared
