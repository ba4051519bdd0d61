"""Backups the window takes care of: the overdue warning (at unlock and in the status bar),
the scheduled backup while unlocked, and the backup on exit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from shelterdesk.i18n import _, ngettext
from shelterdesk.store import settings
from shelterdesk.store.backups import schedule as backup_schedule
from shelterdesk.store.backups import timing as backup_timing
from shelterdesk.store.backups.schedule import BackupStatus
from shelterdesk.store.vault import Session
from shelterdesk.ui.common.background import BusyIndicator, run_in_background

CHECK_MS = 60 * 60_000  # the schedule is looked at hourly while unlocked


def overdue_text(state: BackupStatus, now: datetime | None = None) -> str:
    """The warning in plain words, or '' when the last good backup is recent enough."""
    if not state.overdue:
        return ""
    if state.last_backup_at is None:
        text = _("No backup of this vault has been made yet.")
    else:
        days = max(0, ((now or datetime.now(UTC)) - state.last_backup_at).days)
        text = ngettext("The last backup is {count} day old.",
                        "The last backup is {count} days old.", days).format(count=days)
    if state.folder and not state.folder_available:
        text += " " + _("The backup folder “{folder}” is missing: plug in the backup drive.") \
            .format(folder=state.folder)
    return text + " " + _("Make one in Administration → Backups.")


class BackupWatch(QObject):
    status = Signal(str, int)
    open_backups = Signal()
    checked = Signal(object)  # BackupStatus

    def __init__(self, busy: BusyIndicator | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy = busy
        self.session: Session | None = None
        self.work_area = None
        self.on_exit = False
        self.warning = ""
        self.label = QLabel()
        self.label.setObjectName("backupWarning")
        self.label.setWordWrap(False)
        self.label.linkActivated.connect(lambda _link: self.open_backups.emit())
        self.label.hide()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run_schedule)

    def attach(self, session: Session, work_area) -> None:
        """At unlock: check for an overdue backup, run a scheduled one if due."""
        self.session = session
        self.work_area = work_area
        # Known now, so closing the window need not wait for the vault to answer.
        self.on_exit = bool(settings.get(session, "backup_on_exit"))
        self.timer.start(CHECK_MS)
        self.check()
        self.run_schedule()

    def detach(self, *, closing: bool) -> list[Callable[[Session], object]]:
        """At lock; on closing the window, the backup on exit (if set) runs before the vault
        closes."""
        self.session = None
        self.work_area = None
        self.timer.stop()
        self.label.hide()
        return [backup_timing.backup_on_exit_if_due] if closing and self.on_exit else []

    def settings_saved(self, values: dict) -> None:
        """The Backups tab saved: follow the new "back up on exit", check the warning again."""
        self.on_exit = bool(values.get("backup_on_exit", self.on_exit))
        self.check()

    def check(self, _result: object = None) -> None:
        session = self.session
        if session is None:
            return
        run_in_background(lambda: backup_schedule.backup_status(session), self._on_status,
                          lambda _error: None, busy=self.busy, owner=self)

    def _on_status(self, state: BackupStatus) -> None:
        if self.session is None:
            return
        self.warning = overdue_text(state)
        self.label.setText(_("⚠ Backup overdue") + " — <a href='backups'>" + _("Back up now")
                           + "</a>" if self.warning else "")
        self.label.setToolTip(self.warning)
        self.label.setVisible(bool(self.warning))
        if self.work_area is not None:
            self.work_area.show_notice(self.warning)
        if self.warning:
            self.status.emit(self.warning, 15_000)
        self.checked.emit(state)

    def run_schedule(self) -> None:
        session = self.session
        if session is None:
            return

        def done(result: object) -> None:
            if result is not None:
                self.status.emit(_("Scheduled backup made."), 8_000)
                self.check()

        run_in_background(lambda: backup_timing.scheduled_backup_if_due(session), done,
                          lambda error: self.status.emit(_("The scheduled backup failed: "
                                                           "{reason}").format(
                              reason=_describe(error)), 0),
                          busy=self.busy, owner=self)


def _describe(error: BaseException) -> str:
    from shelterdesk.ui.common.error_text import describe_error

    return describe_error(error)
