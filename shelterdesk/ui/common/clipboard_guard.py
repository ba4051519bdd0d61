"""The clipboard, cleared when the app locks or quits if it still holds what the app put there."""

from __future__ import annotations

from PySide6.QtGui import QClipboard


class ClipboardGuard:
    """Copies text for the app and remembers it, so a lock can take it back (KeePassXC)."""

    def __init__(self, clipboard: QClipboard) -> None:
        self._clipboard = clipboard
        self._ours: str | None = None

    def copy(self, text: str) -> None:
        self._clipboard.setText(text)
        self._ours = text

    def holds_ours(self) -> bool:
        return self._ours is not None and self._clipboard.text() == self._ours

    def clear_if_ours(self) -> bool:
        """Empty the clipboard if it still holds our text; True if it did."""
        cleared = self.holds_ours()
        if cleared:
            self._clipboard.clear()
        self._ours = None
        return cleared
