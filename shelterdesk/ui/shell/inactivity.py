"""An app-wide inactivity filter: any key, mouse or wheel event restarts the countdown.

Like KeePassXC's ``InactivityTimer``: installed on the application, it sees
every input event of every window, so a person typing in a dialog is not idle.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.HoverMove, QEvent.Type.Shortcut,
})

WARNING_MS = 60_000


class InactivityWatcher(QObject):
    """Emits ``warning`` a minute before and ``idle`` when no input came for ``timeout_ms``."""

    idle = Signal()
    warning = Signal(int)  # milliseconds left

    def __init__(self, application: QApplication, timeout_ms: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._application = application
        self._timeout_ms = timeout_ms
        self._active = False
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._on_idle)
        self._warning_timer = QTimer(self)
        self._warning_timer.setSingleShot(True)
        self._warning_timer.timeout.connect(self._on_warning)
        self._warned = False

    @property
    def timeout_ms(self) -> int:
        return self._timeout_ms

    @property
    def active(self) -> bool:
        return self._active

    def set_timeout(self, timeout_ms: int) -> None:
        self._timeout_ms = max(1, int(timeout_ms))
        if self._active:
            self._restart()

    def start(self) -> None:
        if not self._active:
            self._application.installEventFilter(self)
            self._active = True
        self._restart()

    def stop(self) -> None:
        if self._active:
            self._application.removeEventFilter(self)
            self._active = False
        self._idle_timer.stop()
        self._warning_timer.stop()

    def _restart(self) -> None:
        self._warned = False
        self._idle_timer.start(self._timeout_ms)
        # A warning only makes sense when there is time to act on it.
        if self._timeout_ms > 2 * WARNING_MS:
            self._warning_timer.start(self._timeout_ms - WARNING_MS)
        else:
            self._warning_timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and event.type() in _ACTIVITY:
            # Restarting a QTimer on every mouse move is cheap; it only moves a deadline.
            self._restart()
        return False

    def _on_warning(self) -> None:
        if not self._warned:
            self._warned = True
            self.warning.emit(self._idle_timer.remainingTime())

    def _on_idle(self) -> None:
        self.stop()
        self.idle.emit()
