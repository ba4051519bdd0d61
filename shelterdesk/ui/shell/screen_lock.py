"""Noticing that the operating system locked the screen, where Qt can tell us.

On Linux desktops the screensaver announces itself on the session D-Bus
(freedesktop, GNOME, KDE names) and logind on the system bus; elsewhere Qt only
reports the application being suspended or hidden, which we treat the same way.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication

_SCREENSAVERS = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
    ("org.kde.screensaver", "/ScreenSaver"),
)


class ScreenLockWatcher(QObject):
    """Emits ``screen_locked`` when the desktop session locks or the app is suspended."""

    screen_locked = Signal()

    def __init__(self, application: QGuiApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        application.applicationStateChanged.connect(self._on_application_state)
        self.listening_on_dbus = False
        if sys.platform.startswith("linux"):
            self.listening_on_dbus = self._connect_dbus()

    def _connect_dbus(self) -> bool:
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # pragma: no cover - QtDBus ships with PySide6-Essentials
            return False
        connected = False
        session_bus = QDBusConnection.sessionBus()
        if session_bus.isConnected():
            for service, path in _SCREENSAVERS:
                connected |= session_bus.connect(service, path, service, "ActiveChanged",
                                                 self, "1on_screensaver_active(bool)")
        system_bus = QDBusConnection.systemBus()
        if system_bus.isConnected():
            connected |= system_bus.connect("org.freedesktop.login1", "",
                                            "org.freedesktop.login1.Session", "Lock",
                                            self, "1on_session_lock()")
        return connected

    @Slot(bool)
    def on_screensaver_active(self, active: bool) -> None:
        if active:
            self.screen_locked.emit()

    @Slot()
    def on_session_lock(self) -> None:
        self.screen_locked.emit()

    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        # Suspended: the OS put the app to sleep (lid closed, user switched); hidden
        # is what macOS reports when the session is locked with the app in front.
        if state in (Qt.ApplicationState.ApplicationSuspended,
                     Qt.ApplicationState.ApplicationHidden):
            self.screen_locked.emit()
