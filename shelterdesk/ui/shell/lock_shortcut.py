"""The lock key (Ctrl+Shift+L) heard from every window and dialog of the app, modal or not.

A ``QAction`` shortcut, even an application-wide one, is shadowed by a modal dialog
(Qt refuses shortcuts of windows a modal dialog blocks): a worker who pressed it in
the intake form believed the window locked and typed her passphrase into a field. An
application event filter sees the key wherever the focus is.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QWidget

LOCK_SHORTCUT = "Ctrl+Shift+L"


def _combination(event: QKeyEvent) -> QKeySequence:
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return QKeySequence(event.keyCombination().key().value | modifiers.value)


class LockShortcut(QObject):
    """Emits ``activated`` when the lock key is pressed anywhere in ``application``."""

    activated = Signal()

    def __init__(self, application: QApplication, parent: QObject | None = None,
                 sequence: str = LOCK_SHORTCUT) -> None:
        super().__init__(parent)
        self.sequence = QKeySequence(sequence)
        self.enabled = True
        self._application = application
        application.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if not self.enabled or not isinstance(watched, QWidget):
            return False
        if _combination(event) != self.sequence:  # type: ignore[arg-type]
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Claim the key, so that no text field or widget shortcut eats it first.
            event.accept()
            return True
        self.activated.emit()
        return True

    def detach(self) -> None:
        self._application.removeEventFilter(self)


def close_every_dialog(application: QApplication) -> None:
    """Reject every open dialog and popup (forms keep their drafts: see ``about_to_lock``).

    Newest windows first, so a question asked over a form closes before the form.
    """
    while (popup := application.activePopupWidget()) is not None:
        popup.close()
    dialogs = [w for w in application.topLevelWidgets()
               if isinstance(w, QDialog) and w.isVisible()]
    for dialog in sorted(dialogs, key=_depth, reverse=True):
        if dialog.isVisible():
            dialog.reject()


def _depth(widget: QWidget) -> int:
    depth = 0
    while (widget := widget.parentWidget()) is not None:
        depth += 1
    return depth
