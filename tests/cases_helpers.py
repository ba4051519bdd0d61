"""Helpers for the Cases section's GUI tests: typing any letters, waiting for the list."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying each character, as a keyboard layout with ə, ş, ğ would send.

    (``qtbot.keyClicks`` maps characters to Latin-1 key codes and aborts on others.)
    """
    widget.setFocus()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))
