"""The main window: the locked page or the work area, as pages of one stack, and locking.

Locking (idle, OS screen lock, Ctrl+Shift+L or the toolbar button) closes the
session — the database connection closes and the key is wiped — throws the work
area and its models away, and takes back the clipboard if it still holds ours.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from shelterdesk.domain.workspace import Area, area_label
from shelterdesk.i18n import _, ngettext
from shelterdesk.store import settings
from shelterdesk.store.keys import emergency
from shelterdesk.store.vault import Session, Vault
from shelterdesk.ui.administration.backup_watch import BackupWatch
from shelterdesk.ui.common.background import BusyIndicator, run_in_background
from shelterdesk.ui.common.clipboard_guard import ClipboardGuard
from shelterdesk.ui.common.error_text import describe_error
from shelterdesk.ui.common.keyboard import DialogFocusReturn
from shelterdesk.ui.common.qt_translator import LanguageSwitcher
from shelterdesk.ui.common.resources import icon
from shelterdesk.ui.common.screen_fit import fit_to_screen
from shelterdesk.ui.shell.inactivity import InactivityWatcher
from shelterdesk.ui.shell.lock_shortcut import LOCK_SHORTCUT, LockShortcut, close_every_dialog
from shelterdesk.ui.shell.screen_lock import ScreenLockWatcher
from shelterdesk.ui.shell.unlock_page import UnlockPage
from shelterdesk.ui.shell.window_menus import WindowMenus
from shelterdesk.ui.shell.work_area import WorkArea, recovery_unconfirmed_text
from shelterdesk.ui.sync.auto_sync import AutoSync

APP_NAME = "ShelterDesk"


class MainWindow(QMainWindow):
    """``locked`` and ``unlocked`` tell tests and the app what mode the window is in."""

    locked = Signal()
    unlocked = Signal()
    about_to_lock = Signal()  # the vault is still open: open forms keep their drafts now

    def __init__(self, vault: Vault, application: QApplication, *, hint: str = "",
                 language: LanguageSwitcher | None = None,
                 idle_timeout_ms: int | None = None,
                 clipboard: ClipboardGuard | None = None,
                 sync_interval_ms: int | None = None) -> None:
        super().__init__()
        self.vault = vault
        self.application = application
        self.language = language or LanguageSwitcher(application)
        self.clipboard = clipboard or ClipboardGuard(application.clipboard())
        self.session: Session | None = None
        self.failed_unlock_box: object | None = None  # the notice after failed attempts
        self.work_area: WorkArea | None = None
        self._fixed_idle_ms = idle_timeout_ms
        self._last_user = ""
        self._last_area: str | None = None
        self._lock_reason = ""  # why the window last locked, for the lock screen

        self.setWindowIcon(icon("app"))
        self.stack = QStackedWidget()
        self.unlock_page = UnlockPage(vault, hint)
        self.stack.addWidget(self.unlock_page)
        self.setCentralWidget(self.stack)

        self.busy = BusyIndicator()
        self.user_label = QLabel()
        self.user_label.setTextFormat(Qt.TextFormat.PlainText)  # user data, never markup
        self.backup_watch = BackupWatch(self.busy, self)
        self.backup_watch.status.connect(self.show_status)
        self.backup_watch.open_backups.connect(self._open_backups)
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.backup_watch.label)
        # Stays in the status bar (no passing message overwrites it) until confirmed.
        self.recovery_label = QLabel()
        self.recovery_label.setObjectName("recoveryWarning")
        self.recovery_label.hide()
        self.statusBar().addPermanentWidget(self.recovery_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self.auto_sync = AutoSync(self.busy, interval_ms=sync_interval_ms, parent=self)
        self.auto_sync.status.connect(self.show_status)

        self.lock_action = QAction(icon("lock"), "", self)
        self.lock_action.triggered.connect(self.lock_now)
        # The key works from every window and dialog, modal ones included (lock_shortcut.py).
        self.lock_shortcut = LockShortcut(application, self)
        self.lock_shortcut.activated.connect(self.lock_now)
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addAction(self.lock_action)
        self.addToolBar(self.toolbar)
        self.menus = WindowMenus(self)
        self.menus.erase_keys_requested.connect(self.erase_keys_and_lock)
        self.menus.recovery_key_confirmed.connect(self._recovery_key_confirmed)

        self.inactivity = InactivityWatcher(application, idle_timeout_ms or 5 * 60_000, self)
        self.inactivity.idle.connect(lambda: self.lock("lock.idle"))
        self.inactivity.warning.connect(self._warn_before_lock)
        self.screen_lock = ScreenLockWatcher(application, self)
        self.screen_lock.screen_locked.connect(lambda: self.lock("lock.screen"))

        self.unlock_page.unlocked.connect(self.open_session)
        self.focus_return = DialogFocusReturn(application, self)
        self._show_locked()
        fit_to_screen(self, 1080, 720)
        self.retranslate_ui()

    # --- text -----------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.lock_action.setText(_("Lock"))
        self.lock_action.setToolTip(_("Lock now and hide everything ({shortcut})").format(
            shortcut=QKeySequence(LOCK_SHORTCUT).toString(
                QKeySequence.SequenceFormat.NativeText)))
        self.toolbar.setWindowTitle(_("Main toolbar"))
        self.menus.retranslate_ui()
        if self.session is not None:
            self.user_label.setText(_("Logged in: {user}").format(
                user=self.session.user.username))
        self._retranslate_recovery_warning()
        self._update_title()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _update_title(self) -> None:
        # Only the app and the section: never a client's or a user's name.
        area = self.work_area.current_area() if self.work_area is not None else None
        self.setWindowTitle(f"{APP_NAME} — {area_label(area)}" if area else APP_NAME)

    # --- unlocking --------------------------------------------------------------------------
    def open_session(self, session: Session) -> None:
        """Show the work area for an unlocked session (from the unlock page or the wizard)."""
        if self.session is not None and self.session is not session:
            self.session.close(action="logout")
        self.session = session
        self.menus.set_session(session)
        with session.lock:
            chosen_language = settings.get(session, "language")
            minutes = settings.get(session, "auto_lock_minutes")
        if chosen_language and chosen_language != self.language.language:
            self.language.apply(chosen_language)
        self.work_area = WorkArea(session, self.busy, self.auto_sync)
        self.work_area.area_changed.connect(self._on_area_changed)
        self.work_area.status.connect(self.show_status)
        self.work_area.language_chosen.connect(self.language.apply)
        self.work_area.auto_lock_changed.connect(self._set_auto_lock_minutes)
        self.about_to_lock.connect(self.work_area.about_to_lock)
        self.stack.addWidget(self.work_area)
        same_user = session.user.username == self._last_user
        if same_user and self._last_area:
            self.work_area.select_area(self._last_area)
        self.stack.setCurrentWidget(self.work_area)
        self.work_area.focus_page()  # keys work at once, no Tab needed first
        self.toolbar.setVisible(True)
        self.lock_action.setEnabled(True)
        self.inactivity.set_timeout(self._fixed_idle_ms or int(minutes) * 60_000)
        self.inactivity.start()
        self.retranslate_ui()
        self.show_status(_("Unlocked."))
        admin = self.work_area.page_for.get(Area.ADMINISTRATION)
        if admin is not None:  # a backup made there lifts the overdue warning
            backups = admin.backups_page  # type: ignore[attr-defined]
            backups.backed_up.connect(self.backup_watch.check)
            backups.settings_saved.connect(self.backup_watch.settings_saved)
        self.auto_sync.attach(session)
        self.backup_watch.attach(session, self.work_area)
        self.work_area.issue_recovery_key.connect(self.menus.open_new_recovery_key)
        with session.lock:
            confirmed = session.recovery_key_confirmed()
        # A crash on the wizard's last page: nobody may have the key written down. Said in
        # a banner and in the status bar, where the backup watch's messages do not hide it.
        self._show_recovery_warning(not confirmed)
        self._tell_failed_unlocks(session)
        self.unlocked.emit()

    def _tell_failed_unlocks(self, session: Session) -> None:
        """Attempts on this user's name since the last visit, told once, without blocking."""
        from PySide6.QtWidgets import QMessageBox

        from shelterdesk.i18n import format_datetime
        from shelterdesk.store.keys.failed_unlocks import notice_lines

        def local_time(text: str) -> str:
            from datetime import datetime

            when = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone()
            return format_datetime(when, fmt="short")

        lines = notice_lines(session.failed_unlocks, session.failed_unlock_trace_removed,
                             local_time)
        self.failed_unlock_box = None
        if not lines:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, _("Failed unlock attempts"),
                          "\n".join(lines), QMessageBox.StandardButton.Ok, self)
        box.setObjectName("failedUnlockNotice")
        box.setAccessibleName(_("Failed unlock attempts"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.failed_unlock_box = box
        box.open()

    def _show_recovery_warning(self, unconfirmed: bool) -> None:
        if self.work_area is not None:
            self.work_area.show_recovery_notice(unconfirmed)
        self.recovery_label.setVisible(unconfirmed and self.session is not None)
        self._retranslate_recovery_warning()

    def _retranslate_recovery_warning(self) -> None:
        if self.session is None or self.recovery_label.isHidden():
            self.recovery_label.clear()
            return
        self.recovery_label.setText("⚠ " + _("Recovery key never confirmed"))
        self.recovery_label.setToolTip(recovery_unconfirmed_text(self.session))

    def _recovery_key_confirmed(self) -> None:
        self._show_recovery_warning(False)
        self.show_status(_("The new recovery key is confirmed; the old one no longer "
                           "works."))

    def after_setup(self, session: Session) -> None:
        """The first-run wizard is done: lock its session and open the window locked.

        As documented: each person unlocks the window with their own passphrase, the
        first coordinator too (which also proves the passphrase was typed as meant).
        """
        username = session.user.username
        session.close(action="logout")
        self._last_user = username
        self._lock_reason = _("The vault is ready. Unlock it with your user name and "
                              "passphrase.")
        self._show_locked()
        self._lock_reason = ""

    def _on_area_changed(self, area: str) -> None:
        self._last_area = area
        self._update_title()

    def _set_auto_lock_minutes(self, minutes: int) -> None:
        if self._fixed_idle_ms is None:
            self.inactivity.set_timeout(minutes * 60_000)

    def _warn_before_lock(self, remaining_ms: int) -> None:
        self.show_status(_("Locks in 1 minute unless you carry on working."), 60_000)

    def show_status(self, text: str, timeout_ms: int = 5_000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def current_area(self) -> Area | None:
        return self.work_area.current_area() if self.work_area is not None else None

    # --- locking --------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self.session is None

    def lock_now(self) -> None:
        self.lock("lock")

    def lock(self, action: str = "lock") -> None:
        """Hide everything at once, then close the vault; safe to call when already locked."""
        if self.session is None:
            return
        self.about_to_lock.emit()
        session, self.session = self.session, None
        self.menus.set_session(None)
        self.recovery_label.hide()
        self.inactivity.stop()
        close_every_dialog(self.application)
        self._lock_reason = self._reason_for(action)
        if self.work_area is not None:
            self._last_user = session.user.username
            current = self.work_area.current_area()
            self._last_area = current.value if current else None
            work_area, self.work_area = self.work_area, None
            self._show_locked()
            work_area.drop_data()
            self.stack.removeWidget(work_area)
            work_area.hide()
            work_area.deleteLater()
        self._close_session(session, action)
        self.clipboard.clear_if_ours()
        self.show_status(_("Locked."))
        self.locked.emit()

    def erase_keys_and_lock(self) -> None:
        """The coordinator's emergency erase: this laptop's keys go, then the window locks."""
        if self.session is None:
            return
        try:
            emergency.erase_now(self.session, close=False)
        except Exception as error:  # noqa: BLE001 - shown in words, the window stays usable
            self.show_status(describe_error(error), 15_000)
            return
        self._last_user = ""
        self.lock("emergency.erase")

    def _close_session(self, session: Session, action: str) -> None:
        """Close the vault, after the last sync (and the backup on exit) when there are any.

        Everything is hidden already; the last steps run on a pool thread (never blocking
        the window) and close the session themselves, so nothing depends on the window
        still being there. At quit the app waits for the pool.
        """
        jobs = self.backup_watch.detach(closing=action == "logout")
        sync_job = self.auto_sync.detach()
        if sync_job is not None:
            jobs.append(sync_job)
        if not jobs:
            session.close(action=action)
            return

        def last_steps() -> None:
            try:
                for job in jobs:
                    # The window is gone: a failure cannot be shown, and one failed step
                    # must not skip the next. Both are audited by the store.
                    with contextlib.suppress(Exception):
                        job(session)
            finally:
                session.close(action=action)

        run_in_background(last_steps, None, lambda _error: None)

    def _open_backups(self) -> None:
        if self.work_area is not None and self.work_area.select_area(Area.ADMINISTRATION):
            page = self.work_area.page_for[Area.ADMINISTRATION]
            page.show_backups()  # type: ignore[attr-defined]

    def _reason_for(self, action: str) -> str:
        """What the lock screen says about why it is there (nothing after a log-out)."""
        if action == "lock.idle":
            minutes = max(1, round(self.inactivity.timeout_ms / 60_000))
            return ngettext("Locked after {minutes} minute without activity. Open forms were "
                            "kept as drafts.",
                            "Locked after {minutes} minutes without activity. Open forms were "
                            "kept as drafts.", minutes).format(minutes=minutes)
        if action == "lock.screen":
            return _("Locked because the computer's screen was locked. Open forms were kept "
                     "as drafts.")
        return ""

    def _show_locked(self) -> None:
        self.unlock_page.reset(self._last_user, self._lock_reason)
        self.stack.setCurrentWidget(self.unlock_page)
        self.toolbar.setVisible(False)
        self.lock_action.setEnabled(False)
        self.user_label.clear()
        self._update_title()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.lock("logout")
        self.lock_shortcut.detach()
        self.clipboard.clear_if_ours()
        super().closeEvent(event)
